import Foundation
import NumericCore
import Runs
import Storage
import Testing
import TestSupport
import VAE

/// A VQ-VAE run: the autoencoder, then its code prior, in one folder, stopped and resumed.
@Suite struct VectorQuantizedRunTests {
    static let data = try! IDXFiles.makeDataset(train: 300, test: 40, side: 8)

    func request(epochs: Int, priorEpochs: Int, seed: UInt64 = 5) -> RunRequest {
        let model = ModelConfiguration(hidden: [], likelihood: .bernoulli, architecture: .conv, filters: [4, 6], family: .vqVAE,
                                       quantizer: VectorQuantizerSettings(codebookSize: 8, codeDimension: 3),
                                       codePrior: CodePriorSettings(channels: 6, blocks: 1))
        return RunRequest(model: model, training: TrainingOptions(epochs: epochs, batchSize: 32, priorEpochs: priorEpochs),
                          seed: seed, data: Self.data.path, validationCount: 60)
    }

    func tensors(_ url: URL) throws -> [String: SafeTensors.Tensor] { try SafeTensors.read(url).tensors }

    @Test func aRunTrainsTheAutoencoderThenItsPrior() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("vq-run"))
        let run = try TrainingRun.start(request(epochs: 2, priorEpochs: 2), in: folder)
        try run.train()
        guard case .vqVAE(_, _?) = run.trainedModel else { Issue.record("the run has no prior"); return }
        let samples = try run.samples(count: 3, seed: 1)
        #expect(samples.rows == 3 && samples.columns == 64 && samples.values.allSatisfy { (0...1).contains($0) })
        for url in [folder.weightsURL, folder.checkpointURL, folder.priorWeightsURL, folder.priorCheckpointURL,
                    folder.priorHistoryURL, folder.samplesURL, folder.reconstructionsURL] {
            #expect(FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.interpolationURL.path))
        let configuration = try folder.readConfiguration()
        #expect(configuration.model.family == .vqVAE && configuration.training.priorEpochs == 2)
        guard case .vqVAE(_, let prior) = try folder.loadTrainedModel().0 else { Issue.record("not a VQ-VAE"); return }
        #expect(prior != nil)
        #expect(throws: FileError.self) { try folder.loadModel() }

        // The same seed gives the same autoencoder and the same prior.
        let again = RunFolder(IDXFiles.temporaryFolder("vq-run-again"))
        try TrainingRun.start(request(epochs: 2, priorEpochs: 2), in: again).train()
        #expect(try tensors(folder.weightsURL) == tensors(again.weightsURL))
        #expect(try tensors(folder.priorWeightsURL) == tensors(again.priorWeightsURL))
    }

    /// The prior resumes exactly, from between two epochs and from the middle of one.
    @Test func resumingThePriorGivesTheUninterruptedRun() throws {
        let whole = RunFolder(IDXFiles.temporaryFolder("vq-whole"))
        try TrainingRun.start(request(epochs: 2, priorEpochs: 3), in: whole).train()

        let parts = RunFolder(IDXFiles.temporaryFolder("vq-parts"))
        try TrainingRun.start(request(epochs: 2, priorEpochs: 1), in: parts).train()
        do {
            let resumed = try TrainingRun.resume(parts, priorEpochs: 3)
            var asked = 0
            #expect(throws: TrainingError.self) { try resumed.train(shouldStop: { asked += 1; return asked == 4 }) }
        }
        try TrainingRun.resume(parts).train()
        #expect(try tensors(whole.weightsURL) == tensors(parts.weightsURL))
        #expect(try tensors(whole.priorWeightsURL) == tensors(parts.priorWeightsURL))
        #expect(try Checkpoint.history(at: parts.priorCheckpointURL).count == 3)
    }

    /// Training the autoencoder further changes its codes, so its old prior is removed;
    /// `redoPrior` trains the prior again from the start.
    @Test func aPriorBelongsToTheWeightsItWasTrainedFor() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("vq-retrained"))
        try TrainingRun.start(request(epochs: 1, priorEpochs: 1), in: folder).train()
        try TrainingRun.resume(folder, epochs: 2, priorEpochs: 0).train()
        #expect(!FileManager.default.fileExists(atPath: folder.priorWeightsURL.path))
        guard case .vqVAE(_, nil) = try folder.loadTrainedModel().0 else { Issue.record("a prior is left"); return }

        try TrainingRun.resume(folder, priorEpochs: 2).train()
        let first = try tensors(folder.priorWeightsURL)
        try TrainingRun.resume(folder, redoPrior: true).train()
        #expect(try tensors(folder.priorWeightsURL) == first)
        #expect(throws: ConfigurationError.self) { try TrainingRun.resume(folder, priorEpochs: -1) }
    }

    /// A run that replaces one with a prior leaves that prior alone until its own first
    /// checkpoint: failing before it (here its loss diverges in the first epoch), it leaves
    /// the earlier run whole.
    @Test func aReplacingRunKeepsTheEarlierPriorUntilItsFirstCheckpoint() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("vq-replaced"))
        try TrainingRun.start(request(epochs: 1, priorEpochs: 1), in: folder).train()
        let prior = try tensors(folder.priorWeightsURL)
        var diverging = request(epochs: 2, priorEpochs: 1, seed: 9)
        diverging.training.learningRate = 1e30
        let replacing = try TrainingRun.start(diverging, in: folder, overwrite: true)
        #expect(throws: TrainingError.self) { try replacing.train() }
        #expect(try tensors(folder.priorWeightsURL) == prior)
        #expect(try folder.readConfiguration().seed == 5)
    }

    /// A prior is paired with the weights it was trained on: with other weights of the run
    /// (an earlier snapshot) the model has no prior.
    @Test func aPriorGoesWithTheWeightsItModelled() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("vq-paired"))
        let snapshot: URL
        do {
            let first = try TrainingRun.start(request(epochs: 1, priorEpochs: 0), in: folder)
            try first.train()
            snapshot = try first.writeSnapshot()
        }
        try TrainingRun.resume(folder, epochs: 2, priorEpochs: 1).train()
        guard case .vqVAE(_, _?) = try folder.loadTrainedModel().0 else { Issue.record("no prior with the final weights"); return }
        guard case .vqVAE(_, nil) = try folder.loadTrainedModel(weights: snapshot).0 else {
            Issue.record("a prior paired with weights it was not trained on"); return
        }
    }

    @Test func anEvaluationMeasuresTheCodesAndThePriorsSamples() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("vq-evaluated"))
        try TrainingRun.start(request(epochs: 2, priorEpochs: 2), in: folder).train()
        var options = EvaluationOptions()
        options.samples = 20
        let report = try RunEvaluation.evaluate(folder, options: options)
        let usage = try #require(report.codebookUsage)
        #expect(usage.codebookSize == 8 && usage.codesUsed >= 1 && usage.perplexity <= 8)
        #expect(report.family == "vq-vae" && report.latentUsage == nil && report.importanceWeighted == nil)
        // The learned prior's −log p(codes) is the bound's KL term, below the uniform prior's.
        #expect(report.klDivergence > 0 && report.klDivergence < 4 * logf(8))
        #expect(abs(report.negativeELBO - (report.reconstructionNats + report.klDivergence)) < 1e-3)
        #expect(report.prior == "pixelcnn" && report.samples?.images == 20)
    }
}
