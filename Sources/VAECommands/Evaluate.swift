import ArgumentParser
import Datasets
import Foundation
import NumericCore
import VAE

/// `vae evaluate`: the run's numbers on the test set.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure a trained model on the test images.")

    @OptionGroup var runOption: RunOption
    @Option(help: "The dataset folder (default: the run's).") var data: String?
    @Option(help: "The seed of the sampling noise.") var seed: UInt64 = 0
    @Option(help: "Codings per image of the importance-weighted estimate of −log p(x); 0 to skip it.")
    var importanceSamples = 1000
    @Option(help: "Estimate −log p(x) on this many test images, drawn at random (default: all).") var subset: Int?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        guard importanceSamples >= 0, importanceSamples <= 1_000_000 else {
            throw ValidationError("--importance-samples must be from 0 to 1000000")
        }
        if let subset, subset < 1 { throw ValidationError("--subset must be at least 1") }
    }

    struct Report: Codable {
        var images: Int
        /// The loss in the units training reports (the book's: MSE per pixel + KL / 784).
        var loss: Float
        var reconstruction: Float
        var latent: Float
        /// KL divergence from the encoder's distribution to N(0, I), nats per image.
        var klDivergence: Float
        /// The reconstruction term as a negative log-likelihood, nats per image.
        var reconstructionNats: Float
        /// −ELBO = reconstruction (nats) + KL: an upper bound on −log p(x), nats per image.
        var negativeELBO: Float
        /// Σ over pixels of the squared error of the reconstruction from the mean coding, per image.
        var squaredErrorPerImage: Float
        var squaredErrorPerPixel: Float
        /// The importance-weighted estimate of −log p(x), nats per image (nil when skipped).
        var importanceWeighted: LikelihoodEstimate?
        /// KL per latent dimension and the number of active units.
        var latentUsage: LatentUsage
    }

    func run() throws {
        let folder = RunFolder(path: runOption.run)
        let (model, configuration) = try folder.loadModel()
        let test = try DataSplits.testImages(of: configuration, run: folder, override: data)
        var generator = SeededGenerator(seed: seed)
        let batchSize = configuration.training.batchSize
        let loss = model.averageLoss(on: test, batchSize: batchSize, generator: &generator)
        let squaredError = model.reconstructionError(on: test, batchSize: batchSize)
        let report = Report(images: test.count, loss: loss.total, reconstruction: loss.reconstruction,
                            latent: loss.latent, klDivergence: loss.divergence,
                            reconstructionNats: model.reconstructionLoss.nats(loss.reconstruction),
                            negativeELBO: model.reconstructionLoss.nats(loss.reconstruction) + loss.divergence,
                            squaredErrorPerImage: squaredError,
                            squaredErrorPerPixel: squaredError / Float(test.imageSize),
                            importanceWeighted: importanceWeighted(model, test),
                            latentUsage: model.latentUsage(on: test, batchSize: batchSize))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.line(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        Console.line("Test set: \(report.images) images, run \(folder.url.path)")
        for (name, value) in [
            ("loss (training units)", report.loss),
            ("  reconstruction", report.reconstruction),
            ("  latent", report.latent),
            ("KL divergence (nats/image)", report.klDivergence),
            ("reconstruction, −log p(x|z) (nats/image)", report.reconstructionNats),
            ("−ELBO (nats/image)", report.negativeELBO),
            ("squared error from mean coding (per image)", report.squaredErrorPerImage),
            ("squared error from mean coding (per pixel)", report.squaredErrorPerPixel),
        ] {
            Console.line(name.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%.5f", value))
        }
        if let estimate = report.importanceWeighted {
            Console.line("−log p(x), importance-weighted (nats/image)".padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: "%.5f", estimate.negativeLogLikelihood)
                + "  (k = \(estimate.samples), \(estimate.images) images; −ELBO on them \(String(format: "%.5f", estimate.negativeELBO)))")
        }
        let usage = report.latentUsage
        Console.line("active latent units".padding(toLength: 44, withPad: " ", startingAt: 0)
            + "\(usage.activeUnits) of \(usage.divergencePerDimension.count)")
        Console.line("KL per dimension (nats)".padding(toLength: 44, withPad: " ", startingAt: 0)
            + usage.divergencePerDimension.map { String(format: "%.2f", $0) }.joined(separator: " "))
    }

    /// −log p(x) on the test images, or a seeded random `--subset` of them.
    func importanceWeighted(_ model: VariationalAutoencoder, _ test: ImageDataset) -> LikelihoodEstimate? {
        guard importanceSamples > 0 else { return nil }
        var generator = SeededGenerator(seed: seed)
        var images = test
        if let subset, subset < test.count {
            var order = Array(0..<test.count)
            order.shuffle(using: &generator)
            images = test.selecting(Array(order.prefix(subset)))
        }
        return model.importanceWeightedBound(on: images, samples: importanceSamples, generator: &generator)
    }
}
