import Foundation
import NumericCore
import Storage
import VAE

/// The second stage of a run whose family samples through a model trained after the
/// first: a VQ-VAE's PixelCNN prior over its codes, or a two-stage model's second VAE over
/// its codings. The first model is held fixed and turns each batch of training images
/// into what the second learns, in the same run folder.
///
/// It keeps its own checkpoint, weights and history (`prior-*.safetensors`,
/// `prior-history.csv`), so an interrupted prior resumes exactly; when the first model
/// trains again, its prior is discarded, since it modelled codes that have changed.
public final class PriorStage {
    public let folder: RunFolder
    public let trainer: any EpochTraining
    /// Both stages, for the run's `samples.png`.
    private let trained: TrainedModel
    /// The first model's `weightsFingerprint`, kept with the prior's weights.
    private let firstWeights: String
    private let configuration: RunConfiguration
    private let description: String
    /// Whether this process writes the stage's files (see `TrainingRun.group`).
    private let writes: Bool

    private init<Model: TrainableModel>(folder: RunFolder, configuration: RunConfiguration, data: RunData, model: Model,
                                        first: any TrainableModel, generator: SeededGenerator, description: String,
                                        trained: TrainedModel, group: (any ProcessGroup)?) throws {
        self.folder = folder
        writes = (group?.rank ?? 0) == 0
        firstWeights = first.weightsFingerprint
        self.configuration = configuration
        self.description = description
        self.trained = trained
        var options = configuration.training
        options.epochs = max(options.priorEpochs ?? 1, 1)
        options.klWarmUp = 0
        trainer = try Trainer(model: model, training: data.training, validation: data.validation, options: options,
                              generator: generator, group: group)
    }

    /// "prior" in ASCII: what sets the prior's seed apart from the first model's, so its
    /// weights and shuffling do not depend on how long the first model trained.
    static let seedSalt: UInt64 = 0x70_72_69_6F_72

    /// The prior of the run in `folder` for `first`, its trained first model: from its
    /// checkpoint when one is there, else new.
    static func resumeOrStart(for first: any TrainableModel, configuration: RunConfiguration, data: RunData,
                              in folder: RunFolder, group: (any ProcessGroup)? = nil) throws -> PriorStage {
        var generator = SeededGenerator(seed: configuration.seed ^ seedSalt)
        let stage: PriorStage
        if let autoencoder = first as? VectorQuantizedAutoencoder, let settings = configuration.model.codePrior {
            let prior = CodePrior(settings, grid: autoencoder.grid, codebookSize: autoencoder.quantizer.codebookSize,
                                  generator: &generator)
            stage = try PriorStage(
                folder: folder, configuration: configuration, data: data,
                model: CodePriorTraining(autoencoder: autoencoder, prior: prior), first: first, generator: generator,
                description: "the code prior (a PixelCNN over the \(prior.grid.height)×\(prior.grid.width) codes)",
                trained: .vqVAE(autoencoder, prior: prior), group: group)
        } else if let vae = first as? VariationalAutoencoder, let secondConfiguration = configuration.model.secondStageConfiguration {
            let second = try VariationalAutoencoder(secondConfiguration, generator: &generator)
            stage = try PriorStage(
                folder: folder, configuration: configuration, data: data,
                model: SecondStageTraining(first: vae, second: second), first: first, generator: generator,
                description: "the second stage (a VAE over the \(configuration.model.codingSize)-dimensional codings)",
                trained: .twoStage(vae, second: second), group: group)
        } else {
            throw ConfigurationError(.model, configuration.model.family.rawValue, "has no second stage to train")
        }
        // Whatever the first process removed before, every process sees the same folder now.
        group?.synchronize()
        if FileManager.default.fileExists(atPath: folder.priorCheckpointURL.path) {
            try Checkpoint.restore(stage.trainer, from: folder.priorCheckpointURL)
        }
        return stage
    }

    /// The metadata key of the first model's weights fingerprint in `prior.safetensors`.
    static let firstWeightsKey = "first_weights"

    /// Removes a prior's files, and the samples it drew: they belong to the first model's
    /// earlier weights.
    static func discard(in folder: RunFolder) throws {
        for url in [folder.priorCheckpointURL, folder.priorWeightsURL, folder.priorHistoryURL, folder.samplesURL]
        where FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.removeItem(at: url)
        }
    }

    /// Trains up to `epochs` epochs, writing the checkpoint, weights and history after
    /// each, then samples through both stages into `samples.png`.
    func train(epochs: Int, observer: RunObserver?, shouldStop: (() -> Bool)?) throws {
        if trainer.history.count < epochs { observer?.note("Training \(description) for \(epochs) epochs…") }
        while trainer.history.count < epochs {
            let record: EpochRecord
            do {
                record = try trainer.trainEpoch(progress: { observer?.stepFinished($0) }, shouldStop: shouldStop)
            } catch TrainingError.interrupted(let epoch, let step) {
                if writes { try Checkpoint.write(trainer, configuration: configuration, to: folder.priorCheckpointURL) }
                throw TrainingError.interrupted(epoch: epoch, step: step)
            }
            if writes {
                try Checkpoint.write(trainer, configuration: configuration, to: folder.priorCheckpointURL)
                try trainer.trainedModel.saveWeights(to: folder.priorWeightsURL,
                                                     metadata: ["epoch": String(record.epoch), Self.firstWeightsKey: firstWeights])
                try RunHistory.write(trainer.history, to: folder.priorHistoryURL)
            }
            observer?.epochFinished(record, of: epochs)
        }
        guard writes else { return }
        let samples = try RunSampling.samples(trained, of: folder, configuration: configuration, weights: folder.weightsURL,
                                              prior: nil, count: 21, seed: configuration.seed)
        try RunFigures.writeGrid(samples, configuration: configuration.model, columns: 7, to: folder.samplesURL)
    }
}
