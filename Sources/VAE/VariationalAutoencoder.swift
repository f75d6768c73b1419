import NumericCore
import NeuralNetwork

/// The loss of a batch and its parts.
public struct LossBreakdown: Codable, Equatable, Sendable {
    /// The quantity minimised: `reconstruction + latent`.
    public var total: Float
    /// The reconstruction loss, in the likelihood's units (the book's: MSE per pixel).
    public var reconstruction: Float
    /// The latent loss as it enters the total: β × KL × the likelihood's scale.
    public var latent: Float
    /// The KL divergence from the encoder's distribution to the prior, nats per image.
    public var divergence: Float
}

/// A variational autoencoder: encoder, sampling layer, decoder and loss.
///
/// One training step reads as the maths does:
///
///     (μ, γ) = encoder(x)
///     z      = μ + exp(γ/2) · ε
///     x̂      = decoder(z)
///     loss   = reconstruction(x̂, x) + β · scale · KL(N(μ, σ²) ‖ N(0, I))
///
/// and `computeGradients` walks the same lines backwards. All buffers are owned by the
/// layers and reused, so a step allocates nothing once the first batch has been seen.
public final class VariationalAutoencoder {
    public let configuration: ModelConfiguration
    public let encoder: Encoder
    public let decoder: Decoder
    public let sampling: Sampling
    public let reconstructionLoss: ReconstructionLoss
    /// Every trainable parameter, encoder first, in the order of `config.json`'s layers.
    public let parameters: [Parameter]
    private var outputGradient: BatchBuffer

    /// A model with Keras's initialisation, drawn from `generator`. The configuration must
    /// have passed `validate()`.
    public init<G: RandomNumberGenerator>(_ configuration: ModelConfiguration, generator: inout G) {
        self.configuration = configuration
        let plan: LayerPlan
        do { plan = try LayerPlan(configuration) } catch { preconditionFailure("\(error)") }
        encoder = Encoder(plan, generator: &generator)
        decoder = Decoder(plan, generator: &generator)
        sampling = Sampling(codingSize: configuration.codingSize)
        reconstructionLoss = ReconstructionLoss(configuration.likelihood, imageSize: configuration.imageSize)
        parameters = encoder.parameters + decoder.parameters + reconstructionLoss.parameters
        outputGradient = BatchBuffer(columns: configuration.imageSize)
    }

    /// The weight given to the KL divergence in the total loss.
    public var latentWeight: Float { configuration.beta * latentWarmUp * reconstructionLoss.latentScale }

    /// A factor in [0, 1] on β while the latent loss is being warmed up (KL annealing);
    /// 1 otherwise. The trainer sets it step by step.
    public var latentWarmUp: Float = 1

    /// The loss of a batch for the given noise, and every parameter's gradient.
    @discardableResult
    public func computeGradients(images: Matrix, noise: Matrix) -> LossBreakdown {
        let (mean, logVariance) = encoder.forward(images)
        let codings = sampling.forward(mean: mean, logVariance: logVariance, noise: noise)
        let output = decoder.forward(codings)
        let gradient = outputGradient.withRows(images.rows)
        let reconstruction = reconstructionLoss.evaluate(output: output, target: images, gradient: gradient)
        let divergence = LatentLoss.value(mean: mean, logVariance: logVariance)

        let codingsGradient = decoder.backward(gradient)
        let (meanGradient, logVarianceGradient) = sampling.backward(codingsGradient)
        LatentLoss.addGradient(mean: mean, logVariance: logVariance, weight: latentWeight,
                               meanGradient: meanGradient, logVarianceGradient: logVarianceGradient)
        encoder.backward(meanGradient: meanGradient, logVarianceGradient: logVarianceGradient)
        return breakdown(reconstruction: reconstruction, divergence: divergence)
    }

    /// The loss of a batch for the given noise, without gradients (validation, evaluation).
    public func loss(images: Matrix, noise: Matrix) -> LossBreakdown {
        let (mean, logVariance) = encoder.forward(images)
        let codings = sampling.forward(mean: mean, logVariance: logVariance, noise: noise)
        let output = decoder.forward(codings)
        let reconstruction = reconstructionLoss.evaluate(output: output, target: images, gradient: nil)
        return breakdown(reconstruction: reconstruction, divergence: LatentLoss.value(mean: mean, logVariance: logVariance))
    }

    private func breakdown(reconstruction: Float, divergence: Float) -> LossBreakdown {
        let latent = latentWeight * divergence
        return LossBreakdown(total: reconstruction + latent, reconstruction: reconstruction,
                             latent: latent, divergence: divergence)
    }

    /// Images decoded from codings (one per row); a buffer the decoder owns.
    public func decode(_ codings: Matrix) -> Matrix {
        let output = decoder.forward(codings)
        configuration.likelihood.images(fromOutput: output)
        return output
    }

    /// Images decoded from any number of codings, `batchSize` at a time, into a new matrix:
    /// a convolutional decoder's buffers grow with the batch, so 10,000 codings at once
    /// would hold gigabytes of patches.
    public func decodeAll(_ codings: Matrix, batchSize: Int = 500) -> Matrix {
        let images = Matrix(rows: codings.rows, columns: configuration.imageSize)
        let batch = Matrix(rows: 0, columns: codings.columns, rowCapacity: batchSize)
        for start in stride(from: 0, to: codings.rows, by: batchSize) {
            let rows = min(batchSize, codings.rows - start)
            batch.setRows(rows)
            batch.base.update(from: codings.base + start * codings.columns, count: rows * codings.columns)
            let decoded = decode(batch)
            (images.base + start * images.columns).update(from: decoded.base, count: decoded.count)
        }
        return images
    }

    /// The mean coding μ and γ = log σ² of each image.
    public func encode(_ images: Matrix) -> (mean: Matrix, logVariance: Matrix) { encoder.forward(images) }

    /// Reconstructions from the mean codings: the model's best guess, without noise.
    public func reconstruct(_ images: Matrix) -> Matrix { decode(encode(images).mean) }
}
