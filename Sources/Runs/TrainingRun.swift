import Datasets
import Foundation
import NumericCore
import Storage
import VAE

/// A training run: a model, its trainer and data, and the run folder that keeps them.
///
/// It owns the policy of what a run writes: after every epoch a complete checkpoint, the
/// weights, the best weights so far, `history.csv` and the loss curves; when the last
/// epoch is done, sample and interpolation pictures. The folder is claimed for as long as
/// the run object lives, so two trainings cannot write into one folder. A run that
/// replaces another trains in the folder's staging place until its first checkpoint, so
/// the earlier run stays whole until then (see `RunFolder.staging`).
///
/// Over a `ProcessGroup` (`mpirun -np N vae train …`), every process builds the same run
/// from the same request and trains its share of every batch (`BatchShards`); process 0
/// alone claims and writes the folder, the others read it and write nothing.
///
///     let run = try TrainingRun.start(RunRequest(), in: RunFolder(path: "runs/book"))
///     try run.train()
public final class TrainingRun {
    public let folder: RunFolder
    /// Whether the run still trains in `folder.staging`, to replace the folder's earlier
    /// run at its first checkpoint.
    private var staged = false
    /// Where the run's files go now.
    private var writing: RunFolder { staged ? folder.staging : folder }
    public private(set) var configuration: RunConfiguration
    /// The model trained first: the VAE, or the VQ-VAE's autoencoder.
    public let model: any TrainableModel
    public let trainer: any EpochTraining
    public let data: RunData
    /// The prior trained after the first model, for the families that have one (`PriorStage`).
    public private(set) var priorStage: PriorStage?
    /// Held by the process that writes; nil in the others of a group.
    private let lock: RunLock?
    /// The processes this run trains on, or nil for this process alone.
    public let group: (any ProcessGroup)?
    /// The lowest validation loss so far: the epoch whose weights `best.safetensors` holds.
    private var bestLoss: Float

    /// Whether this process writes the run's files: the only one, or a group's first.
    public var writes: Bool { (group?.rank ?? 0) == 0 }

    private init(folder: RunFolder, configuration: RunConfiguration, data: RunData, lock: RunLock?,
                 group: (any ProcessGroup)?) throws {
        self.folder = folder
        self.configuration = configuration
        self.data = data
        self.lock = lock
        self.group = group
        var generator = SeededGenerator(seed: configuration.seed)
        switch configuration.model.family {
        case .vae, .rae, .twoStage:
            let model = try VariationalAutoencoder(configuration.model, generator: &generator)
            (self.model, trainer) = (model, try Trainer(model: model, training: data.training, validation: data.validation,
                                                        options: configuration.training, generator: generator, group: group))
        case .vqVAE:
            let model = try VectorQuantizedAutoencoder(configuration.model, generator: &generator)
            // Its own stream, so the shuffling and the noise are those of any run of this seed.
            var sampling = SeededGenerator(seed: configuration.seed ^ Self.codebookSeedSalt)
            model.initializeCodebook(from: data.training.matrix(0..<min(256, data.training.count)), generator: &sampling)
            (self.model, trainer) = (model, try Trainer(model: model, training: data.training, validation: data.validation,
                                                        options: configuration.training, generator: generator, group: group))
        }
        bestLoss = .infinity
    }

    /// "codebook" in ASCII: what sets the codebook's starting draw apart from the run's seed.
    static let codebookSeedSalt: UInt64 = 0x63_6F_64_65_62_6F_6F_6B

    /// A new run in `folder`. The settings and the data are checked before the folder is
    /// touched; a folder that holds a run is replaced only when `overwrite` says so.
    public static func start(_ request: RunRequest, in folder: RunFolder, overwrite: Bool = false,
                             observer: RunObserver? = nil, group: (any ProcessGroup)? = nil) throws -> TrainingRun {
        try request.training.validate()
        var selection = DataSelection(folder: request.data, validationCount: request.validationCount ?? 5000,
                                      limit: request.limit)
        try selection.validate()
        let data: RunData, split: ImageFolderSplit?
        if var pictures = request.pictures ?? (RunData.isPictureFolder(request.data) ? PictureRequest() : nil) {
            pictures.validationCount = pictures.validationCount ?? request.validationCount
            // The model's size before a picture is decoded, with 3 channels while the
            // pictures' own are not yet known: no folder is read for a model that cannot be built.
            try ImageFolderSettings(side: pictures.side, channels: pictures.channels ?? 3, background: pictures.background).validate()
            var provisional = request.model
            (provisional.imageHeight, provisional.imageWidth, provisional.channels) = (pictures.side, pictures.side, pictures.channels ?? 3)
            try provisional.validate()
            let made = try RunData.newPictureRun(request.data, pictures, seed: request.seed, limit: request.limit,
                                                 cache: request.cache, observer: observer)
            (data, split, selection.pictures) = (made.data, made.split, made.settings)
            selection.validationCount = made.data.validation.count
        } else {
            (data, split) = (try RunData.idx(selection), nil)
        }
        var model = request.model
        (model.imageHeight, model.imageWidth, model.channels) = (data.training.height, data.training.width, data.training.channels)
        let configuration = RunConfiguration(model: model, training: request.training, seed: request.seed, data: selection)
        try configuration.validate()
        guard (group?.rank ?? 0) == 0 else {
            return try TrainingRun(folder: folder, configuration: configuration, data: data, lock: nil, group: group)
        }
        try folder.create(overwrite: overwrite)
        let lock = try RunLock(folder)
        try folder.settleLeftovers()
        // A run to replace stays whole: the new one starts in the staging folder.
        let staged = folder.holdsRun
        let target = staged ? folder.staging : folder
        if staged { try FileManager.default.createDirectory(at: target.url, withIntermediateDirectories: false) }
        // The configuration first: from then on the folder is a run's, whatever stops it.
        try target.write(configuration)
        try split?.write(to: target.splitURL)
        let run = try TrainingRun(folder: folder, configuration: configuration, data: data, lock: lock, group: group)
        run.staged = staged
        return run
    }

