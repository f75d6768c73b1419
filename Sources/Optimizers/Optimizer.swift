import Storage
import NumericCore
import NeuralNetwork

/// Updates parameters from their gradients, one step per batch.
///
/// An optimizer is made for a fixed list of parameters and keeps its per-parameter state
/// (moments) in the same order. `state` and `restore(_:)` expose that state as named
/// tensors so a checkpoint can store and resume it exactly.
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    var learningRate: Float { get set }
    /// Steps taken so far.
    var iterations: Int { get }
    /// One step on a batch's gradient, read from its shards (one shard per part of the
    /// batch). Every optimizer has this one path, whatever the number of shards.
    func step(_ gradient: ShardedGradient)
    var state: [String: SafeTensors.Tensor] { get }
    func restore(_ state: [String: SafeTensors.Tensor]) throws
}

extension Optimizer {
    /// One step on the parameters' own gradients: the one-shard case of `step(_:)`.
    public func step() { step(.single(parameters)) }
}

/// The optimizers `vae train --optimizer` offers.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case nadam, adam, sgd

    public func make(for parameters: [Parameter], learningRate: Float) -> any Optimizer {
        switch self {
        case .nadam: Nadam(parameters, learningRate: learningRate)
        case .adam: Adam(parameters, learningRate: learningRate)
        case .sgd: StochasticGradientDescent(parameters, learningRate: learningRate)
        }
    }
}

public struct OptimizerStateError: Error, CustomStringConvertible {
    public let description: String
}

/// First and second moment estimates, one pair of buffers per parameter, shared by the
/// Adam family so their state is stored and restored the same way.
final class Moments {
    let first: [Matrix]
    let second: [Matrix]

    init(_ parameters: [Parameter]) {
        first = parameters.map { Matrix(rows: $0.value.rows, columns: $0.value.columns) }
        second = parameters.map { Matrix(rows: $0.value.rows, columns: $0.value.columns) }
    }

    func state(_ parameters: [Parameter], scalars: [String: Float]) -> [String: SafeTensors.Tensor] {
        var state: [String: SafeTensors.Tensor] = [:]
        for (index, parameter) in parameters.enumerated() {
            state["m." + parameter.name] = SafeTensors.Tensor(shape: parameter.shape, values: first[index].values)
            state["v." + parameter.name] = SafeTensors.Tensor(shape: parameter.shape, values: second[index].values)
        }
        for (name, value) in scalars { state[name] = SafeTensors.Tensor(shape: [], values: [value]) }
        return state
    }

    func restore(_ state: [String: SafeTensors.Tensor], _ parameters: [Parameter]) throws {
        for (index, parameter) in parameters.enumerated() {
            for (prefix, buffer) in [("m.", first[index]), ("v.", second[index])] {
                guard let tensor = state[prefix + parameter.name], tensor.values.count == buffer.count else {
                    throw OptimizerStateError(description: "optimizer state has no \(prefix + parameter.name) of \(buffer.count) values")
                }
                buffer.assign(tensor.values)
            }
        }
    }
}

func scalar(_ name: String, in state: [String: SafeTensors.Tensor]) throws -> Float {
    guard let tensor = state[name], tensor.values.count == 1, tensor.values[0].isFinite else {
        throw OptimizerStateError(description: "optimizer state has no finite scalar \(name)")
    }
    return tensor.values[0]
}

/// A step count stored as a float: a whole number from 0 to 2²⁴, where floats are exact.
func stepCount(in state: [String: SafeTensors.Tensor]) throws -> Int {
    let value = try scalar("iterations", in: state)
    guard value >= 0, value <= 16_777_216, let count = Int(exactly: value) else {
        throw OptimizerStateError(description: "optimizer state has an invalid step count \(value)")
    }
    return count
}
