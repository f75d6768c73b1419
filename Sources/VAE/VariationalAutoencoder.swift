import NumericCore
import NeuralNetwork

/// The loss of a batch and its parts.
public struct LossBreakdown: Codable, Equatable, Sendable {
    /// The quantity minimised: `reconstruction + latent`, plus the perceptual term where the
    /// model has one (`total` − the two).
    public var total: Float
    /// The reconstruction loss, in the likelihood's units (the book's: MSE per pixel).
    public var reconstruction: Float
    /// The latent loss as it enters the total: β × KL × the likelihood's scale.
    public var latent: Float
    /// The KL divergence from the encoder's distribution to the prior, nats per image.
    public var divergence: Float

    public init(total: Float, reconstruction: Float, latent: Float, divergence: Float) {
        self.total = total
        self.reconstruction = reconstruction
        self.latent = latent
        self.divergence = divergence
    }
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
    /// The feature-matching term, where the configuration weighs one in.
    public let perceptualLoss: PerceptualLoss?
    /// Every trainable parameter, encoder first, in the order of `config.json`'s layers.
    public let parameters: [Parameter]
    private var outputGradient: BatchBuffer

    /// A model with Keras's initialisation, drawn from `generator`; a configuration that
    /// does not describe a model throws, saying which setting and why.
    public convenience init<G: RandomNumberGenerator>(_ configuration: ModelConfiguration, generator: inout G) throws(ConfigurationError) {
        try configuration.validate()
        let plan = try LayerPlan(configuration)
        self.init(configuration, encoder: Encoder(plan, generator: &generator), decoder: Decoder(plan, generator: &generator),
                  reconstructionLoss: ReconstructionLoss(configuration.likelihood, imageSize: configuration.imageSize, channels: configuration.channels),
                  perceptualLoss: configuration.perceptualLoss)
    }

    private init(_ configuration: ModelConfiguration, encoder: Encoder, decoder: Decoder, reconstructionLoss: ReconstructionLoss,
                 perceptualLoss: PerceptualLoss?) {
        self.configuration = configuration
        self.encoder = encoder
        self.decoder = decoder
        self.reconstructionLoss = reconstructionLoss
        self.perceptualLoss = perceptualLoss
        sampling = Sampling(codingSize: configuration.codingSize)
        parameters = encoder.parameters + decoder.parameters + reconstructionLoss.parameters
        outputGradient = BatchBuffer(columns: configuration.decoderOutputs)
    }

    /// A model on the same weights (shared, not copied) with buffers and gradients of its
    /// own: a second core trains another part of each batch on it.
    public func replica() -> VariationalAutoencoder {
        VariationalAutoencoder(configuration, encoder: encoder.replica(), decoder: decoder.replica(),
                               reconstructionLoss: reconstructionLoss.replica(), perceptualLoss: perceptualLoss?.replica())
    }

    /// The weight of the KL divergence in the total loss, for a warm-up factor in [0, 1]
    /// on β (KL annealing; 1 once warmed up).
    public func latentWeight(warmUp: Float = 1) -> Float { configuration.beta * warmUp * reconstructionLoss.latentScale }

    /// The loss of a batch for the given noise, and every parameter's gradient.
    @discardableResult
    public func computeGradients(images: Matrix, noise: Matrix, latentWarmUp: Float = 1) -> LossBreakdown {
        let (mean, logVariance) = encoder(images)
        let codings = sampling.forward(mean: mean, logVariance: logVariance, noise: noise)
        let output = decoder(codings)
        let gradient = outputGradient.withRows(images.rows)
        let reconstruction = reconstructionLoss.evaluate(output: output, target: images, gradient: gradient)
        let perceptual = perceptualLoss?.evaluate(output: output, target: images, gradient: gradient) ?? 0
        let divergence = LatentLoss.value(mean: mean, logVariance: logVariance)

        let codingsGradient = decoder.backward(gradient)
        let (meanGradient, logVarianceGradient) = sampling.backward(codingsGradient)
        LatentLoss.addGradient(mean: mean, logVariance: logVariance, weight: latentWeight(warmUp: latentWarmUp),
                               meanGradient: meanGradient, logVarianceGradient: logVarianceGradient)
        encoder.backward(meanGradient: meanGradient, logVarianceGradient: logVarianceGradient)
        return breakdown(reconstruction: reconstruction, divergence: divergence, perceptual: perceptual, latentWarmUp: latentWarmUp)
    }

    /// The loss of a batch for the given noise, without gradients (validation, evaluation).
    public func loss(images: Matrix, noise: Matrix, latentWarmUp: Float = 1) -> LossBreakdown {
        let (mean, logVariance) = encoder(images)
        let codings = sampling.forward(mean: mean, logVariance: logVariance, noise: noise)
        let output = decoder(codings)
        let reconstruction = reconstructionLoss.evaluate(output: output, target: images, gradient: nil)
        let perceptual = perceptualLoss?.evaluate(output: output, target: images, gradient: nil) ?? 0
        return breakdown(reconstruction: reconstruction, divergence: LatentLoss.value(mean: mean, logVariance: logVariance),
                         perceptual: perceptual, latentWarmUp: latentWarmUp)
    }

    private func breakdown(reconstruction: Float, divergence: Float, perceptual: Float, latentWarmUp: Float) -> LossBreakdown {
        let latent = latentWeight(warmUp: latentWarmUp) * divergence
        return LossBreakdown(total: reconstruction + latent + perceptual, reconstruction: reconstruction,
                             latent: latent, divergence: divergence)
    }

    /// Images decoded from codings (one per row), written into `images`, which must have
    /// as many rows as `codings` and one column per pixel value.
    public func decode(_ codings: Matrix, into images: Matrix) {
        precondition(codings.columns == configuration.codingSize && images.rows == codings.rows
                     && images.columns == configuration.imageSize, "decode(_:into:) needs matching shapes")
        for start in stride(from: 0, to: codings.rows, by: Self.decodingBatch) {
            let rows = min(Self.decodingBatch, codings.rows - start)
            let batch = Matrix(rows: rows, columns: codings.columns)
            batch.base.update(from: codings.base + start * codings.columns, count: rows * codings.columns)
            let decoded = decodeInPlace(batch)
            (images.base + start * images.columns).update(from: decoded.base, count: decoded.count)
        }
    }

    /// Images decoded from any number of codings, in a new matrix.
    public func decoded(_ codings: Matrix) -> Matrix {
        let images = Matrix(rows: codings.rows, columns: configuration.imageSize)
        decode(codings, into: images)
        return images
    }

    /// The mean coding μ and γ = log σ² of each image, in new matrices.
    public func encoded(_ images: Matrix) -> (mean: Matrix, logVariance: Matrix) {
        let (mean, logVariance) = encoder(images)
        return (mean.copy(), logVariance.copy())
    }

    /// Reconstructions from the mean codings, the model's best guess without noise, in a new matrix.
    public func reconstructed(_ images: Matrix) -> Matrix { reconstructInPlace(images).copy() }

    /// Codings are decoded this many at a time: a convolutional decoder's buffers grow with
    /// the batch, so 10,000 codings at once would hold gigabytes of patches.
    static let decodingBatch = 500

    /// Images in the decoder's own buffer (the logistic's in a new one), valid until its next call.
    func decodeInPlace(_ codings: Matrix) -> Matrix {
        configuration.likelihood.images(fromOutput: decoder(codings), channels: configuration.channels)
    }

    /// Reconstructions from the mean codings, in the decoder's own buffer.
    func reconstructInPlace(_ images: Matrix) -> Matrix { decodeInPlace(encoder(images).mean) }
}
