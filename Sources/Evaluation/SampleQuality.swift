import NeuralNetwork
import NumericCore

/// Every measure of a set of images against real ones, as `vae evaluate` reports it for
/// generated samples and, as the reference point, for real images of another split.
public struct SampleQuality: Codable, Equatable, Sendable {
    public var images: Int
    /// Mean gradient magnitude ÷ the real images'. Noise raises it as much as detail does,
    /// so it is kept for comparison with earlier reports; `sharpness` is the measure to read.
    public var sharpnessRatio: Double
    /// The share of contrast at high spatial frequencies ÷ the real images', with noise
    /// flagged (`SpectralSharpness`); nil in reports made before it existed.
    public var sharpness: SpectralSharpness?
    /// The measures in the classifier's feature space; nil without a classifier.
    public var frechetDistance: Double?
    public var precision: Double?
    public var recall: Double?
    /// Density and coverage (Naeem et al., 2020): precision and recall that real outliers
    /// cannot inflate (see `PrecisionRecall`).
    public var density: Double?
    public var coverage: Double?
    /// How many images the classifier puts in each class.
    public var classCounts: [Int]?
    /// The entropy of that histogram ÷ log(classes): 1 when every class is equally common.
    public var classEntropy: Double?
    public var classesSeen: Int?

    /// Measures `images` against `real`. `realFeatures` are the classifier's features of
    /// `real`, passed in so that several sets can be compared with one computation.
    public static func measure(_ images: Matrix, against real: Matrix, shape: ImageShape,
                               classifier: ImageClassifier?, realFeatures: Matrix?) -> SampleQuality {
        var quality = SampleQuality(images: images.rows,
                                    sharpnessRatio: Sharpness.ratio(samples: images, real: real, shape: shape),
                                    sharpness: SpectralSharpness(samples: images, real: real, shape: shape))
        guard let classifier else { return quality }
        let features = classifier.features(of: images)
        let reference = realFeatures ?? classifier.features(of: real)
        quality.frechetDistance = FrechetDistance.squared(between: reference, and: features)
        let precisionRecall = PrecisionRecall(real: reference, generated: features)
        quality.precision = precisionRecall.precision
        quality.recall = precisionRecall.recall
        quality.density = precisionRecall.density
        quality.coverage = precisionRecall.coverage
        let coverage = ClassCoverage(classifier: classifier, images: images)
        quality.classCounts = coverage.counts
        quality.classEntropy = coverage.normalizedEntropy
        quality.classesSeen = coverage.classesSeen
        return quality
    }
}
