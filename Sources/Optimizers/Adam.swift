import Storage
import CKernels
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

    /// The update runs in a vectorised kernel that reads the gradient's shards itself,
    /// each core taking a slice of every parameter: elementwise, so the same numbers as
    /// one core computing `m += (g − m)(1 − β₁)`, `v += (g² − v)(1 − β₂)`,
    /// `w −= m · rate / (√v + ε)` one element at a time.
    public func step(_ gradient: ShardedGradient) {
        let t = Float(iterations + 1)
        let rate = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
        let scalars = vae_adam_step_t(one_minus_beta1: 1 - beta1, one_minus_beta2: 1 - beta2, rate: rate,
                                      epsilon: epsilon)
        let (first, second) = (moments.first, moments.second)
        gradient.forEachParameterSlice(parameters) { index, gradients, shares, shards, slice in
            vae_adam_update(parameters[index].value.base, gradients, shares, shards, first[index].base, second[index].base,
                            slice.lowerBound, slice.upperBound, scalars)
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
