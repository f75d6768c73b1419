import NeuralNetwork
import NumericCore

/// What trains a two-stage model's second VAE: the first VAE, held fixed, maps each batch
/// of images to their mean codings, and the second learns their distribution.
///
/// Dai and Wipf (2019) show why it helps: a first stage with a learned decoder variance
/// reconstructs well but leaves its codings' distribution far from N(0, I) (the prior
/// holes that make samples from N(0, I) blurry or odd); a second VAE, on codings of low
/// dimension, learns that distribution, and N(0, I) through it lands where codings of
/// real images are.
public final class SecondStageTraining {
    public let first: VariationalAutoencoder
    public let second: VariationalAutoencoder

    public init(first: VariationalAutoencoder, second: VariationalAutoencoder) {
        precondition(second.configuration.imageSize == first.configuration.codingSize,
                     "the second stage models the first one's codings")
        self.first = first
        self.second = second
    }

    @discardableResult
    public func computeGradients(images: Matrix, noise: Matrix, latentWarmUp: Float = 1) -> LossBreakdown {
        second.computeGradients(images: first.encoder(images).mean, noise: noise, latentWarmUp: latentWarmUp)
    }

    public func loss(images: Matrix, noise: Matrix, latentWarmUp: Float = 1) -> LossBreakdown {
        second.loss(images: first.encoder(images).mean, noise: noise, latentWarmUp: latentWarmUp)
    }
}

extension SecondStageTraining: TrainableModel {
    public var inputSize: Int { first.inputSize }
    public var noiseSize: Int { second.noiseSize }
    public var parameters: [Parameter] { second.parameters }
    public func fillNoise(_ noise: Matrix, using generator: inout SeededGenerator) { second.fillNoise(noise, using: &generator) }
    public func replica() -> SecondStageTraining { SecondStageTraining(first: first.replica(), second: second.replica()) }
}
