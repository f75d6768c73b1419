import Storage
import Foundation
import NeuralNetwork
import NumericCore

/// A classifier in a safetensors file: one tensor per parameter (`conv1.kernel`
/// [3·3·channels, filters], `conv1.bias` [filters], …, `features.kernel`, `logits.kernel`,
/// laid out as Keras lays them out), and the configuration, epochs and recorded accuracy in
/// the metadata, so that the file alone rebuilds the classifier and says how good it is.
extension ImageClassifier {
    public var weights: [String: SafeTensors.Tensor] {
        Dictionary(uniqueKeysWithValues: parameters.map {
            ($0.name, SafeTensors.Tensor(shape: $0.shape, values: $0.value.values))
        })
    }

    /// The metadata written beside the weights; every value is a string, as the format asks.
    public var metadata: [String: String] {
        let shape = configuration.imageShape
        var metadata = [
            "kind": "image-classifier",
            "height": String(shape.height),
            "width": String(shape.width),
            "channels": String(shape.channels),
            "classes": String(configuration.classes),
            "filters": configuration.filters.map(String.init).joined(separator: ","),
            "feature_size": String(configuration.featureSize),
            "epochs": String(epochsTrained),
        ]
        if let recordedAccuracy { metadata["accuracy"] = String(recordedAccuracy) }
        return metadata
    }

    /// Writes the weights and metadata to `url`, atomically.
    public func save(to url: URL) throws {
        try SafeTensors.write(weights, metadata: metadata, to: url)
    }

    /// Rebuilds a classifier from a file `save(to:)` wrote; every tensor's name and shape
    /// is checked against the configuration its metadata describes.
    public static func load(from url: URL) throws -> ImageClassifier {
        let (tensors, metadata) = try SafeTensors.read(url)
        func fail(_ problem: String) -> FileError { FileError(path: url.path, problem: problem) }
        func integer(_ key: String) throws -> Int {
            guard let text = metadata[key], let value = Int(text) else { throw fail("has no whole number \(key) in its metadata") }
            return value
        }
        guard metadata["kind"] == "image-classifier" else { throw fail("does not hold an image classifier") }
        let filtersText = metadata["filters"] ?? ""
        let filters = filtersText.isEmpty ? [] : filtersText.split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
        guard filters.allSatisfy({ $0 != nil }) else { throw fail("has filters \(filtersText) that are not whole numbers") }
        let configuration = ClassifierConfiguration(
            imageShape: ImageShape(height: try integer("height"), width: try integer("width"), channels: try integer("channels")),
            classes: try integer("classes"), filters: filters.map { $0! }, featureSize: try integer("feature_size"))
        if let problem = configuration.problem { throw fail(problem) }
        let epochs = try integer("epochs")
        guard epochs >= 0 else { throw fail("has \(epochs) epochs") }
        var accuracy: Double?
        if let text = metadata["accuracy"] {
            guard let value = Double(text), value >= 0, value <= 1 else { throw fail("has an accuracy \(text) outside 0 to 1") }
            accuracy = value
        }

        // Every shape is checked before the classifier is built, so a file cannot make it
        // allocate more than the file itself holds.
        for (name, shape) in parameterShapes(configuration) {
            guard let tensor = tensors[name] else { throw fail("has no tensor \(name)") }
            guard tensor.shape == shape else { throw fail("\(name) has shape \(tensor.shape), the classifier needs \(shape)") }
        }
        var generator = SeededGenerator(seed: 0)
        let classifier = ImageClassifier(configuration, generator: &generator)
        for parameter in classifier.parameters { parameter.value.assign(tensors[parameter.name]!.values) }
        classifier.epochsTrained = epochs
        classifier.recordedAccuracy = accuracy
        return classifier
    }

    /// The name and shape of every parameter of a classifier so configured, in the order
    /// of `parameters`, worked out without building it.
    static func parameterShapes(_ configuration: ClassifierConfiguration) -> [(String, [Int])] {
        var shapes: [(String, [Int])] = []
        var (height, width, channels) = (configuration.imageShape.height, configuration.imageShape.width,
                                         configuration.imageShape.channels)
        for (index, filters) in configuration.filters.enumerated() {
            shapes.append(("conv\(index + 1).kernel", [9 * channels, filters]))
            shapes.append(("conv\(index + 1).bias", [filters]))
            (height, width, channels) = ((height + 1) / 2, (width + 1) / 2, filters)
        }
        shapes.append(("features.kernel", [height * width * channels, configuration.featureSize]))
        shapes.append(("features.bias", [configuration.featureSize]))
        shapes.append(("logits.kernel", [configuration.featureSize, configuration.classes]))
        shapes.append(("logits.bias", [configuration.classes]))
        return shapes
    }
}
