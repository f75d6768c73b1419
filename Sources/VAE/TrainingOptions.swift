import Optimizers

/// How a model is trained: the book's `fit` call and the seed that fixes it.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var optimizer: OptimizerKind
    public var seed: UInt64
    /// Images held out from the end of the training set to validate on (the book: 5,000).
    public var validationCount: Int
    /// Train on the first `limit` training images only, for quick tries.
    public var limit: Int?
    /// Epochs over which β grows linearly from 0 to its value (0: no warm-up).
    public var klWarmUp: Int

    public init(epochs: Int = 25, batchSize: Int = 128, learningRate: Float = 0.001,
                optimizer: OptimizerKind = .nadam, seed: UInt64 = 42, validationCount: Int = 5000,
                limit: Int? = nil, klWarmUp: Int = 0) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.seed = seed
        self.validationCount = validationCount
        self.limit = limit
        self.klWarmUp = klWarmUp
    }

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize, learningRate, optimizer, seed, validationCount, limit, klWarmUp
    }

    /// Reads options; keys added after the first version may be missing.
    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        epochs = try container.decode(Int.self, forKey: .epochs)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        learningRate = try container.decode(Float.self, forKey: .learningRate)
        optimizer = try container.decode(OptimizerKind.self, forKey: .optimizer)
        seed = try container.decode(UInt64.self, forKey: .seed)
        validationCount = try container.decode(Int.self, forKey: .validationCount)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        klWarmUp = try container.decodeIfPresent(Int.self, forKey: .klWarmUp) ?? 0
    }

    /// The factor on β at a point of training: epoch counted from 1, step from 0.
    public func warmUpFactor(epoch: Int, step: Int, steps: Int) -> Float {
        guard klWarmUp > 0 else { return 1 }
        return min(1, (Float(epoch - 1) + Float(step) / Float(max(steps, 1))) / Float(klWarmUp))
    }

    /// The book's `fit(X_train, X_train, epochs=25, batch_size=128)` with Nadam's defaults.
    public static let book = TrainingOptions()

    public func validate() throws(ConfigurationError) {
        if epochs <= 0 { throw ConfigurationError("--epochs must be at least 1, not \(epochs)") }
        if batchSize <= 0 || batchSize > 1 << 16 {
            throw ConfigurationError("--batch-size must be from 1 to 65536, not \(batchSize)")
        }
        if !(learningRate > 0) || !learningRate.isFinite {
            throw ConfigurationError("--learning-rate must be a positive number, not \(learningRate)")
        }
        if validationCount < 0 { throw ConfigurationError("--validation must not be negative, not \(validationCount)") }
        if let limit, limit <= 0 { throw ConfigurationError("--limit must be at least 1, not \(limit)") }
        if klWarmUp < 0 { throw ConfigurationError("--kl-warmup must not be negative, not \(klWarmUp)") }
    }
}
