import Storage
import CKernels
import Foundation
import NumericCore
import NeuralNetwork

/// Adam with Nesterov momentum, exactly as Keras 3 computes it.
///
/// Keras's variant warms the momentum up over the first few hundred steps:
/// μₜ = β₁ (1 − ½ · 0.96ᵗ), and the bias correction uses the running product of the μ's
/// rather than β₁ᵗ. All scalars are computed in float32, as Keras does, so the weights
/// agree with Keras's to rounding.
public final class Nadam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public private(set) var iterations = 0
    /// Π μ₁…μₜ, Keras's `_u_product`.
    public private(set) var momentumProduct: Float = 1
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

    /// μₜ for step t (counted from 1).
    func momentum(atStep t: Int) -> Float {
        beta1 * (1 - 0.5 * powf(0.96, Float(t)))
    }

    /// The update runs in a vectorised kernel that reads the gradient's shards itself;
    /// the update is elementwise, so each core takes a slice of every parameter and the
    /// numbers are those one core would compute.
    public func step(_ gradient: ShardedGradient) {
        let t = iterations + 1
        let momentumNow = momentum(atStep: t)
        let momentumNext = momentum(atStep: t + 1)
        momentumProduct *= momentumNow
        let productNext = momentumProduct * momentumNext
        // m̂ = μₜ₊₁ m / (1 − Πₜ₊₁) + (1 − μₜ) g / (1 − Πₜ);  v̂ = v / (1 − β₂ᵗ)
        let scalars = vae_nadam_step_t(
            one_minus_beta1: 1 - beta1, one_minus_beta2: 1 - beta2,
            momentum_weight: momentumNext / (1 - productNext),
            gradient_weight: (1 - momentumNow) / (1 - momentumProduct),
            second_correction: 1 - powf(beta2, Float(t)), rate: learningRate, epsilon: epsilon)
        let (first, second) = (moments.first, moments.second)
        gradient.forEachParameterSlice(parameters) { index, gradients, shares, shards, slice in
            vae_nadam_update(parameters[index].value.base, gradients, shares, shards, first[index].base, second[index].base,
                             slice.lowerBound, slice.upperBound, scalars)
        }
        iterations = t
    }

    public var state: [String: SafeTensors.Tensor] {
        moments.state(parameters, scalars: ["iterations": Float(iterations), "momentum_product": momentumProduct])
    }

    public func restore(_ state: [String: SafeTensors.Tensor]) throws {
        try moments.restore(state, parameters)
        iterations = try stepCount(in: state)
        momentumProduct = try scalar("momentum_product", in: state)
    }
}
