import ArgumentParser
import Datasets
import Foundation
import NumericCore
import Optimizers
import VAE

/// `vae train`: its defaults are the book's run.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a VAE; with no options, the book's model on Fashion-MNIST.")

    @Option(help: "Passes over the training images (default: 25; with --resume, the run's).") var epochs: Int?
    @Option(help: "Images per optimizer step.") var batchSize = 128
    @Option(help: "The optimizer's step size.") var learningRate: Float = 0.001
    @Option(help: "The optimizer: \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer = OptimizerKind.nadam
    @Option(help: "The dimension of the latent codings.") var codingSize = 10
    @Option(help: "Dense hidden layer sizes of the encoder, comma-separated, or none; the decoder mirrors them.")
    var hidden = LayerSizes([150, 100])
    @Option(help: "dense (the book's) or conv (stride-2 convolutions before the dense layers).")
    var architecture = Architecture.dense
    @Option(help: "Filters of the convolutions, comma-separated (conv only; default 32,64).") var filters: LayerSizes?
    @Option(help: "Hidden activation: \(ActivationChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation = ActivationChoice.relu
    @Option(help: "Reconstruction loss: mse (the book's) or bernoulli.") var likelihood = Likelihood.mse
    @Option(help: "Weight of the latent loss: 1 is the book's VAE, 0 a plain autoencoder loss.") var beta: Float = 1
    @Option(help: "Epochs over which β grows linearly from 0 (KL warm-up); 0 for none.") var klWarmup = 0
    @Option(help: "The sampling layer's noise ε: gaussian (the book's), uniform (unit variance), or none (z = μ).")
    var noise = Noise.gaussian
    @Flag(help: "No sampling in the encoder: the same as --noise none.") var deterministic = false
    @Option(help: "Images held out for validation: from the end of an IDX training file (default 5000), or drawn from a folder of pictures (default 10%).")
    var validation: Int?
    @Option(help: "Images of a folder of pictures held out for testing (default 10%).") var test: Int?
    @Option(help: "Train on the first N training images only, for quick tries.") var limit: Int?
    @Option(help: "The seed that fixes initial weights, shuffling and noise.") var seed: UInt64 = 42
    @Option(help: "A folder in MNIST's IDX layout, or a folder of PNG, JPEG, BMP or GIF pictures (searched recursively; sub-folders name classes).")
    var data = MNISTFormat.fashionMNISTDirectory
    @Option(help: "Pictures are centre-cropped and reduced to this many pixels square (default 32).") var imageSize: Int?
    @Option(help: "1 (grey) or 3 (RGB) for pictures (default: 3 if any picture has colour).") var channels: Int?
    @Option(help: "What transparent parts of pictures become: white or black.") var background = Background.white
    @Option(help: "Where decoded pictures are cached (default: ~/.cache/vae/images).") var cache: String?
    @Option(help: "The run folder to write (default: runs/<date-time>).") var out: String?
    @Flag(help: "Replace a run already in --out.") var overwrite = false
    @Option(help: "Continue the run in this folder from its checkpoint; its options are kept.")
    var resume: String?

    func run() throws {
        let start = Date()
        // A new run's folder is made only once the options and the data have passed their checks.
        let (folder, configuration, splits, lock) = try resume.map(resumeRun) ?? startRun()
        var generator = SeededGenerator(seed: configuration.training.seed)
        let vae = VariationalAutoencoder(configuration.model, generator: &generator)
        let trainer = Trainer(model: vae, training: splits.training, validation: splits.validation,
                              options: configuration.training, generator: generator)
        if resume != nil {
            try Checkpoint.restore(trainer, from: folder.checkpointURL)
        }
        try folder.write(configuration)

        let total = configuration.training.epochs
        let done = trainer.history.count
        let partly = trainer.epochInProgress.map { " and step \($0.stepsDone) of epoch \(done + 1)" } ?? ""
        Console.line((done > 0 || !partly.isEmpty ? "Resuming after epoch \(done)\(partly) of \(total). " : "")
            + "Training on \(splits.training.count) images, validating on \(splits.validation.count); "
            + "\(vae.parameters.reduce(0) { $0 + $1.value.count }) parameters; writing \(folder.url.path)")
        let reporter = ProgressReporter()
        Interruption.install()
        defer { Interruption.uninstall() }
        var best = trainer.history.compactMap { $0.validation?.total }.min() ?? .infinity
        while trainer.history.count < total {
            let record: EpochRecord
            do {
                record = try trainer.trainEpoch(progress: reporter.step, shouldStop: { Interruption.wasRequested })
            } catch let error as TrainingError {
                reporter.abandonLine()
                if case .interrupted(let epoch, let step) = error {
                    try Checkpoint.write(trainer, configuration: configuration, to: folder.checkpointURL)
                    Console.line("Interrupted at epoch \(epoch), step \(step); the checkpoint holds it. "
                        + "Continue with: vae train --resume \(folder.url.path)")
                    throw ExitCode(130)
                }
                let kept = trainer.history.isEmpty ? "No epoch was completed" : "The run folder keeps epoch \(trainer.history.count)"
                Console.line("Stopped: \(error). \(kept).")
                throw ExitCode.failure
            }
            reporter.epoch(record, of: total)
            try Checkpoint.write(trainer, configuration: configuration, to: folder.checkpointURL)
            try vae.saveWeights(to: folder.weightsURL, metadata: ["epoch": String(record.epoch)])
            if let loss = record.validation?.total, loss < best {
                best = loss
                try vae.saveWeights(to: folder.bestWeightsURL, metadata: ["epoch": String(record.epoch)])
            }
            try folder.writeHistory(trainer.history)
            try Figures.writeCurves(trainer.history, to: folder.file("curves.svg"))
        }
        try Figures.writeSamples(vae, count: 21, columns: 7, seed: configuration.training.seed, prior: .gaussian,
                                 to: folder.file("samples.png"))
        try Figures.writeAxisInterpolation(vae, axis: min(3, configuration.model.codingSize - 1), from: -0.8, to: 0.8,
                                           steps: 7, to: folder.file("interpolation.png"))
        withExtendedLifetime(lock) {}
        Console.line(String(format: "Done in %.1fs. ", Date().timeIntervalSince(start))
            + "Pictures: \(folder.file("samples.png").path), \(folder.file("interpolation.png").path), \(folder.file("curves.svg").path)")
    }

    /// A new run: the configuration from the options, the data, and the folder, claimed.
    func startRun() throws -> (RunFolder, RunConfiguration, DataSplits, RunLock) {
        var options = TrainingOptions(epochs: epochs ?? 25, batchSize: batchSize, learningRate: learningRate,
                                      optimizer: optimizer, seed: seed, validationCount: validation ?? 5000, limit: limit,
                                      klWarmUp: klWarmup)
        try options.validate()
        if deterministic && noise != .gaussian && noise != .none {
            throw ConfigurationError("--deterministic turns the noise off; it cannot go with --noise \(noise.rawValue)")
        }
        var model = ModelConfiguration(codingSize: codingSize,
                                       hidden: hidden.sizes, activation: activation,
                                       likelihood: likelihood, beta: beta, architecture: architecture,
                                       filters: filters?.sizes ?? (architecture == .conv ? [32, 64] : []),
                                       noise: deterministic ? .none : noise)
        let splits: DataSplits, pictures: (settings: ImageFolderSettings, split: ImageFolderSplit)?
        if DataSplits.isPictureFolder(data) {
            let (settings, split, collection) = try splitPictures()
            pictures = (settings, split)
            let parts = split.apply(to: collection)
            splits = DataSplits(training: parts.training.prefix(limit), validation: parts.validation)
            options.validationCount = parts.validation.count
        } else {
            guard imageSize == nil, channels == nil, test == nil else {
                throw ConfigurationError("--image-size, --channels and --test apply to a folder of pictures; \(data) holds an IDX dataset")
            }
            pictures = nil
            splits = try DataSplits.loadIDX(from: data, validationCount: validation ?? 5000, limit: limit)
        }
        (model.imageHeight, model.imageWidth, model.channels) = (splits.training.height, splits.training.width, splits.training.channels)
        try model.validate()
        let folder = RunFolder(path: out ?? "runs/" + Self.timestamp())
        try folder.create(overwrite: overwrite)
        let lock = try RunLock(folder)
        try folder.removeRunFiles()
        try pictures?.split.write(to: folder.splitURL)
        return (folder, RunConfiguration(model: model, training: options, data: data, images: pictures?.settings), splits, lock)
    }

    /// A folder of pictures: the settings they are read with, the images held out, and
    /// the images themselves.
    private func splitPictures() throws -> (ImageFolderSettings, ImageFolderSplit, ImageCollection) {
        var settings = ImageFolderSettings(side: imageSize ?? 32, channels: channels ?? 3, background: background)
        try settings.validate()
        let imageCache = cache.map { ImageCache(directory: URL(fileURLWithPath: $0)) } ?? .standard
        let rgb = try DataSplits.loadPictures(from: data, side: settings.side, background: background, cache: imageCache)
        settings.channels = channels ?? (rgb.hasColour ? 3 : 1)
        let heldOut = max(1, rgb.images.count / 10)
        let split = try ImageFolderSplit.make(names: rgb.names, classes: rgb.classes, validation: validation ?? heldOut,
                                              test: test ?? heldOut, seed: seed)
        return (settings, split, rgb.converted(toChannels: settings.channels))
    }

    /// An interrupted run: its folder, claimed, and the configuration its checkpoint holds.
    func resumeRun(_ path: String) throws -> (RunFolder, RunConfiguration, DataSplits, RunLock) {
        let folder = RunFolder(path: path)
        let lock = try RunLock(folder)
        var configuration = try Checkpoint.configuration(at: folder.checkpointURL)
        if let epochs {
            guard epochs > 0 else { throw ConfigurationError("--epochs must be at least 1, not \(epochs)") }
            configuration.training.epochs = epochs
        }
        let splits = try DataSplits.load(for: configuration, of: folder)
        try DataSplits.checkShape(of: splits.training, in: configuration.data, for: configuration.model)
        return (folder, configuration, splits, lock)
    }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss"
        return formatter.string(from: Date())
    }
}
