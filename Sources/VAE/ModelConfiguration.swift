import NeuralNetwork

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

    public init(imageHeight: Int = 28, imageWidth: Int = 28, channels: Int = 1, codingSize: Int = 10,
                hidden: [Int] = [150, 100], activation: ActivationChoice = .relu,
                likelihood: Likelihood = .mse, beta: Float = 1) {
        self.imageHeight = imageHeight
        self.imageWidth = imageWidth
        self.channels = channels
        self.codingSize = codingSize
        self.hidden = hidden
        self.activation = activation
        self.likelihood = likelihood
        self.beta = beta
    }

    /// The book's model for Fashion-MNIST.
    public static let book = ModelConfiguration()

    public var imageSize: Int { imageHeight * imageWidth * channels }

    /// Checks that every size makes sense, with a message a user can act on.
    public func validate() throws(ConfigurationError) {
        if imageHeight <= 0 || imageWidth <= 0 || channels <= 0 {
            throw ConfigurationError("the image shape \(imageHeight)×\(imageWidth)×\(channels) must be positive")
        }
        if codingSize <= 0 { throw ConfigurationError("the coding size must be at least 1, not \(codingSize)") }
        if let bad = hidden.first(where: { $0 <= 0 }) {
            throw ConfigurationError("hidden layer sizes must be at least 1, not \(bad)")
        }
        if !beta.isFinite || beta < 0 { throw ConfigurationError("β must be a non-negative number, not \(beta)") }
        if imageHeight > 1 << 14 || imageWidth > 1 << 14 || channels > 4 {
            throw ConfigurationError("the image shape \(imageHeight)×\(imageWidth)×\(channels) is beyond what this tool trains")
        }
        guard let count = parameterCount, count <= 1 << 30 else {
            throw ConfigurationError("the model would have more than 2³⁰ parameters; choose smaller --hidden sizes")
        }
    }

    /// Weights and biases of the encoder and decoder, or nil if the count overflows.
    public var parameterCount: Int? {
        var total = 0
        func add(_ inputs: Int, _ outputs: Int, heads: Int = 1) -> Bool {
            guard inputs < 1 << 40, outputs < 1 << 30 else { return false }
            let (product, overflow) = (inputs + 1).multipliedReportingOverflow(by: outputs * heads)
            guard !overflow else { return false }
            let (sum, overflowed) = total.addingReportingOverflow(product)
            total = sum
            return !overflowed
        }
        var width = imageSize
        for size in hidden { guard add(width, size) else { return nil }; width = size }
        guard add(width, codingSize, heads: 2) else { return nil }
        width = codingSize
        for size in hidden.reversed() { guard add(width, size) else { return nil }; width = size }
        guard add(width, imageSize) else { return nil }
        return total
    }
}

/// The activation of the hidden layers, as named on the command line.
public typealias ActivationChoice = NeuralNetwork.Activation

/// A user error in a configuration or an option: the message says what to change.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
