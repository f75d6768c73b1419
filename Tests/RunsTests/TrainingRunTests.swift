import Foundation
import NumericCore
import Runs
import Storage
import Testing
import TestSupport
import VAE

/// A run as a library object: started, trained, stopped, resumed and evaluated without
/// the command line.
@Suite struct TrainingRunTests {
    static let data = try! IDXFiles.makeDataset(train: 300, test: 40, side: 8)

    /// The book's model in small, or a convolutional one with the per-pixel logistic and the perceptual term.
    func request(epochs: Int, richer: Bool = false) -> RunRequest {
        let model = richer
            ? ModelConfiguration(codingSize: 3, hidden: [16], likelihood: .logistic, architecture: .conv, filters: [4], perceptual: 0.5)
            : ModelConfiguration(codingSize: 3, hidden: [16])
        return RunRequest(model: model,
                   training: TrainingOptions(epochs: epochs, batchSize: 32), seed: 5, data: Self.data.path,
                   validationCount: 60)
    }

    final class Recorder: RunObserver {
        var epochs: [Int] = []
        var steps = 0
        func epochFinished(_ record: EpochRecord, of epochs: Int) { self.epochs.append(record.epoch) }
        func stepFinished(_ progress: StepProgress) { steps += 1 }
    }

    @Test func aRunTrainsAndKeepsEveryFile() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("training-run"))
        let run = try TrainingRun.start(request(epochs: 2), in: folder)
        let recorder = Recorder()
        try run.train(observer: recorder)
        #expect(recorder.epochs == [1, 2] && recorder.steps == 2 * 8)
        for url in [folder.configurationURL, folder.weightsURL, folder.bestWeightsURL, folder.checkpointURL,
                    folder.historyURL, folder.curvesURL, folder.samplesURL, folder.interpolationURL] {
            #expect(FileManager.default.fileExists(atPath: url.path), "\(url.lastPathComponent)")
        }
        #expect(try Checkpoint.history(at: folder.checkpointURL).count == 2)
        #expect(try folder.readConfiguration() == run.configuration)
        #expect(run.configuration.data == DataSelection(folder: Self.data.path, validationCount: 60))
        #expect(try run.samples(count: 4, seed: 3).rows == 4)
        #expect(throws: SamplingError.priorDoesNotApply(.codePrior, .vae)) { try run.samples(count: 4, seed: 3, prior: .codePrior) }
    }

    /// Resuming is exact: two epochs, then a third after reopening, give the weights of
    /// three uninterrupted epochs; so does a stop in the middle of an epoch.
    @Test(arguments: [false, true])
    func resumingGivesTheUninterruptedRun(richer: Bool) throws {
        let whole = RunFolder(IDXFiles.temporaryFolder("whole"))
        try TrainingRun.start(request(epochs: 3, richer: richer), in: whole).train()

        let parts = RunFolder(IDXFiles.temporaryFolder("parts"))
        try TrainingRun.start(request(epochs: 2, richer: richer), in: parts).train()
        do {
            let resumed = try TrainingRun.resume(parts, epochs: 3)
            var asked = 0
            #expect(throws: TrainingError.self) { try resumed.train(shouldStop: { asked += 1; return asked == 3 }) }
        }
        let finished = try TrainingRun.resume(parts)
        #expect(finished.trainer.state.epochInProgress?.stepsDone == 3)
        try finished.train()
        #expect(try SafeTensors.read(whole.weightsURL).tensors == SafeTensors.read(parts.weightsURL).tensors)
    }

    @Test func aSecondRunCannotClaimTheFolder() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("claimed"))
        let run = try TrainingRun.start(request(epochs: 1), in: folder)
        #expect(throws: FileError.self) { try TrainingRun.resume(folder) }
        #expect(throws: RunFolderError.self) { try TrainingRun.start(request(epochs: 1), in: folder) }
        withExtendedLifetime(run) {}
    }

    @Test func anEvaluationIsAValueKeptInTheRunFolder() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("evaluated"))
        try TrainingRun.start(request(epochs: 1), in: folder).train()
        var options = EvaluationOptions()
        options.samples = 0
        options.importanceSamples = 10
        let report = try RunEvaluation.evaluate(folder, options: options)
        #expect(report.images == 40 && report.importanceWeighted?.samples == 10 && report.samples == nil)
        // The book's likelihood is a density: its bits are measured on dequantised images.
        #expect(report.eightBitMeasure == .dequantized && (report.bitsPerDimension ?? 0) > 0)
        #expect(report.reconstructionSharpness != nil)
        #expect(try folder.readEvaluation() == nil)
        try folder.write(report)
        let kept = try #require(try folder.readEvaluation())
        #expect(kept.negativeELBO == report.negativeELBO && kept.latentUsage == report.latentUsage)
        // A later look at the likelihood alone keeps the samples' measures of the same weights,
        // and drops them once the weights have changed.
        options.samples = 8
        try folder.write(try RunEvaluation.evaluate(folder, options: options))
        options.samples = 0
        try folder.write(try RunEvaluation.evaluate(folder, options: options))
        #expect(try folder.readEvaluation()?.samples?.images == 8)
        try TrainingRun.resume(folder, epochs: 2).train()
        try folder.write(try RunEvaluation.evaluate(folder, options: options))
        #expect(try folder.readEvaluation()?.samples == nil)
        options.samples = 2
        #expect { try RunEvaluation.evaluate(folder, options: options) } throws: {
            ($0 as? ConfigurationError)?.setting == .samples
        }
    }
}

extension TrainingRunTests {
    final class DecodingWatch: RunObserver {
        var decoding = false
        func decodingPictures(done: Int, total: Int) { decoding = true }
    }

    /// A model too large to build is refused before a picture of the folder is decoded
    /// (with three channels, as the pictures' own are not yet known).
    @Test func theModelSizeIsCheckedBeforeAnyPictureIsDecoded() throws {
        let pictures = IDXFiles.temporaryFolder("model-size-pictures")
        for index in 0..<4 {
            try PictureFiles.encode(PictureFiles.pixels(width: 16, height: 16, channels: 3, seed: index), width: 16, height: 16,
                                    channels: 3, as: .png).write(to: pictures.appendingPathComponent("\(index).png"))
        }
        let watch = DecodingWatch()
        let request = RunRequest(model: ModelConfiguration(codingSize: 3, hidden: [1 << 16, 1 << 16]), data: pictures.path,
                                 pictures: PictureRequest(side: 16), cache: nil)
        #expect {
            _ = try TrainingRun.start(request, in: RunFolder(IDXFiles.temporaryFolder("model-size-run")), observer: watch)
        } throws: { "\($0)".contains("more than 2³⁰ parameters") }
        #expect(!watch.decoding)
    }
}
