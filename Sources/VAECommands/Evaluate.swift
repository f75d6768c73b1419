import ArgumentParser
import Datasets
import Evaluation
import Foundation
import NeuralNetwork
import NumericCore
import VAE

/// `vae evaluate`: what a run learned, in numbers, on the test images: likelihood, latent
/// use, reconstruction, and the quality of generated images beside real ones.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure a trained model on the test images.")

    @OptionGroup var runOption: RunOption
    @Option(help: "The dataset folder (default: the run's).") var data: String?
    @Option(help: "The seed of the sampling noise.") var seed: UInt64 = 0
    @Option(help: "Codings per image of the importance-weighted estimate of −log p(x); 0 to skip it.")
    var importanceSamples = 1000
    @Option(help: "Estimate −log p(x) on this many test images, drawn at random (default: all).") var subset: Int?
    @Option(help: "Images to generate and measure against the test images; 0 to skip.") var samples = 10_000
    @Option(help: "The distribution of their codings (as `vae sample --prior`).") var prior = Prior.gaussian
    @Option(help: "Components of the gmm prior.") var components = 10
    @Option(help: "Covariance of the gmm prior's components: full or diagonal.") var covariance = GaussianMixture.Covariance.full
    @Option(help: "The classifier's weights (default: the one `vae classifier` keeps for the dataset).") var classifier: String?
    @Flag(inversion: .prefixedNo, help: "Measure training images against the test images too, as the reference.")
    var realData = true
    @Flag(help: "Print JSON instead of a table.") var json = false

    func validate() throws {
        guard importanceSamples >= 0, importanceSamples <= 1_000_000 else {
            throw ValidationError("--importance-samples must be from 0 to 1000000")
        }
        if let subset, subset < 1 { throw ValidationError("--subset must be at least 1") }
        guard samples == 0 || (4...1_000_000).contains(samples) else { throw ValidationError("--samples must be 0 or from 4 to 1000000") }
        guard components > 0, components <= 1000 else { throw ValidationError("--components must be from 1 to 1000") }
    }

    func run() throws {
        let report = try makeReport()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.line(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            report.printTable(run: runOption.run)
        }
    }

    /// Every measure, as `run` prints it.
    func makeReport() throws -> EvaluationReport {
        let start = Date()
        let (folder, model, configuration) = try runOption.load()
        let (training, test) = try DataSplits.trainingAndTest(of: configuration, run: folder, override: data,
                                                              training: samples > 0)
        var generator = SeededGenerator(seed: seed)
        let batchSize = configuration.training.batchSize
        let loss = model.averageLoss(on: test, batchSize: batchSize, generator: &generator)
        let squaredError = model.reconstructionError(on: test, batchSize: batchSize)
        var report = EvaluationReport(
            images: test.count, loss: loss.total, reconstruction: loss.reconstruction,
            latent: loss.latent, klDivergence: loss.divergence,
            reconstructionNats: model.reconstructionLoss.nats(loss.reconstruction),
            negativeELBO: model.reconstructionLoss.nats(loss.reconstruction) + loss.divergence,
            squaredErrorPerImage: squaredError, squaredErrorPerPixel: squaredError / Float(test.imageSize),
            importanceWeighted: importanceWeighted(model, test),
            latentUsage: model.latentUsage(on: test, batchSize: batchSize))
        if let training {
            try measureSamples(model, configuration, folder, training: training, test: test, into: &report)
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
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

    /// `--samples` generated images, and as many training images, each measured against
    /// the test images: the samples' quality, and the same for real images as its reference.
    func measureSamples(_ model: VariationalAutoencoder, _ configuration: RunConfiguration, _ folder: RunFolder,
                        training: ImageDataset, test: ImageDataset, into report: inout EvaluationReport) throws {
        let mixture = prior == .gmm
            ? try MixturePrior.fitted(to: model, of: folder, weights: runOption.weightsURL, configuration, components: components, covariance: covariance, data: data)
            : nil
        var generator = SeededGenerator(seed: seed)
        let codings = Codings.random(count: samples, size: configuration.model.codingSize, prior: prior,
                                     mixture: mixture, generator: &generator)
        let generated = model.decodeAll(codings)
        let real = test.matrix(0..<test.count)
        let shape = configuration.model.imageShape
        let (classifier, note) = loadClassifier(for: configuration, shape: shape)
        report.classifierNote = note
        report.classifierAccuracy = classifier?.recordedAccuracy
        let realFeatures = classifier?.features(of: real)
        report.prior = prior.rawValue
        report.samples = SampleQuality.measure(generated, against: real, shape: shape, classifier: classifier, realFeatures: realFeatures)
        if realData {
            let realImages = training.matrix(0..<min(samples, training.count))
            report.realData = SampleQuality.measure(realImages, against: real, shape: shape, classifier: classifier,
                                                    realFeatures: realFeatures)
        }
    }

    /// The dataset's classifier, or why there is none.
    func loadClassifier(for configuration: RunConfiguration, shape: ImageShape) -> (ImageClassifier?, String?) {
        let dataFolder = data ?? configuration.data
        let url = classifier.map { URL(fileURLWithPath: $0) } ?? ClassifierLocation.url(for: dataFolder)
        guard FileManager.default.fileExists(atPath: url.path) else {
            let how = configuration.images == nil
                ? "train it once with `vae classifier --data \(dataFolder)` (a few minutes)"
                : "it is trained on labelled IDX datasets only"
            return (nil, "no classifier at \(url.path): the Fréchet distance, precision, recall and class coverage are skipped; \(how)")
        }
        do {
            let loaded = try ImageClassifier.load(from: url)
            guard loaded.configuration.imageShape == shape else {
                return (nil, "the classifier at \(url.path) reads \(loaded.configuration.imageShape) images, not this model's; its measures are skipped")
            }
            return (loaded, nil)
        } catch {
            return (nil, "\(error); the classifier's measures are skipped")
        }
    }
}
