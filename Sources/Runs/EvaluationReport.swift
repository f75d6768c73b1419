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
    /// KL per latent dimension and the number of active units.
    public var latentUsage: LatentUsage
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
    /// How long the whole evaluation took.
    public var seconds: Double = 0
}
