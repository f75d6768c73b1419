/// The kinds of model a run can train, each with its own sampling.
public enum ModelFamily: String, Codable, CaseIterable, Sendable {
    /// The book's variational autoencoder: a Gaussian coding, sampled from a prior over it.
    case vae
    /// An autoencoder with a density fitted afterwards, after Ghosh et al. (2020): the book's
    /// model with β = 0 (its sampling noise kept, the only regulariser; not their decoder
    /// penalty), sampled through a Gaussian mixture fitted to the training images' mean codings.
    case rae
    /// The two-stage VAE (Dai and Wipf, 2019): a VAE with a learned decoder variance, and a
    /// second, small VAE trained on its codings; samples go through both decoders.
    case twoStage = "two-stage"
    /// A VQ-VAE: a grid of discrete codes from a learned codebook, sampled by an
    /// autoregressive PixelCNN prior trained on the codes after the autoencoder.
    case vqVAE = "vq-vae"

    /// Whether sampling needs a second model trained after the autoencoder.
    public var needsPrior: Bool { self == .vqVAE || self == .twoStage }

    /// Epochs of the model trained after the first (a code prior, a second stage) unless
    /// others are asked for; nil for a family that has none.
    public var recommendedPriorEpochs: Int? {
        switch self {
        case .vae, .rae: nil
        case .twoStage: 30
        case .vqVAE: 20
        }
    }

    /// Where a family's samples' codings come from unless another prior is asked for.
    public var defaultPrior: Prior {
        switch self {
        case .vae: .gaussian
        case .rae: .gmm
        case .twoStage: .secondStage
        case .vqVAE: .codePrior
        }
    }
}

/// The second VAE of a two-stage model: its hidden layers (its coding is as wide as the
/// first stage's, as in the paper).
public struct SecondStageSettings: Codable, Equatable, Sendable {
    public var hidden: [Int]

    public init(hidden: [Int] = [512, 512]) { self.hidden = hidden }
}

/// The bottleneck of a VQ-VAE: how many codebook vectors, of what size, and the weight of
/// the commitment loss.
public struct VectorQuantizerSettings: Codable, Equatable, Sendable {
    public var codebookSize: Int
    public var codeDimension: Int
    /// β of the commitment loss; the paper's 0.25.
    public var commitment: Float

    public init(codebookSize: Int = 128, codeDimension: Int = 16, commitment: Float = 0.25) {
        self.codebookSize = codebookSize
        self.codeDimension = codeDimension
        self.commitment = commitment
    }
}

/// The PixelCNN over a VQ-VAE's grid of codes: its width and depth.
public struct CodePriorSettings: Codable, Equatable, Sendable {
    /// Feature maps of every layer.
    public var channels: Int
    /// Residual blocks of masked 3×3 convolutions after the first, 5×5 one.
    public var blocks: Int

    public init(channels: Int = 64, blocks: Int = 4) {
        self.channels = channels
        self.blocks = blocks
    }
}
