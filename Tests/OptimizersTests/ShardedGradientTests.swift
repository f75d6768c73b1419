import NeuralNetwork
import NumericCore
import Testing
import TestSupport
@testable import Optimizers

/// A batch's gradient in N shards: every optimizer must give, bit for bit, the weights of
/// combining the shards first and stepping on the one combined gradient, and the
/// combination must round as the formula written out in Swift does.
@Suite struct ShardedGradientTests {
    /// Odd lengths, so that every vector loop has a tail; one longer than a combining block.
    static let shapes = [(3, 37), (1, 1_013), (1, 1)]

    /// The shares of N shards, not powers of two, so that the products round.
    static func shares(_ count: Int) -> [Float] {
        switch count {
        case 1: [1]
        case 2: [64 / 100, 36 / 100]
        default: [37 / 100, 33 / 100, 30 / 100]
        }
    }

    static func model() -> [Parameter] {
        shapes.enumerated().map { index, shape in
            Parameter(name: "p\(index)", value: randomMatrix(shape.0, shape.1, seed: UInt64(10 + index)))
        }
    }

    /// Shard k's gradients for one step, a different draw for every step, shard and parameter.
    static func gradients(step: Int, shard: Int) -> [Matrix] {
        shapes.enumerated().map { index, shape in
            randomMatrix(shape.0, shape.1, seed: UInt64(1_000 * step + 10 * shard + index))
        }
    }

    /// With one shard it is another set of matrices than the parameters' own gradients
    /// (read as they are); with more, shard 0 is the parameters' own, as in training.
    static func sharded(_ parameters: [Parameter], step: Int, shards count: Int) -> ShardedGradient {
        if count == 1 { return ShardedGradient(shards: [gradients(step: step, shard: 0)], shares: [1]) }
        for (parameter, gradient) in zip(parameters, gradients(step: step, shard: 0)) {
            parameter.gradient.copy(from: gradient)
        }
        let others = (1..<count).map { gradients(step: step, shard: $0) }
        return ShardedGradient(shards: [parameters.map(\.gradient)] + others, shares: shares(count))
    }

    @Test(arguments: OptimizerKind.allCases, [1, 2, 3])
    func steppingOnShardsGivesTheBitsOfCombiningThemFirst(kind: OptimizerKind, shards: Int) {
        let sharded = Self.model(), combined = Self.model()
        let shardedOptimizer = kind.make(for: sharded, learningRate: 0.01)
        let combinedOptimizer = kind.make(for: combined, learningRate: 0.01)
        for step in 0..<3 {
            shardedOptimizer.step(Self.sharded(sharded, step: step, shards: shards))
            Self.sharded(combined, step: step, shards: shards).combine(into: combined)
            combinedOptimizer.step()
        }
        for (a, b) in zip(sharded, combined) {
            #expect(bitDifferences(a.value.values, b.value.values) == 0, "\(kind), \(shards) shards, \(a.name)")
        }
        #expect(shardedOptimizer.iterations == 3)
    }

    /// Two shards combine as the two cores' halves always have: `s₀·g₀ + s₁·g₁`; three as
    /// `(s₀·g₀ + s₁·g₁) + s₂·g₂`; one is left as it is.
    @Test(arguments: [1, 2, 3])
    func combiningRoundsAsTheFormulaInShardOrder(shards: Int) {
        let parameters = Self.model()
        let gradient = Self.sharded(parameters, step: 7, shards: shards)
        let expected = parameters.indices.map { i in
            (0..<parameters[i].value.count).map { j in
                let first = gradient.shards[0][i].base[j]
                var sum = shards == 1 ? first : gradient.shares[0] * first
                for k in 1..<shards { sum = sum + gradient.shares[k] * gradient.shards[k][i].base[j] }
                return sum
            }
        }
        gradient.combine(into: parameters)
        for (parameter, values) in zip(parameters, expected) {
            #expect(bitDifferences(parameter.gradient.values, values) == 0, "\(parameter.name)")
        }
    }

    @Test func theCombinedGradientIsTheImagesWeightedMean() {
        let parameter = Parameter(name: "p", value: Matrix(rows: 1, columns: 2))
        parameter.gradient.assign([1, 1])
        let gradient = ShardedGradient(shards: [[parameter.gradient], [Matrix(rows: 1, columns: 2, values: [3, 5])]],
                                       shares: [0.25, 0.75])
        gradient.combine(into: [parameter])
        #expect(parameter.gradient.values == [2.5, 4])
    }

    @Test func oneShardOfTheParametersOwnGradientsIsLeftAsItIs() {
        let parameters = Self.model()
        for (parameter, gradient) in zip(parameters, Self.gradients(step: 3, shard: 0)) { parameter.gradient.copy(from: gradient) }
        let before = parameters.map { $0.gradient.values.map(\.bitPattern) }
        ShardedGradient.single(parameters).combine(into: parameters)
        #expect(parameters.map { $0.gradient.values.map(\.bitPattern) } == before)
        #expect(ShardedGradient.single(parameters).shares == [1])
    }
}
