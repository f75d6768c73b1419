import Foundation
import NumericCore
import Runs
import Storage
import Testing
import TestSupport
import VAE

/// The two-stage VAE and the regularised autoencoder as runs: trained, sampled through
/// their own priors, and evaluated.
@Suite struct FamilyRunTests {
    static let data = try! IDXFiles.makeDataset(train: 300, test: 40, side: 8)

    func request(_ family: ModelFamily, priorEpochs: Int? = nil) -> RunRequest {
        let model = ModelConfiguration(codingSize: 3, hidden: [16], likelihood: family == .twoStage ? .gaussian : .mse,
                                       beta: family == .rae ? 0 : 1, family: family,
                                       secondStage: family == .twoStage ? SecondStageSettings(hidden: [12]) : nil)
        return RunRequest(model: model, training: TrainingOptions(epochs: 2, batchSize: 32, priorEpochs: priorEpochs),
                          seed: 7, data: Self.data.path, validationCount: 60)
    }

    @Test func aTwoStageRunTrainsItsSecondVAEAndSamplesThroughBoth() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("two-stage"))
        try TrainingRun.start(request(.twoStage, priorEpochs: 2), in: folder).train()
        #expect(try Checkpoint.history(at: folder.priorCheckpointURL).count == 2)
        let (trained, configuration) = try folder.loadTrainedModel()
        guard case .twoStage(let first, let second?) = trained else { Issue.record("no second stage"); return }
        // The second VAE reads the first's codings as one-row images and codes them as wide.
        #expect(second.configuration.imageSize == 3 && second.configuration.codingSize == 3
                && second.configuration.likelihood == .gaussian)
        // Its loss is the second VAE's on the first's mean codings.
        let images = Self.dataBatch()
        let noise = Matrix(rows: images.rows, columns: 3)
        let training = SecondStageTraining(first: first, second: second)
        #expect(training.loss(images: images, noise: noise) == second.loss(images: first.encoded(images).mean, noise: noise))

        var options = EvaluationOptions()
        options.samples = 20
        options.importanceSamples = 0
        let report = try RunEvaluation.evaluate(folder, options: options)
        #expect(report.prior == "second-stage" && report.family == "two-stage" && report.samples?.images == 20)
        let samples = try RunSampling.samples(trained, of: folder, configuration: configuration, weights: folder.weightsURL,
                                              prior: nil, count: 5, seed: 1)
        #expect(samples.rows == 5 && samples.values.allSatisfy(\.isFinite))
        #expect(throws: SamplingError.priorDoesNotApply(.codePrior, .twoStage)) {
            try RunSampling.samples(trained, of: folder, configuration: configuration, weights: folder.weightsURL,
                                    prior: .codePrior, count: 5, seed: 1)
        }
    }

    @Test func aTwoStageRunWithoutItsSecondStageSaysSo() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("two-stage-first"))
        try TrainingRun.start(request(.twoStage, priorEpochs: 0), in: folder).train()
        let (trained, configuration) = try folder.loadTrainedModel()
        #expect(throws: SamplingError.noPriorYet(.twoStage)) {
            try RunSampling.samples(trained, of: folder, configuration: configuration, weights: folder.weightsURL,
                                    prior: nil, count: 5, seed: 1)
        }
        var options = EvaluationOptions()
        options.samples = 20
        options.importanceSamples = 0
        #expect(try RunEvaluation.evaluate(folder, options: options).samplesNote?.contains("no trained second stage") == true)
    }

    /// The regularised autoencoder is the β = 0 model sampled through a fitted mixture.
    @Test func theRegularisedAutoencoderSamplesThroughAFittedMixture() throws {
        var wrong = request(.rae)
        wrong.model.beta = 1
        #expect(throws: ConfigurationError.self) { try wrong.model.validate() }
        let folder = RunFolder(IDXFiles.temporaryFolder("rae"))
        try TrainingRun.start(request(.rae), in: folder).train()
        var options = EvaluationOptions()
        options.samples = 20
        options.importanceSamples = 0
        options.components = 2
        let report = try RunEvaluation.evaluate(folder, options: options)
        #expect(report.prior == "gmm" && report.family == "rae")
        #expect(FileManager.default.fileExists(atPath: folder.file("gmm-2-full.json").path))
    }

    static func dataBatch() -> Matrix {
        let dataset = try! RunData.idx(DataSelection(folder: data.path, validationCount: 60)).training
        return dataset.matrix(0..<16)
    }
}
