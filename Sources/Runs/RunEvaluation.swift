import Datasets
import Evaluation
import Foundation
import NeuralNetwork
import NumericCore
import Storage
import VAE

/// What an evaluation measures and with what; the defaults are `vae evaluate`'s.
public struct EvaluationOptions: Sendable {
    /// The seed of the sampling noise, the importance samples and the generated images.
    public var seed: UInt64 = 0
    /// Codings per image of the importance-weighted bound; 0 skips it.
    public var importanceSamples = 1000
    /// Estimate the bound on this many test images, drawn at random (nil: all).
    public var subset: Int?
    /// Images to generate and measure against the test images; 0 skips them.
    public var samples = 10_000
    /// The distribution the generated images' codings are drawn from (nil: the family's own,
    /// `ModelFamily.defaultPrior`).
    public var prior: Prior?
    /// The mixture prior's size and covariance.
    public var components = 10
    public var covariance = GaussianMixture.Covariance.full
    /// The classifier's weights (nil: the one kept for the run's dataset, `ClassifierLocation`).
    public var classifier: URL?
    /// Measure training images against the test images too, as the reference.
    public var realData = true
    /// The dataset read from another place (nil: the run's own folder).
    public var dataFolder: String?
    /// Another weights file of the run (nil: its `model.safetensors`).
    public var weights: URL?

    public init() {}

    public func validate() throws(ConfigurationError) {
        guard (0...1_000_000).contains(importanceSamples) else {
            throw ConfigurationError(.importanceSamples, importanceSamples, "must be from 0 to 1000000")
        }
        if let subset, subset < 1 { throw ConfigurationError(.subset, subset, "must be at least 1") }
        guard samples == 0 || (4...1_000_000).contains(samples) else {
            throw ConfigurationError(.samples, samples, "must be 0 or from 4 to 1000000")
        }
        guard (1...1000).contains(components) else { throw ConfigurationError(.components, components, "must be from 1 to 1000") }
    }
}

