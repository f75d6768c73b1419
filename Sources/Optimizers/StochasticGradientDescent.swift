import Storage
import NumericCore
import NeuralNetwork

/// Plain gradient descent, `w ← w − η g`: the baseline the adaptive methods are measured against.
public final class StochasticGradientDescent: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public private(set) var iterations = 0

    public init(_ parameters: [Parameter], learningRate: Float = 0.01) {
        self.parameters = parameters
        self.learningRate = learningRate
    }

    /// Combines the shards into the parameters' gradients first (nothing to do for their
    /// own gradients alone): a pass of its own would save little on so light an update.
    public func step(_ gradient: ShardedGradient) {
        gradient.combine(into: parameters)
        let rate = learningRate
        for parameter in parameters {
            let w = parameter.value.base, g = parameter.gradient.base
            for i in 0..<parameter.value.count { w[i] -= rate * g[i] }
        }
        iterations += 1
    }

    public var state: [String: SafeTensors.Tensor] {
        ["iterations": SafeTensors.Tensor(shape: [], values: [Float(iterations)])]
    }

    public func restore(_ state: [String: SafeTensors.Tensor]) throws {
        iterations = try stepCount(in: state)
    }
}
