import NeuralNetwork
import NumericCore

/// Everything that fixes a model's shape: enough to rebuild it from `config.json`.
public struct ModelConfiguration: Codable, Equatable, Sendable {
    public var imageHeight: Int
    public var imageWidth: Int
    public var channels: Int
    /// The dimension of the latent codings (the book's `codings_size`).
    public var codingSize: Int
    /// Hidden layer sizes of the encoder, input side first; the decoder mirrors them.
    public var hidden: [Int]
    public var activation: ActivationChoice
    public var likelihood: Likelihood
    /// The weight of the latent loss; 1 is the book's VAE, 0 a plain autoencoder's loss.
    public var beta: Float
    /// Dense layers only (the book's), or convolutions before the dense layers.
    public var architecture: Architecture
    /// Filters of the encoder's stride-2 convolutions, input side first (`conv` only);
    /// the decoder mirrors them with transposed convolutions.
    public var filters: [Int]
    /// The distribution of ε in the sampling layer during training and evaluation.
    public var noise: Noise
    /// The kind of model: the book's VAE, or a VQ-VAE with its code prior.
    public var family: ModelFamily
    /// The VQ-VAE's codebook (`vq-vae` only).
    public var quantizer: VectorQuantizerSettings?
    /// The VQ-VAE's PixelCNN prior (`vq-vae` only).
    public var codePrior: CodePriorSettings?
    /// The second VAE of a two-stage model (`two-stage` only).
    public var secondStage: SecondStageSettings?
    /// The weight of the feature-matching term (`PerceptualLoss`) in the decoder's loss; 0
    /// for none, the book's.
    public var perceptual: Float

    public init(imageHeight: Int = 28, imageWidth: Int = 28, channels: Int = 1, codingSize: Int = 10,
                hidden: [Int] = [150, 100], activation: ActivationChoice = .relu,
                likelihood: Likelihood = .mse, beta: Float = 1,
                architecture: Architecture = .dense, filters: [Int] = [], noise: Noise = .gaussian,
                family: ModelFamily = .vae, quantizer: VectorQuantizerSettings? = nil, codePrior: CodePriorSettings? = nil,
                secondStage: SecondStageSettings? = nil, perceptual: Float = 0) {
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.channels = channels
        self.codingSize = codingSize
        self.hidden = hidden
        self.activation = activation
        self.likelihood = likelihood
        self.beta = beta
        self.architecture = architecture
        self.filters = filters
        self.noise = noise
        self.family = family
        self.quantizer = quantizer
        self.codePrior = codePrior
        self.secondStage = secondStage
        self.perceptual = perceptual
    }

    /// A VQ-VAE for Fashion-MNIST: stride-2 convolutions of 32 and 64 filters down to a 7×7
    /// grid of codes from 128 vectors of 16 values, pixels as Bernoulli probabilities,
    /// and a PixelCNN of 64 channels and 4 residual blocks over the codes.
    public static let vqVAE = ModelConfiguration(hidden: [], likelihood: .bernoulli, architecture: .conv, filters: [32, 64],
                                                 family: .vqVAE, quantizer: VectorQuantizerSettings(),
                                                 codePrior: CodePriorSettings())

    enum CodingKeys: String, CodingKey {
        case imageHeight, imageWidth, channels, codingSize, hidden, activation, likelihood, beta, architecture, filters, noise
        case family, quantizer, codePrior, secondStage, perceptual
    }