/// Measures a trained run on its test images: likelihood, latent use, reconstruction, and
/// the quality of generated images beside real ones.
public enum RunEvaluation {
    public static func evaluate(_ folder: RunFolder, options: EvaluationOptions = EvaluationOptions(),
                                observer: RunObserver? = nil) throws -> EvaluationReport {
        try options.validate()
        let start = Date()
        let weights = options.weights ?? folder.weightsURL
        let (trained, configuration) = try folder.loadTrainedModel(weights: weights)
        let (training, test) = try RunData.trainingAndTest(of: configuration, run: folder, folder: options.dataFolder,
                                                           training: options.samples > 0, observer: observer)
        var report: EvaluationReport
        switch trained {
        case .vae(let model), .twoStage(let model, _):
            report = measureLikelihood(model, configuration, test: test, options: options)
        case .vqVAE(let model, let prior):
            report = measureLikelihood(model, prior: prior, configuration, test: test, options: options)
        }
        report.fixedVarianceConstant = configuration.model.likelihood.fixedVarianceConstant(pixels: configuration.model.imageSize)
        report.reconstructionSharpness = reconstructionSharpness(trained, test: test, shape: configuration.model.imageShape)
        report.weightsFingerprint = trained.weightsFingerprint
        if let estimate = report.importanceWeighted {
            report.bitsPerDimension = estimate.bitsPerDimension
            report.eightBitMeasure = estimate.eightBitMeasure
        }
        if configuration.model.family != .vae { report.family = configuration.model.family.rawValue }
        if let training {
            let prior = options.prior ?? configuration.model.family.defaultPrior
            if trained.continuousModel == nil || prior == .codePrior {
                observer?.note("Drawing \(options.samples) samples from the code prior…")
            }
            do {
                let samples = try RunSampling.samples(trained, of: folder, configuration: configuration, weights: weights,
                                                      prior: prior, count: options.samples, seed: options.seed,
                                                      components: options.components, covariance: options.covariance,
                                                      dataFolder: options.dataFolder, observer: observer)
                report.prior = prior.rawValue
                measureSamples(samples, configuration, training: training, test: test, options: options, into: &report)
            } catch SamplingError.noPriorYet(let family) {
                report.samplesNote = "\(SamplingError.noPriorYet(family)), so no samples were measured"
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// A VAE's likelihood, latent use and reconstruction on the test images.
    private static func measureLikelihood(_ model: VariationalAutoencoder, _ configuration: RunConfiguration,
                                          test: ImageDataset, options: EvaluationOptions) -> EvaluationReport {
        var generator = SeededGenerator(seed: options.seed)
        let batchSize = configuration.training.batchSize
        let loss = model.averageLoss(on: test, batchSize: batchSize, generator: &generator)
        let squaredError = model.reconstructionError(on: test, batchSize: batchSize)
        var report = EvaluationReport(
            images: test.count, loss: loss.total, reconstruction: loss.reconstruction,
            latent: loss.latent, klDivergence: loss.divergence,
            reconstructionNats: model.reconstructionLoss.nats(loss.reconstruction),
            negativeELBO: model.reconstructionLoss.nats(loss.reconstruction) + loss.divergence,
            squaredErrorPerImage: squaredError, squaredErrorPerPixel: squaredError / Float(test.imageSize),
            importanceWeighted: importanceWeighted(model, test, options),
            latentUsage: model.latentUsage(on: test, batchSize: batchSize))
        report.decoderScale = model.reconstructionLoss.logScale.map { expf($0.value.base[0]) }
        return report
    }

    /// A VQ-VAE's: its bound takes the code prior's −log p(codes) as the KL term (the
    /// uniform prior's constant until a prior is trained).
    private static func measureLikelihood(_ model: VectorQuantizedAutoencoder, prior: CodePrior?, _ configuration: RunConfiguration,
                                          test: ImageDataset, options: EvaluationOptions) -> EvaluationReport {
        var generator = SeededGenerator(seed: options.seed)
        let batchSize = configuration.training.batchSize
        let loss = model.averageLoss(on: test, batchSize: batchSize, generator: &generator)
        let divergence = prior.map {
            CodePriorTraining(autoencoder: model, prior: $0).averageLoss(on: test, batchSize: batchSize, generator: &generator).divergence
        } ?? model.uniformPriorDivergence
        let squaredError = model.reconstructionError(on: test, batchSize: batchSize)
        let nats = model.reconstructionLoss.nats(loss.reconstruction)
        var report = EvaluationReport(
            images: test.count, loss: loss.total, reconstruction: loss.reconstruction, latent: loss.latent,
            klDivergence: divergence, reconstructionNats: nats, negativeELBO: nats + divergence,
            squaredErrorPerImage: squaredError, squaredErrorPerPixel: squaredError / Float(test.imageSize),
            importanceWeighted: nil, latentUsage: nil)
        report.codebookUsage = model.codebookUsage(on: test, batchSize: batchSize)
        let measure = configuration.model.likelihood.eightBitMeasure
        let boundNats = measure == .dequantized ? model.dequantizedReconstructionNats(on: test, batchSize: batchSize) : nats
        report.bitsPerDimension = measure.bitsPerDimension(nats: Double(boundNats + divergence), values: test.imageSize)
        report.eightBitMeasure = measure
        return report
    }

    /// The spectral sharpness of reconstructions of the first test images (through the mean
    /// coding or the codes) against the images themselves: how sharp the decoder can draw at
    /// all, the ceiling of its samples.
    static func reconstructionSharpness(_ trained: TrainedModel, test: ImageDataset, shape: ImageShape) -> SpectralSharpness? {
        let real = test.matrix(0..<min(test.count, 2000))
        guard real.rows > 0, SpectralSharpness.meanHighFrequencyShare(real, shape: shape) > 0 else { return nil }
        // In batches: a convolutional model's buffers grow with the batch.
        let reconstructions = Matrix(rows: real.rows, columns: real.columns)
        for start in stride(from: 0, to: real.rows, by: 500) {
            let batch = test.matrix(start..<min(start + 500, real.rows))
            reconstructions.copy(from: trained.reconstructed(batch), toRow: start)
        }
        return SpectralSharpness(samples: reconstructions, real: real, shape: shape)
    }

    /// −log p(x) on the test images, or a seeded random subset of them.
    static func importanceWeighted(_ model: VariationalAutoencoder, _ test: ImageDataset,
                                   _ options: EvaluationOptions) -> LikelihoodEstimate? {
        guard options.importanceSamples > 0 else { return nil }
        var generator = SeededGenerator(seed: options.seed)
        var images = test
        if let subset = options.subset, subset < test.count {
            var order = Array(0..<test.count)
            order.shuffle(using: &generator)
            images = test.selecting(Array(order.prefix(subset)))
        }
        return model.importanceWeightedBound(on: images, samples: options.importanceSamples, generator: &generator)
    }

    /// Generated images, and as many training images, each measured against the test
    /// images: the samples' quality, and the same for real images as its reference.
    static func measureSamples(_ generated: Matrix, _ configuration: RunConfiguration,
                               training: ImageDataset, test: ImageDataset, options: EvaluationOptions,
                               into report: inout EvaluationReport) {
        let real = test.matrix(0..<test.count)
        let shape = configuration.model.imageShape
        let (classifier, note) = loadClassifier(for: configuration, shape: shape, options: options)
        report.classifierNote = note
        report.classifierAccuracy = classifier?.recordedAccuracy
        let realFeatures = classifier?.features(of: real)
        report.samples = SampleQuality.measure(generated, against: real, shape: shape, classifier: classifier,
                                               realFeatures: realFeatures)
        if options.realData {
            let realImages = training.matrix(0..<min(options.samples, training.count))
            report.realData = SampleQuality.measure(realImages, against: real, shape: shape, classifier: classifier,
                                                    realFeatures: realFeatures)
        }
    }

    /// The dataset's classifier, or why there is none.
    static func loadClassifier(for configuration: RunConfiguration, shape: ImageShape,
                               options: EvaluationOptions) -> (ImageClassifier?, String?) {
        let url = options.classifier ?? ClassifierLocation.url(for: options.dataFolder ?? configuration.data.folder)
        guard FileManager.default.fileExists(atPath: url.path) else {
            let how = configuration.data.pictures == nil
                ? "it is trained once per labelled IDX dataset"
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

extension RunFolder {
    /// Keeps a report as the run's `evaluation.json`, for other tools to show. A report that
    /// measured no samples keeps the sample measures of the last evaluation of the same
    /// weights, so a quick look at the likelihood does not throw away a long measurement.
    public func write(_ report: EvaluationReport) throws {
        var kept = report
        if report.samples == nil, let fingerprint = report.weightsFingerprint, let last = try? readEvaluation(),
           last.samples != nil, last.weightsFingerprint == fingerprint {
            kept.samples = last.samples
            kept.realData = last.realData
            kept.prior = last.prior
            kept.classifierAccuracy = last.classifierAccuracy
            kept.classifierNote = last.classifierNote
            kept.samplesNote = last.samplesNote
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(encoder.encode(kept), to: evaluationURL)
    }

    /// The run's last evaluation, if it has one.
    public func readEvaluation() throws -> EvaluationReport? {
        guard FileManager.default.fileExists(atPath: evaluationURL.path) else { return nil }
        return try readJSON(EvaluationReport.self, from: evaluationURL, what: "evaluation report")
    }
}
