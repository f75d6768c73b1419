import NumericCore
import NeuralNetwork

/// A batch's gradient computed in two halves, one per core.
///
/// The parameters' own gradients hold the first half's, `second` the other half's (in the
/// same order), each a mean over its own images; the batch's gradient is
/// `shares.first · first + shares.second · second`. An optimizer can read both halves in its
/// own pass over the weights, rather than have them combined by a pass of their own.
public struct GradientHalves {
    public let second: [Matrix]
    public let shares: (first: Float, second: Float)

    public init(second: [Matrix], shares: (first: Float, second: Float)) {
        self.second = second
        self.shares = shares
    }

    /// Stops with a message unless `second` holds one gradient of the right size for each
    /// of `parameters`.
    func check(against parameters: [Parameter]) {
        precondition(parameters.count == second.count, "\(second.count) gradients for \(parameters.count) parameters")
        for (parameter, other) in zip(parameters, second) {
            precondition(other.count == parameter.value.count,
                         "a gradient of \(other.count) values for \(parameter.name) of \(parameter.value.count)")
        }
    }

    /// Writes the batch's gradient into `parameters`' own gradients.
    public func combine(into parameters: [Parameter]) {
        check(against: parameters)
        let shares = shares
        Parallel.forEachPart { part, parts in
            for (parameter, other) in zip(parameters, second) {
                let slice = Parallel.slice(parameter.gradient.count, part: part, of: parts)
                let own = parameter.gradient.base, others = other.base
                for i in slice { own[i] = shares.first * own[i] + shares.second * others[i] }
            }
        }
    }
}