    /// Reads a configuration; keys added after the first version may be missing.
    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        imageHeight = try container.decode(Int.self, forKey: .imageHeight)
        imageWidth = try container.decode(Int.self, forKey: .imageWidth)
        channels = try container.decode(Int.self, forKey: .channels)
        codingSize = try container.decode(Int.self, forKey: .codingSize)
        hidden = try container.decode([Int].self, forKey: .hidden)
        activation = try container.decode(ActivationChoice.self, forKey: .activation)
        likelihood = try container.decode(Likelihood.self, forKey: .likelihood)
        beta = try container.decode(Float.self, forKey: .beta)
        architecture = try container.decodeIfPresent(Architecture.self, forKey: .architecture) ?? .dense
        filters = try container.decodeIfPresent([Int].self, forKey: .filters) ?? []
        noise = try container.decodeIfPresent(Noise.self, forKey: .noise) ?? .gaussian
        family = try container.decodeIfPresent(ModelFamily.self, forKey: .family) ?? .vae
        quantizer = try container.decodeIfPresent(VectorQuantizerSettings.self, forKey: .quantizer)
        codePrior = try container.decodeIfPresent(CodePriorSettings.self, forKey: .codePrior)
        secondStage = try container.decodeIfPresent(SecondStageSettings.self, forKey: .secondStage)
        perceptual = try container.decodeIfPresent(Float.self, forKey: .perceptual) ?? 0
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(imageHeight, forKey: .imageHeight)
        try container.encode(imageWidth, forKey: .imageWidth)
        try container.encode(channels, forKey: .channels)
        try container.encode(codingSize, forKey: .codingSize)
        try container.encode(hidden, forKey: .hidden)
        try container.encode(activation, forKey: .activation)
        try container.encode(likelihood, forKey: .likelihood)
        try container.encode(beta, forKey: .beta)
        try container.encode(architecture, forKey: .architecture)
        try container.encode(filters, forKey: .filters)
        try container.encode(noise, forKey: .noise)
        // The book's family writes the file it always wrote.
        if family != .vae { try container.encode(family, forKey: .family) }
        try container.encodeIfPresent(quantizer, forKey: .quantizer)
        try container.encodeIfPresent(codePrior, forKey: .codePrior)
        try container.encodeIfPresent(secondStage, forKey: .secondStage)
        if perceptual != 0 { try container.encode(perceptual, forKey: .perceptual) }
    }

    /// The second VAE of a two-stage model over this model's codings: each coding an
    /// "image" of one row, a Gaussian likelihood with learned variance, a coding as wide.
    public var secondStageConfiguration: ModelConfiguration? {
        guard family == .twoStage, let secondStage else { return nil }
        return ModelConfiguration(imageHeight: 1, imageWidth: codingSize, channels: 1, codingSize: codingSize,
                                  hidden: secondStage.hidden, activation: activation, likelihood: .gaussian)
    }

    /// The feature-matching term this configuration weighs in, or nil.
    var perceptualLoss: PerceptualLoss? {
        perceptual > 0 ? PerceptualLoss(weight: perceptual, shape: imageShape, likelihood: likelihood) : nil
    }

    public var imageShape: ImageShape { ImageShape(height: imageHeight, width: imageWidth, channels: channels) }

    /// The book's model for Fashion-MNIST.
    public static let book = ModelConfiguration()

    public var imageSize: Int { imageHeight * imageWidth * channels }

    /// The decoder's outputs per pixel and per image: the likelihood's parameters of each value.
    public var decoderOutputsPerPixel: Int { channels * likelihood.outputsPerValue }
    public var decoderOutputs: Int { imageSize * likelihood.outputsPerValue }

    /// Checks that every size makes sense, with a message a user can act on.
    public func validate() throws(ConfigurationError) {
        if imageHeight <= 0 || imageWidth <= 0 || channels <= 0 {
            throw ConfigurationError(.imageShape, "\(imageHeight)×\(imageWidth)×\(channels)", "must be positive")
        }
        if codingSize <= 0 { throw ConfigurationError(.codingSize, codingSize, "must be at least 1") }
        if let bad = hidden.first(where: { $0 <= 0 }) {
            throw ConfigurationError(.hidden, bad, "must be at least 1")
        }
        switch architecture {
        case .dense where !filters.isEmpty:
            throw ConfigurationError(.filters, "", "apply to the convolutional architecture only; the dense model has none")
        case .conv where filters.isEmpty || filters.count > 6:
            throw ConfigurationError(.filters, "\(filters.count) layers", "must name 1 to 6 convolutions for the convolutional architecture")
        case .conv:
            if let bad = filters.first(where: { $0 <= 0 || $0 > 4096 }) {
                throw ConfigurationError(.filters, bad, "must be between 1 and 4096")
            }
            let factor = 1 << filters.count
            if imageHeight % factor != 0 || imageWidth % factor != 0 {
                throw ConfigurationError(.filters, "\(filters.count) layers", "need image sides divisible by \(factor), and \(imageHeight)×\(imageWidth) is not; use fewer")
            }
        case .dense:
            break
        }
        if !beta.isFinite || beta < 0 { throw ConfigurationError(.beta, beta, "must be a non-negative number") }
        if !perceptual.isFinite || perceptual < 0 { throw ConfigurationError(.perceptual, perceptual, "must be a non-negative number") }
        if perceptual > 0, imageHeight < 4 || imageWidth < 4 {
            throw ConfigurationError(.perceptual, perceptual, "needs images of at least 4×4 pixels for its network's two stride-2 convolutions")
        }
        if imageHeight > 1 << 14 || imageWidth > 1 << 14 || channels > 4 {
            throw ConfigurationError(.imageShape, "\(imageHeight)×\(imageWidth)×\(channels)", "is beyond what this library trains")
        }
        try validateFamily()
        guard let count = parameterCount, count <= 1 << 30 else {
            throw ConfigurationError(.hidden, hidden.map(String.init).joined(separator: ","), "would give the model more than 2³⁰ parameters; choose smaller sizes")
        }
    }

    /// The settings only one family has, present for it and absent for the others.
    private func validateFamily() throws(ConfigurationError) {
        if family != .vqVAE, quantizer != nil || codePrior != nil {
            throw ConfigurationError(.model, family.rawValue, "has no codebook or code prior; those belong to vq-vae")
        }
        if family != .twoStage, secondStage != nil {
            throw ConfigurationError(.model, family.rawValue, "has no second stage; that belongs to two-stage")
        }
        switch family {
        case .vae:
            break
        case .rae:
            if beta != 0 { throw ConfigurationError(.beta, beta, "must be 0 for rae, the β = 0 model with a fitted density") }
        case .twoStage:
            guard let secondStage else { throw ConfigurationError(.model, family.rawValue, "needs a second stage") }
            if let bad = secondStage.hidden.first(where: { !(1...65_536).contains($0) }) {
                throw ConfigurationError(.secondStageHidden, bad, "must be from 1 to 65536")
            }
        case .vqVAE:
            guard architecture == .conv, let quantizer, let codePrior else {
                throw ConfigurationError(.model, family.rawValue, "needs the convolutional architecture, a codebook and a code prior")
            }
            guard (2...4096).contains(quantizer.codebookSize) else {
                throw ConfigurationError(.codebookSize, quantizer.codebookSize, "must be from 2 to 4096")
            }
            guard (1...1024).contains(quantizer.codeDimension) else {
                throw ConfigurationError(.codeDimension, quantizer.codeDimension, "must be from 1 to 1024")
            }
            guard quantizer.commitment.isFinite, quantizer.commitment >= 0 else {
                throw ConfigurationError(.commitment, quantizer.commitment, "must be a non-negative number")
            }
            guard (1...1024).contains(codePrior.channels) else {
                throw ConfigurationError(.priorChannels, codePrior.channels, "must be from 1 to 1024")
            }
            guard (0...32).contains(codePrior.blocks) else {
                throw ConfigurationError(.priorBlocks, codePrior.blocks, "must be from 0 to 32")
            }
        }
    }

    /// Weights and biases of the encoder and decoder, or nil if the count overflows.
    public var parameterCount: Int? {
        switch family {
        case .vae, .rae, .twoStage:
            guard let plan = try? LayerPlan(self) else { return nil }
            return plan.parameterCount
        case .vqVAE:
            guard let quantizer else { return nil }
            return VectorQuantizedPlan(self, quantizer: quantizer).parameterCount
        }
    }
}

/// The noise ε of the sampling layer z = μ + σ · ε.
public enum Noise: String, Codable, CaseIterable, Sendable {
    /// N(0, I), the book's (and the reparameterisation trick's) choice.
    case gaussian
    /// U(−√3, √3) in every dimension: mean 0 and variance 1 like the Gaussian.
    case uniform
    /// ε = 0, so z = μ: the encoder is deterministic, as in a plain autoencoder.
    case none

    /// Fills `matrix` with noise of this kind.
    public func fill(_ matrix: Matrix, using generator: inout SeededGenerator) {
        switch self {
        case .gaussian: matrix.fillNormal(using: &generator)
        case .uniform: matrix.fillUniformUnitVariance(using: &generator)
        case .none: matrix.fill(with: 0)
        }
    }
}

/// The kind of network: the book's dense layers, or convolutions in front of them.
public enum Architecture: String, Codable, CaseIterable, Sendable {
    case dense, conv
}

/// The activation of the hidden layers, as named on the command line.
public typealias ActivationChoice = NeuralNetwork.Activation
