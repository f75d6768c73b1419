import Datasets
import Foundation
import NeuralNetwork
import NumericCore
import Optimizers

/// The shape of an `ImageClassifier`: everything needed to rebuild it before loading weights.
public struct ClassifierConfiguration: Codable, Equatable, Sendable {
    /// The images it reads (height × width × channels, values in [0, 1]).
    public var imageShape: ImageShape
    /// How many classes it tells apart; labels are 0 ..< classes.
    public var classes: Int
    /// Filters of each stride-2 3 × 3 convolution, in order.
    public var filters: [Int]
    /// Width of the dense layer before the logits, whose activations are the features.
    public var featureSize: Int

    public init(imageShape: ImageShape, classes: Int, filters: [Int] = [32, 64], featureSize: Int = 128) {
        self.imageShape = imageShape
        self.classes = classes
        self.filters = filters
        self.featureSize = featureSize
    }

    /// The default classifier for a labelled dataset's images.
    public init(for dataset: ImageDataset, classes: Int) {
        self.init(imageShape: ImageShape(height: dataset.height, width: dataset.width, channels: dataset.channels),
                  classes: classes)
    }

    /// What makes this configuration unusable, if anything.
    public var problem: String? {
        if imageShape.height <= 0 || imageShape.width <= 0 || imageShape.channels <= 0 { return "image shape \(imageShape) is empty" }
        if imageShape.size > 1 << 24 { return "images of \(imageShape.size) values are too large" }
        if classes < 2 || classes > 1 << 16 { return "\(classes) classes; a classifier needs 2 to 65536" }
        if filters.count > 8 || filters.contains(where: { $0 <= 0 || $0 > 4096 }) { return "filters \(filters) are not 0 to 8 counts of 1 to 4096" }
        if featureSize <= 0 || featureSize > 1 << 16 { return "feature size \(featureSize) is not 1 to 65536" }
        return nil
    }
}

/// A small convolutional network that sorts images into classes, used to judge generated
/// images by what a model trained on real ones makes of them.
///
/// Stride-2 convolutions (3 × 3, ReLU) halve the image once per entry of `filters`; a dense
/// ReLU layer of `featureSize` units follows, and a dense layer gives one logit per class.
/// The dense layer's activations are the *features*: a summary of an image in which
/// distances mean something to the classifier, which is what the Fréchet distance and
/// precision and recall compare (as FID does with Inception's pool features).
public final class ImageClassifier {
    public let configuration: ClassifierConfiguration
    public let convolutions: [Convolution2D]
    /// The penultimate layer: its output is `features(of:)`.
    public let featureLayer: Dense
    /// The layer giving one logit per class.
    public let outputLayer: Dense
    /// Epochs of training these weights have had, kept in the weights file.
    public internal(set) var epochsTrained = 0
    /// An accuracy measured on held-out images, written with the weights so that a report
    /// can quote it; nil until someone measures it and records it here.
    public var recordedAccuracy: Double?

    /// Adam with learning rate 10⁻³, made on first use; a second `train` call continues
    /// with the same moments.
    lazy var optimizer = Adam(parameters, learningRate: 1e-3)
    /// Rows evaluated at once outside training: large enough for BLAS to run well, small
    /// enough that the convolutions' patch buffers stay at a few tens of megabytes.
    static let evaluationBatchSize = 256
    /// Holds the rows of one evaluation batch; made on first use.
    private var chunk: BatchBuffer

    public init<G: RandomNumberGenerator>(_ configuration: ClassifierConfiguration, generator: inout G) {
        if let problem = configuration.problem { preconditionFailure(problem) }
        self.configuration = configuration
        var shape = configuration.imageShape
        var convolutions: [Convolution2D] = []
        for (index, filters) in configuration.filters.enumerated() {
            let layer = Convolution2D(input: shape, filters: filters, kernelSize: 3, stride: 2, activation: .relu,
                                      name: "conv\(index + 1)", generator: &generator)
            convolutions.append(layer)
            shape = layer.outputShape
        }
        self.convolutions = convolutions
        featureLayer = Dense(shape.size, configuration.featureSize, activation: .relu, name: "features", generator: &generator)
        outputLayer = Dense(configuration.featureSize, configuration.classes, name: "logits", generator: &generator)
        chunk = BatchBuffer(columns: configuration.imageShape.size)
    }

