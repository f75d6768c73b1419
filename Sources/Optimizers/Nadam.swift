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

    /// Two shards are combined inside the update's own pass over the weights, with the
    /// same roundings as `ShardedGradient.combine`, so both ways give the same bits.
    public func step(_ gradient: ShardedGradient) {
        gradient.check(against: parameters)
        if gradient.shards.count > 2 { gradient.combine(into: parameters) }
        update(second: gradient.shards.count == 2 ? (gradient.shards[1], gradient.shares[0], gradient.shares[1]) : nil,
               first: gradient.shards.count == 2 ? gradient.shards[0] : parameters.map(\.gradient))
    }

    private func update(second halves: (gradients: [Matrix], share: Float, otherShare: Float)?, first: [Matrix]) {
        let t = iterations + 1
        let momentumNow = momentum(atStep: t)
        let momentumNext = momentum(atStep: t + 1)
        momentumProduct *= momentumNow
        let productNext = momentumProduct * momentumNext
        // m̂ = μₜ₊₁ m / (1 − Πₜ₊₁) + (1 − μₜ) g / (1 − Πₜ);  v̂ = v / (1 − β₂ᵗ)
        let momentumWeight = momentumNext / (1 - productNext)
        let gradientWeight = (1 - momentumNow) / (1 - momentumProduct)
        let secondCorrection = 1 - powf(beta2, Float(t))
        let (rate, oneMinusBeta1, oneMinusBeta2, epsilon) = (learningRate, 1 - beta1, 1 - beta2, self.epsilon)
        // The update is elementwise: each core takes a slice of every parameter, which gives
        // the same numbers as one core would.
        Parallel.forEachPart { part, parts in
            for (index, parameter) in parameters.enumerated() {
                let range = Parallel.slice(parameter.value.count, part: part, of: parts)
                let start = range.lowerBound
                vae_nadam_update_halves(parameter.value.base + start, first[index].base + start,
                                        halves.map { UnsafePointer($0.gradients[index].base + start) }, halves?.share ?? 1,
                                        halves?.otherShare ?? 0,
                                        moments.first[index].base + start, moments.second[index].base + start,
                                        range.count, oneMinusBeta1, oneMinusBeta2, momentumWeight, gradientWeight,
                                        secondCorrection, rate, epsilon)
            }
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
