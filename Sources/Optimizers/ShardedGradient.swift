import CKernels
import NumericCore
import NeuralNetwork

/// The gradient of one batch computed as N ≥ 1 shards (parts of the batch, e.g. one per core).
///
/// Each shard's gradient is a mean over its own images, so the batch's gradient is their
/// images-weighted mean. Optimizers read the shards in their own pass over the weights
/// rather than have them combined by a pass of their own: the batch's gradient is never
/// written out to memory and read back.
///
/// The combination is exact to the bit whichever way it is computed: with one shard the
/// gradient is the shard as it is; with more, per element,
/// `((shares[0]·shards[0] + shares[1]·shards[1]) + shares[2]·shards[2]) + …`, each product
/// rounded to float and the sums taken in shard order, with no fused multiply-add. So
/// stepping on the shards gives the weights of `combine(into:)` followed by a step on the
/// one combined shard.
///
/// Mistakes in the shapes are programming errors, and stop the program with a message.
public struct ShardedGradient {
    /// shards[k][i]: shard k's gradient of parameter i, a mean over that shard's images.
    /// Shard 0 is usually the parameters' own `gradient` matrices.
    public let shards: [[Matrix]]
    /// shares[k]: shard k's images ÷ the batch's images; they sum to 1.
    public let shares: [Float]

    /// Stops with a message unless there is at least one shard, one share per shard, every
    /// shard holds a gradient of the same size for each parameter, and the shares are
    /// non-negative and sum to 1 (to float rounding).
    public init(shards: [[Matrix]], shares: [Float]) {
        precondition(!shards.isEmpty, "a gradient needs at least one shard")
        precondition(shares.count == shards.count, "\(shares.count) shares for \(shards.count) shards")
        for (k, shard) in shards.enumerated().dropFirst() {
            precondition(shard.count == shards[0].count,
                         "shard \(k) holds \(shard.count) gradients, shard 0 \(shards[0].count)")
            for (i, (gradient, first)) in zip(shard, shards[0]).enumerated() {
                precondition(gradient.count == first.count,
                             "shard \(k) holds \(gradient.count) values for parameter \(i), shard 0 \(first.count)")
            }
        }
        precondition(shares.allSatisfy { $0 >= 0 && $0.isFinite }, "shares must be finite and non-negative: \(shares)")
        let total = shares.reduce(0, +)
        precondition(abs(total - 1) <= 2 * Float(shares.count) * .ulpOfOne, "shares must sum to 1, not \(total)")
        self.shards = shards
        self.shares = shares
    }

    /// One shard: the parameters' own gradients, share 1.
    public static func single(_ parameters: [Parameter]) -> ShardedGradient {
        ShardedGradient(shards: [parameters.map(\.gradient)], shares: [1])
    }

    /// Writes the batch's gradient, Σₖ shares[k]·shards[k], into the parameters' own
    /// gradients, each core a slice of every parameter. With one shard that is a copy (none
    /// at all when the shard is the parameters' own gradients).
    public func combine(into parameters: [Parameter]) {
        check(against: parameters)
        if shards.count == 1, zip(shards[0], parameters).allSatisfy({ $0 === $1.gradient }) { return }
        forEachParameterSlice(parameters) { index, gradients, shares, shards, slice in
            vae_combine_shards(parameters[index].gradient.base, gradients, shares, shards, slice.lowerBound, slice.upperBound)
        }
    }

    /// Stops with a message unless every shard holds one gradient of the right size for
    /// each of `parameters`, in their order.
    func check(against parameters: [Parameter]) {
        precondition(shards[0].count == parameters.count,
                     "\(shards[0].count) gradients in each shard for \(parameters.count) parameters")
        for (gradient, parameter) in zip(shards[0], parameters) {
            precondition(gradient.count == parameter.value.count,
                         "a gradient of \(gradient.count) values for \(parameter.name) of \(parameter.value.count)")
        }
    }

    /// Calls `body` with the shards' gradients laid out as the kernels read them —
    /// `gradients[i · N + k]` is shard k's gradient of parameter i, N the number of shards —
    /// and the shares. The table is a temporary allocation (on the stack for any model of
    /// this package's size), so a step allocates nothing for it.
    func withKernelPointers<Result>(
        _ body: (_ gradients: UnsafePointer<UnsafePointer<Float>?>, _ shares: UnsafePointer<Float>) -> Result
    ) -> Result {
        let parameterCount = shards[0].count, shardCount = shards.count
        return withUnsafeTemporaryAllocation(of: UnsafePointer<Float>?.self,
                                             capacity: max(1, parameterCount * shardCount)) { table in
            for (k, shard) in shards.enumerated() {
                for (i, gradient) in shard.enumerated() { table[i * shardCount + k] = UnsafePointer(gradient.base) }
            }
            return shares.withUnsafeBufferPointer { shares in
                body(UnsafePointer(table.baseAddress!), shares.baseAddress!)
            }
        }
    }

    /// Runs an elementwise optimizer kernel over every parameter, each core on its slice
    /// of every parameter (the same numbers as one core would give): `kernel(i, gradients,
    /// shares, shards, slice)` updates parameter i's elements in `slice`, reading its
    /// shards' gradients from `gradients`.
    func forEachParameterSlice(
        _ parameters: [Parameter],
        _ kernel: (_ index: Int, _ gradients: UnsafePointer<UnsafePointer<Float>?>, _ shares: UnsafePointer<Float>,
                   _ shards: Int32, _ slice: Range<Int>) -> Void
    ) {
        check(against: parameters)
        let shardCount = shards.count
        withKernelPointers { gradients, shares in
            Parallel.forEachPart { part, parts in
                for (index, parameter) in parameters.enumerated() {
                    kernel(index, gradients + index * shardCount, shares, Int32(shardCount),
                           Parallel.slice(parameter.value.count, part: part, of: parts))
                }
            }
        }
    }
}