    /// Every trainable parameter, from the first convolution to the logits.
    public var parameters: [Parameter] {
        convolutions.flatMap(\.parameters) + featureLayer.parameters + outputLayer.parameters
    }

    // MARK: One batch through the layers

    /// The features of a batch, in the feature layer's own buffer (valid until its next call).
    func forwardFeatures(_ batch: Matrix) -> Matrix {
        precondition(batch.columns == configuration.imageShape.size,
                     "images of \(batch.columns) values for a classifier of \(configuration.imageShape) images")
        var x = batch
        for layer in convolutions { x = layer.forward(x) }
        return featureLayer.forward(x)
    }

    /// The logits of a batch, in the output layer's own buffer.
    func forwardLogits(_ batch: Matrix) -> Matrix { outputLayer.forward(forwardFeatures(batch)) }

    /// Backpropagates d(loss) / d(logits) through every layer, setting the parameters'
    /// gradients; the images' own gradient is never needed.
    func backward(_ logitGradient: Matrix) {
        var gradient = outputLayer.backward(logitGradient, needsInputGradient: true)!
        let needsImageGradient = !convolutions.isEmpty
        guard let next = featureLayer.backward(gradient, needsInputGradient: needsImageGradient) else { return }
        gradient = next
        for (index, layer) in convolutions.enumerated().reversed() {
            guard let next = layer.backward(gradient, needsInputGradient: index > 0) else { return }
            gradient = next
        }
    }

    // MARK: Any number of images

    /// The feature-layer activations of `images` (one image per row, values in [0, 1]):
    /// a new matrix of `images.rows × featureSize`.
    public func features(of images: Matrix) -> Matrix {
        mapChunks(of: images, columns: configuration.featureSize) { forwardFeatures($0) }
    }

    /// The logits of `images`: a new matrix of `images.rows × classes`.
    public func logits(of images: Matrix) -> Matrix {
        mapChunks(of: images, columns: configuration.classes) { forwardLogits($0) }
    }

    /// The most likely class of each image.
    public func predict(_ images: Matrix) -> [Int] {
        SoftmaxCrossEntropy.predictions(logits(of: images))
    }

    /// The features of every image of a dataset.
    public func features(of dataset: ImageDataset) -> Matrix {
        mapChunks(of: dataset, columns: configuration.featureSize) { forwardFeatures($0) }
    }

    /// The most likely class of every image of a dataset.
    public func predictions(on dataset: ImageDataset) -> [Int] {
        SoftmaxCrossEntropy.predictions(mapChunks(of: dataset, columns: configuration.classes) { forwardLogits($0) })
    }

    /// The fraction of a labelled dataset's images whose predicted class is their label.
    public func accuracy(on dataset: ImageDataset) -> Double {
        precondition(dataset.hasLabels, "accuracy needs labels")
        guard dataset.count > 0 else { return 0 }
        let predicted = predictions(on: dataset)
        let correct = predicted.indices.reduce(0) { $0 + (predicted[$1] == dataset.label($1)! ? 1 : 0) }
        return Double(correct) / Double(dataset.count)
    }

    /// Runs `body` on batches of at most `evaluationBatchSize` rows of `images` and
    /// gathers its outputs, so that no layer ever holds buffers for the whole set.
    private func mapChunks(of images: Matrix, columns: Int, _ body: (Matrix) -> Matrix) -> Matrix {
        let result = Matrix(rows: images.rows, columns: columns)
        var start = 0
        while start < images.rows {
            let rows = min(Self.evaluationBatchSize, images.rows - start)
            let chunk = self.chunk.withRows(rows)
            chunk.base.update(from: images.base + start * images.columns, count: rows * images.columns)
            let output = body(chunk)
            (result.base + start * columns).update(from: output.base, count: rows * columns)
            start += rows
        }
        return result
    }

    private func mapChunks(of dataset: ImageDataset, columns: Int, _ body: (Matrix) -> Matrix) -> Matrix {
        let result = Matrix(rows: dataset.count, columns: columns)
        var start = 0
        while start < dataset.count {
            let range = start..<min(start + Self.evaluationBatchSize, dataset.count)
            let chunk = self.chunk.withRows(range.count)
            dataset.fill(chunk, with: range)
            let output = body(chunk)
            (result.base + start * columns).update(from: output.base, count: range.count * columns)
            start = range.upperBound
        }
        return result
    }
}
