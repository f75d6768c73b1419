import Storage
import Foundation
import NumericCore
import NeuralNetwork

/// Weights in and out of safetensors files, by parameter name (`encoder.dense1.kernel`,
/// shape [inputs, outputs]; `encoder.dense1.bias`, shape [outputs]): the names and layout
/// Keras uses, so numpy or PyTorch can read them.
extension TrainableModel {
    public var weights: [String: SafeTensors.Tensor] {
        Dictionary(uniqueKeysWithValues: parameters.map {
            ($0.name, SafeTensors.Tensor(shape: $0.shape, values: $0.value.values))
        })
    }

    /// Replaces every parameter's value; every name must be present with its shape.
    /// `prefix` selects a group in a file that holds several (`initial.` in a reference file).
    public func load(_ tensors: [String: SafeTensors.Tensor], prefix: String = "", source: String) throws {
        for parameter in parameters {
            guard let tensor = tensors[prefix + parameter.name] else {
                throw FileError(path: source, problem: "has no tensor \(prefix + parameter.name)")
            }
            guard tensor.shape == parameter.shape else {
                throw FileError(path: source, problem: "\(prefix + parameter.name) has shape \(tensor.shape), the model needs \(parameter.shape)")
            }
            parameter.value.assign(tensor.values)
        }
    }

    /// FNV-1a over every parameter's name and values, in the parameters' order: what a
    /// second model trained on this one records, to be paired with these weights only.
    public var weightsFingerprint: String { parameters.fingerprint }

    public func saveWeights(to url: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(weights, metadata: metadata, to: url)
    }

    public func loadWeights(from url: URL) throws {
        try load(SafeTensors.read(url).tensors, source: url.path)
    }
}

extension Array where Element == Parameter {
    /// FNV-1a over every parameter's name and values, in this order.
    public var fingerprint: String {
        var hash = Fingerprint.standardBasis
        for parameter in self {
            hash = Fingerprint.fnv1a(Swift.Array(parameter.name.utf8), basis: hash)
            hash = parameter.value.buffer.withMemoryRebound(to: UInt8.self) { Fingerprint.fnv1a($0, basis: hash) }
        }
        return Fingerprint.hex(hash)
    }
}