    /// The run in `folder`, as its checkpoint left it, to train on; `epochs` sets a new
    /// total, `priorEpochs` a new total for the code prior, and `redoPrior` trains the
    /// prior again from the start.
    public static func resume(_ folder: RunFolder, epochs: Int? = nil, priorEpochs: Int? = nil, redoPrior: Bool = false,
                              observer: RunObserver? = nil, group: (any ProcessGroup)? = nil) throws -> TrainingRun {
        let writes = (group?.rank ?? 0) == 0
        let lock = writes ? try RunLock(folder) : nil
        if writes { try folder.settleLeftovers() }
        // The others read the folder once the first has settled it.
        group?.synchronize()
        var configuration = try Checkpoint.configuration(at: folder.checkpointURL)
        if let epochs {
            guard epochs > 0 else { throw ConfigurationError(.epochs, epochs, "must be at least 1") }
            configuration.training.epochs = epochs
        }
        if priorEpochs != nil || redoPrior, !configuration.model.family.needsPrior {
            throw ConfigurationError("this \(configuration.model.family.rawValue) run has no second model to train (a vq-vae's code prior or a two-stage model's second VAE)")
        }
        if configuration.model.family.needsPrior {
            // The prior's epochs may have been set after the autoencoder's last checkpoint:
            // `config.json` has the latest.
            configuration.training.priorEpochs = try priorEpochs ?? folder.readConfiguration().training.priorEpochs
            try configuration.training.validate()
        }
        let data = try RunData.load(for: configuration, of: folder, observer: observer)
        let run = try TrainingRun(folder: folder, configuration: configuration, data: data, lock: lock, group: group)
        try Checkpoint.restore(run.trainer, from: folder.checkpointURL)
        run.bestLoss = run.trainer.history.compactMap { $0.validation?.total }.min() ?? .infinity
        // Every process has read the checkpoint before the first changes anything.
        group?.synchronize()
        if writes {
            if redoPrior { try PriorStage.discard(in: folder) }
            try folder.write(configuration)
        }
        return run
    }

    /// Epochs completed so far.
    public var epochsDone: Int { trainer.history.count }

    /// The model as its family's, with the prior this run trained (if it has one).
    public var trainedModel: TrainedModel {
        let second = priorStage?.trainer.trainedModel
        switch model {
        case let model as VectorQuantizedAutoencoder: return .vqVAE(model, prior: (second as? CodePriorTraining)?.prior)
        case let model as VariationalAutoencoder where configuration.model.family == .twoStage:
            return .twoStage(model, second: (second as? SecondStageTraining)?.second)
        default: return .vae(model as! VariationalAutoencoder)
        }
    }

    /// `count` new images through the family's own prior or `prior`, drawn with `seed`:
    /// one row of pixels each, in a matrix the caller owns.
    public func samples(count: Int, seed: UInt64, prior: Prior? = nil, observer: RunObserver? = nil) throws -> Matrix {
        try RunSampling.samples(trainedModel, of: folder, configuration: configuration, weights: folder.weightsURL,
                                prior: prior, count: count, seed: seed, observer: observer)
    }

