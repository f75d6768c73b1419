import Storage
import Foundation
import NumericCore
import NeuralNetwork

/// Adam, as Keras 3 computes it (bias correction folded into the step size).
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public private(set) var iterations = 0
    private let moments: Moments

    public init(_ parameters: [Parameter], learningRate: Float = 0.001,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        moments = Moments(parameters)
    }

    public func step(_ gradient: ShardedGradient) {
        gradient.combine(into: parameters)
        update()
    }

    private func update() {
        let t = Float(iterations + 1)
        let rate = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
        let (oneMinusBeta1, oneMinusBeta2, epsilon) = (1 - beta1, 1 - beta2, self.epsilon)
        for (index, parameter) in parameters.enumerated() {
            let w = parameter.value.base, g = parameter.gradient.base
            let m = moments.first[index].base, v = moments.second[index].base
            for i in 0..<parameter.value.count {
                let gradient = g[i]
                m[i] += (gradient - m[i]) * oneMinusBeta1
                v[i] += (gradient * gradient - v[i]) * oneMinusBeta2
                w[i] -= m[i] * rate / (v[i].squareRoot() + epsilon)
            }
        }
        iterations += 1
    }

    public var state: [String: SafeTensors.Tensor] {
        moments.state(parameters, scalars: ["iterations": Float(iterations)])
    }

    public func restore(_ state: [String: SafeTensors.Tensor]) throws {
        try moments.restore(state, parameters)
        iterations = try stepCount(in: state)
    }
}
