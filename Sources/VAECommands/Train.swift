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

    @Option(help: "Passes over the training images.") var epochs = 25
    @Option(help: "Images per optimizer step.") var batchSize = 128
    @Option(help: "The optimizer's step size.") var learningRate: Float = 0.001
    @Option(help: "The optimizer: \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer = OptimizerKind.nadam
    @Option(help: "The dimension of the latent codings.") var codingSize = 10
    @Option(help: "Hidden layer sizes of the encoder, comma-separated; the decoder mirrors them.")
    var hidden = LayerSizes([150, 100])
    @Option(help: "Hidden activation: \(ActivationChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var activation = ActivationChoice.relu
    @Option(help: "Reconstruction loss: mse (the book's) or bernoulli.") var likelihood = Likelihood.mse
    @Option(help: "Weight of the latent loss: 1 is the book's VAE, 0 a plain autoencoder loss.") var beta: Float = 1
    @Option(help: "Images held out from the end of the training file for validation.") var validation = 5000
    @Option(help: "Train on the first N training images only, for quick tries.") var limit: Int?
    @Option(help: "The seed that fixes initial weights, shuffling and noise.") var seed: UInt64 = 42
    @Option(help: "A folder in MNIST's IDX layout.") var data = MNISTFormat.fashionMNISTDirectory
    @Option(help: "The run folder to write (default: runs/<date-time>).") var out: String?
    @Flag(help: "Replace a run already in --out.") var overwrite = false

    func run() throws {
        let start = Date()
        let model = ModelConfiguration(codingSize: codingSize, hidden: hidden.sizes, activation: activation,
                                       likelihood: likelihood, beta: beta)
        let options = TrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                                      optimizer: optimizer, seed: seed, validationCount: validation, limit: limit)
        try options.validate()
        var splits = try DataSplits.load(from: data, validationCount: validation, limit: limit)
        var configuration = RunConfiguration(model: model, training: options, data: data)
        configuration.model.imageHeight = splits.training.height
        configuration.model.imageWidth = splits.training.width
        configuration.model.channels = splits.training.channels
        try configuration.model.validate()
        splits.test = nil

        let folder = RunFolder(path: out ?? "runs/" + Self.timestamp())
        try folder.create(overwrite: overwrite)
        try folder.write(configuration)

        var generator = SeededGenerator(seed: seed)
        let vae = VariationalAutoencoder(configuration.model, generator: &generator)
        let trainer = Trainer(model: vae, training: splits.training, validation: splits.validation,
                              options: options, generator: generator)
        Console.line("Training on \(splits.training.count) images, validating on \(splits.validation.count); "
            + "\(vae.parameters.reduce(0) { $0 + $1.value.count }) parameters; writing \(folder.url.path)")
        let reporter = ProgressReporter()
        for _ in 0..<epochs {
            let record = try trainer.trainEpoch(progress: reporter.step)
            reporter.epoch(record, of: epochs)
            try saveCheckpoint(trainer, in: folder)
        }
        try Figures.writeSamples(vae, count: 21, columns: 7, seed: seed, prior: .gaussian, to: folder.file("samples.png"))
        try Figures.writeAxisInterpolation(vae, axis: min(3, codingSize - 1), from: -0.8, to: 0.8, steps: 7,
                                           to: folder.file("interpolation.png"))
        Console.line(String(format: "Done in %.1fs: ", Date().timeIntervalSince(start))
            + ["config.json", "model.safetensors", "history.csv", "curves.svg", "samples.png", "interpolation.png"]
                .map { folder.file($0).path }.joined(separator: ", "))
    }

    /// Everything needed to look at or resume the run, after every epoch.
    func saveCheckpoint(_ trainer: Trainer, in folder: RunFolder) throws {
        try trainer.model.saveWeights(to: folder.weightsURL, metadata: ["epoch": String(trainer.history.count)])
        try SafeTensors.write(trainer.optimizer.state, to: folder.optimizerURL)
        try folder.writeHistory(trainer.history)
        try Figures.writeCurves(trainer.history, to: folder.file("curves.svg"))
    }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss"
        return formatter.string(from: Date())
    }
}