    /// Trains up to the configuration's epochs, writing the run's files after every epoch
    /// and its pictures at the end. `shouldStop` is asked after every step: when it answers
    /// true, the partly trained epoch is checkpointed and `TrainingError.interrupted` thrown.
    /// A loss that is not finite throws `TrainingError.diverged`, and the folder keeps the
    /// last good epoch.
    public func train(observer: RunObserver? = nil, shouldStop: (() -> Bool)? = nil) throws {
        observer?.trainingStarted(self)
        let total = configuration.training.epochs
        do {
            // A prior trained for weights that change now belongs to them no more.
            if epochsDone < total, configuration.model.family.needsPrior, writes { try PriorStage.discard(in: writing) }
            while epochsDone < total {
                let record: EpochRecord
                do {
                    record = try trainer.trainEpoch(progress: { observer?.stepFinished($0) }, shouldStop: shouldStop)
                } catch TrainingError.interrupted(let epoch, let step) {
                    if writes {
                        try Checkpoint.write(trainer, configuration: configuration, to: writing.checkpointURL)
                        try takeTheRunFoldersPlace()
                    }
                    throw TrainingError.interrupted(epoch: epoch, step: step)
                }
                if writes {
                    try writeEpoch(record)
                    try takeTheRunFoldersPlace()
                }
                observer?.epochFinished(record, of: total)
            }
        } catch {
            // Stopped before a checkpoint: the run it was to replace stays, untouched.
            if staged { try? folder.discardStaging() }
            throw error
        }
        if writes { try writePictures() }
        if let autoencoder = model as? VectorQuantizedAutoencoder, data.validation.count > 0, writes {
            let usage = autoencoder.codebookUsage(on: data.validation, batchSize: 500)
            observer?.note(String(format: "The validation images use %d of the %d codebook vectors (perplexity %.1f).",
                                  usage.codesUsed, usage.codebookSize, usage.perplexity))
        }
        if configuration.model.family.needsPrior, let epochs = configuration.training.priorEpochs, epochs > 0 {
            let stage = try PriorStage.resumeOrStart(for: model, configuration: configuration, data: data, in: folder, group: group)
            priorStage = stage
            try stage.train(epochs: epochs, observer: observer, shouldStop: shouldStop)
        }
    }

    /// After the first checkpoint of a run that replaces another: its files take the
    /// earlier run's place, and it writes in the run folder from then on.
    private func takeTheRunFoldersPlace() throws {
        guard staged else { return }
        try folder.promoteStaging()
        staged = false
    }

    /// Keeps `model-epoch-N.safetensors`, a copy of the weights after `epochsDone` epochs.
    @discardableResult
    public func writeSnapshot() throws -> URL {
        let url = writing.snapshotURL(epoch: epochsDone)
        try model.saveWeights(to: url, metadata: ["epoch": String(epochsDone)])
        return url
    }

    private func writeEpoch(_ record: EpochRecord) throws {
        let metadata = ["epoch": String(record.epoch)]
        try Checkpoint.write(trainer, configuration: configuration, to: writing.checkpointURL)
        try model.saveWeights(to: writing.weightsURL, metadata: metadata)
        if let loss = record.validation?.total, loss < bestLoss {
            bestLoss = loss
            try model.saveWeights(to: writing.bestWeightsURL, metadata: metadata)
        }
        try RunHistory.write(trainer.history, to: writing.historyURL)
        try RunFigures.writeCurves(trainer.history, to: writing.curvesURL)
    }

    /// The book's Figures 17-12 and 17-13 for a VAE: samples from N(0, I), and codings
    /// along one latent axis. A VQ-VAE's samples come from its prior, once trained; its
    /// reconstructions of validation images show what the codes keep.
    private func writePictures() throws {
        if let model = model as? VariationalAutoencoder {
            // A regularised autoencoder's codings are not N(0, I)'s: it samples through its mixture.
            let prior: Prior = configuration.model.family == .rae ? .gmm : .gaussian
            let mixture = prior == .gmm
                ? try MixturePrior.fitted(to: model, of: writing, weights: writing.weightsURL, configuration, components: 10,
                                          covariance: .full)
                : nil
            try RunFigures.writeSamples(model, count: 21, columns: 7, seed: configuration.seed, prior: prior, mixture: mixture,
                                        to: writing.samplesURL)
            try RunFigures.writeAxisInterpolation(model, axis: min(3, configuration.model.codingSize - 1), from: -0.8, to: 0.8,
                                                  steps: 7, to: writing.interpolationURL)
        } else if let model = model as? VectorQuantizedAutoencoder, data.validation.count > 0 {
            let originals = data.validation.matrix(0..<min(7, data.validation.count))
            try RunFigures.writeReconstructions(originals: originals, reconstructions: model.reconstructed(originals),
                                                configuration: configuration.model, to: writing.reconstructionsURL)
        }
    }
}

/// What a new run is asked to be: the model (its image shape comes from the data), how
/// to train it, the seed, and the dataset. Defaults are the book's run on Fashion-MNIST.
public struct RunRequest: Sendable {
    public var model: ModelConfiguration
    public var training: TrainingOptions
    public var seed: UInt64
    /// A folder in MNIST's IDX layout, or a folder of pictures.
    public var data: String
    /// Images held out to validate (nil: the book's 5,000, or a tenth of a folder of pictures).
    public var validationCount: Int?
    /// Train on the first `limit` training images only.
    public var limit: Int?
    /// How a folder of pictures is read (nil: the defaults, when `data` holds pictures).
    public var pictures: PictureRequest?
    /// Where decoded pictures are cached; nil for no cache.
    public var cache: ImageCache?

    public init(model: ModelConfiguration = .book, training: TrainingOptions = .book, seed: UInt64 = 42,
                data: String = MNISTFormat.fashionMNISTDirectory, validationCount: Int? = nil, limit: Int? = nil,
                pictures: PictureRequest? = nil, cache: ImageCache? = .standard) {
        self.model = model
        self.training = training
        self.seed = seed
        self.data = data
        self.validationCount = validationCount
        self.limit = limit
        self.pictures = pictures
        self.cache = cache
    }
}
