import NeuralNetwork
import NumericCore

/// The gradient of one batch computed as N ≥ 1 shards (parts of the batch, e.g. one per core).
///
/// Each shard's gradient is a mean over its own images; the batch's is Σₖ sharesₖ · gₖ.
/// An optimizer reads the shards in its own pass over the weights rather than have them
/// combined by a pass of their own.
public struct ShardedGradient {
    /// shards[k][i]: shard k's gradient of parameter i. Shard 0 is usually the parameters'
    /// own `gradient` matrices.
    public let shards: [[Matrix]]
    /// shares[k]: shard k's images ÷ the batch's images.
    public let shares: [Float]

    public init(shards: [[Matrix]], shares: [Float]) {
        precondition(!shards.isEmpty && shards.count == shares.count, "one share for each of at least one shard")
        self.shards = shards
        self.shares = shares
    }

    /// One shard: the parameters' own gradients, the whole batch's.
    public static func single(_ parameters: [Parameter]) -> ShardedGradient {
        ShardedGradient(shards: [parameters.map(\.gradient)], shares: [1])
    }

    /// Stops with a message unless every shard holds one gradient of the right size for
    /// each of `parameters`.
    func check(against parameters: [Parameter]) {
        for shard in shards {
            precondition(parameters.count == shard.count, "\(shard.count) gradients for \(parameters.count) parameters")
            for (parameter, gradient) in zip(parameters, shard) {
                precondition(gradient.count == parameter.value.count,
                             "a gradient of \(gradient.count) values for \(parameter.name) of \(parameter.value.count)")
            }
        }
    }

    /// Writes the batch's gradient into `parameters`' own gradients: each product rounded,
    /// then added in shard order. One shard is the gradient as it is.
    public func combine(into parameters: [Parameter]) {
        check(against: parameters)
        if shards.count == 1 && zip(parameters, shards[0]).allSatisfy({ $0.gradient === $1 }) { return }
        let shards = shards, shares = shares
        Parallel.forEachPart { part, parts in
            for (index, parameter) in parameters.enumerated() {
                let slice = Parallel.slice(parameter.gradient.count, part: part, of: parts)
                let own = parameter.gradient.base
                let first = shards[0][index].base
                for i in slice {
                    var sum = shards.count == 1 ? first[i] : shares[0] * first[i]
                    for k in 1..<shards.count { sum += shares[k] * shards[k][index].base[i] }
                    own[i] = sum
                }
            }
        }
    }
}
