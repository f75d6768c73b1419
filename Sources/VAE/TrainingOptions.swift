import Optimizers

/// How a trainer fits a model: the book's `fit(X_train, X_train, epochs=25, batch_size=128)`
/// with Nadam's defaults, and KL warm-up. What data to use and the seed belong to the run.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var optimizer: OptimizerKind
    /// Epochs over which β grows linearly from 0 to its value (0: no warm-up).
    public var klWarmUp: Int
    /// Epochs of the second model trained after the first (a VQ-VAE's code prior, a
    /// two-stage model's second VAE); 0: none yet; nil for a family without one.
    public var priorEpochs: Int?

    public init(epochs: Int = 25, batchSize: Int = 128, learningRate: Float = 0.001,
                optimizer: OptimizerKind = .nadam, klWarmUp: Int = 0, priorEpochs: Int? = nil) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.klWarmUp = klWarmUp
        self.priorEpochs = priorEpochs
    }

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize, learningRate, optimizer, klWarmUp, priorEpochs
    }

    /// Reads options; keys added after the first version may be missing.
    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try container.decode(Int.self, forKey: .epochs)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        learningRate = try container.decode(Float.self, forKey: .learningRate)
        optimizer = try container.decode(OptimizerKind.self, forKey: .optimizer)
        klWarmUp = try container.decodeIfPresent(Int.self, forKey: .klWarmUp) ?? 0
        priorEpochs = try container.decodeIfPresent(Int.self, forKey: .priorEpochs)
    }

    /// The factor on β at a point of training: epoch counted from 1, step from 0.
    public func warmUpFactor(epoch: Int, step: Int, steps: Int) -> Float {
        guard klWarmUp > 0 else { return 1 }
        return min(1, (Float(epoch - 1) + Float(step) / Float(max(steps, 1))) / Float(klWarmUp))
    }

    /// The book's `fit(X_train, X_train, epochs=25, batch_size=128)` with Nadam's defaults.
    public static let book = TrainingOptions()

    public func validate() throws(ConfigurationError) {
        if epochs <= 0 { throw ConfigurationError(.epochs, epochs, "must be at least 1") }
        if batchSize <= 0 || batchSize > 1 << 16 { throw ConfigurationError(.batchSize, batchSize, "must be from 1 to 65536") }
        if !(learningRate > 0) || !learningRate.isFinite {
            throw ConfigurationError(.learningRate, learningRate, "must be a positive number")
        }
        if klWarmUp < 0 { throw ConfigurationError(.klWarmUp, klWarmUp, "must not be negative") }
        if let priorEpochs, !(0...100_000).contains(priorEpochs) {
            throw ConfigurationError(.priorEpochs, priorEpochs, "must be from 0 to 100000")
        }
    }
}
