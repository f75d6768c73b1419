import Evaluation
import Foundation
import VAE

/// What an evaluation of a run measured, kept in the run folder as `evaluation.json`.
public struct EvaluationReport: Codable, Sendable {
    public var images: Int
    /// The loss in the units training reports (the book's: MSE per pixel + KL / 784).
    public var loss: Float
    public var reconstruction: Float
    public var latent: Float
    /// KL divergence from the encoder's distribution to N(0, I), nats per image.
    public var klDivergence: Float
    /// The reconstruction term as a negative log-likelihood, nats per image.
    public var reconstructionNats: Float
    /// −ELBO = reconstruction (nats) + KL: an upper bound on −log p(x), nats per image.
    public var negativeELBO: Float
    /// Σ over pixels of the squared error of the reconstruction from the mean coding, per image.
    public var squaredErrorPerImage: Float
    public var squaredErrorPerPixel: Float
    /// The importance-weighted estimate of −log p(x), nats per image (nil when skipped).
    public var importanceWeighted: LikelihoodEstimate?
    /// KL per latent dimension and the number of active units (a VAE's).
    public var latentUsage: LatentUsage?
    /// How many codebook vectors the test images use (a VQ-VAE's).
    public var codebookUsage: CodebookUsage?
    /// The fingerprint of the weights measured (both models' for a family with a prior).
    public var weightsFingerprint: String?
    /// The likelihood bound in bits per dimension of the 8-bit pixels, and how it was
    /// measured: the one figure that compares likelihoods across families (nil where the
    /// likelihood is not a distribution of pixel values).
    public var bitsPerDimension: Double?
    public var eightBitMeasure: EightBitMeasure?
    /// The learned σ of a Gaussian likelihood (one for all pixels); nil for the others.
    public var decoderScale: Float?
    /// The spectral sharpness of the test images' reconstructions ÷ the images': how sharp the
    /// decoder draws what it is given, the ceiling of its samples' sharpness.
    public var reconstructionSharpness: SpectralSharpness?
    /// The model family, when it is not the book's VAE.
    public var family: String?
    /// Why no samples were measured, when a model cannot make them yet.
    public var samplesNote: String?
    /// The prior the samples' codings were drawn from.
    public var prior: String?
    /// Generated images measured against the test images.
    public var samples: SampleQuality?
    /// Training images measured against the test images: what real images score.
    public var realData: SampleQuality?
    /// The classifier's test accuracy, as recorded with its weights.
    public var classifierAccuracy: Double?
    /// Why the classifier's measures are missing, when they are.
    public var classifierNote: String?
    /// The part of the bound that is the constant of a fixed-variance Gaussian likelihood
    /// (the book's: pixels × ½ ln π ≈ 449 nats for 784 pixels), the same for every model
    /// that uses it; nil for the other likelihoods.
    public var fixedVarianceConstant: Float?
    /// How long the whole evaluation took.
    public var seconds: Double = 0

    /// Whether the samples' precision is above the real images': samples crowded into the
    /// densest part of the real data, which precision rewards; saturation, not quality.
    public var precisionAboveReal: Bool? {
        guard let generated = samples?.precision, let real = realData?.precision else { return nil }
        return generated > real
    }
}
