import Foundation
import NumericCore
import Storage
import VAE

/// The second stage of a VQ-VAE run: its PixelCNN prior over the codes, trained on the
/// training images' codes with the autoencoder held fixed, in the same run folder.
///
/// It keeps its own checkpoint, weights and history (`prior-*.safetensors`,
/// `prior-history.csv`), so an interrupted prior resumes exactly; when the autoencoder
/// trains again, its prior is discarded, since it modelled codes that have changed.
public final class CodePriorStage {
    public let folder: RunFolder
    public let prior: CodePrior
    public let trainer: Trainer<CodePriorTraining>
    private let configuration: RunConfiguration

    private init(folder: RunFolder, autoencoder: VectorQuantizedAutoencoder, configuration: RunConfiguration,
                 data: RunData) throws {
        guard let settings = configuration.model.codePrior else {
            throw ConfigurationError(.model, configuration.model.family.rawValue, "has no code prior")
        }
        self.folder = folder
        self.configuration = configuration
        // Its own stream of random numbers: the prior's weights and shuffling do not
        // depend on how long the autoencoder trained.
        var generator = SeededGenerator(seed: configuration.seed ^ Self.seedSalt)
        prior = CodePrior(settings, grid: autoencoder.grid, codebookSize: autoencoder.quantizer.codebookSize,
                          generator: &generator)
        var options = configuration.training
        options.epochs = max(options.priorEpochs ?? 1, 1)
        options.klWarmUp = 0
        trainer = try Trainer(model: CodePriorTraining(autoencoder: autoencoder, prior: prior), training: data.training,
                              validation: data.validation, options: options, generator: generator)
    }

    /// "prior" in ASCII: what sets the prior's seed apart from the autoencoder's.
    static let seedSalt: UInt64 = 0x70_72_69_6F_72

    /// The prior of the run in `folder`: from its checkpoint when one is there, else new.
    static func resumeOrStart(for autoencoder: VectorQuantizedAutoencoder, configuration: RunConfiguration, data: RunData,
                              in folder: RunFolder) throws -> CodePriorStage {
        let stage = try CodePriorStage(folder: folder, autoencoder: autoencoder, configuration: configuration, data: data)
        if FileManager.default.fileExists(atPath: folder.priorCheckpointURL.path) {
            try Checkpoint.restore(stage.trainer, from: folder.priorCheckpointURL)
            stage.prior.enforceMasks()
        }
        return stage
    }

    /// Removes a prior's files: they belong to the autoencoder's earlier weights.
    static func discard(in folder: RunFolder) throws {
        for url in [folder.priorCheckpointURL, folder.priorWeightsURL, folder.priorHistoryURL]
        where FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.removeItem(at: url)
        }
    }

    /// Trains up to `epochs` epochs, writing the checkpoint, weights and history after
    /// each, then samples from the prior into `samples.png`.
    func train(epochs: Int, observer: RunObserver?, shouldStop: (() -> Bool)?) throws {
        if trainer.history.count < epochs {
            observer?.note("Training the code prior (a PixelCNN over the \(prior.grid.height)×\(prior.grid.width) codes) for \(epochs) epochs…")
        }
        while trainer.history.count < epochs {
            let record: EpochRecord
            do {
                record = try trainer.trainEpoch(progress: { observer?.stepFinished($0) }, shouldStop: shouldStop)
            } catch TrainingError.interrupted(let epoch, let step) {
                try Checkpoint.write(trainer, configuration: configuration, to: folder.priorCheckpointURL)
                throw TrainingError.interrupted(epoch: epoch, step: step)
            }
            try Checkpoint.write(trainer, configuration: configuration, to: folder.priorCheckpointURL)
            try trainer.model.saveWeights(to: folder.priorWeightsURL, metadata: ["epoch": String(record.epoch)])
            try RunHistory.write(trainer.history, to: folder.priorHistoryURL)
            observer?.epochFinished(record, of: epochs)
        }
        try RunFigures.writeSamples(trainer.model.autoencoder, prior: prior, count: 21, columns: 7, seed: configuration.seed,
                                    to: folder.samplesURL)
    }
}
