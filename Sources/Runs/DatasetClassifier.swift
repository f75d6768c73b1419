import Datasets
import Evaluation
import Foundation
import NumericCore
import VAE

/// The classifier in whose feature space generated images are compared with real ones,
/// trained once per labelled dataset and kept where evaluations look for it.
public enum DatasetClassifier {
    /// Trains it on the labelled IDX dataset in `data` (its first `limit` training images),
    /// keeps it at `url` (nil: `ClassifierLocation.url(for: data)`), and returns where and
    /// its test accuracy.
    @discardableResult
    public static func train(data: String, epochs: Int = 10, limit: Int? = nil, seed: UInt64 = 42, to url: URL? = nil,
                             observer: RunObserver? = nil) throws -> (url: URL, accuracy: Double) {
        guard (1...1000).contains(epochs) else { throw ConfigurationError(.epochs, epochs, "must be from 1 to 1000") }
        if let limit, limit < 1 { throw ConfigurationError(.limit, limit, "must be at least 1") }
        let folder = URL(fileURLWithPath: data)
        let training = try MNISTFormat.load(.train, from: folder).prefix(limit)
        let test = try MNISTFormat.load(.test, from: folder)
        guard training.hasLabels, test.hasLabels else {
            throw ConfigurationError(.data, data, "has no label files, and the classifier learns from labels")
        }
        return try train(training: training, test: test, named: data, epochs: epochs, seed: seed,
                         to: url ?? ClassifierLocation.url(for: data), observer: observer)
    }

    /// Trains it on any labelled images (a folder of pictures whose sub-folders name their
    /// classes, say), measures it on `test`, and keeps it at `url`; `name` says in messages
    /// which data they are.
    @discardableResult
    public static func train(training: ImageDataset, test: ImageDataset, named name: String, epochs: Int = 10, seed: UInt64 = 42,
                             to url: URL, observer: RunObserver? = nil) throws -> (url: URL, accuracy: Double) {
        guard (1...1000).contains(epochs) else { throw ConfigurationError(.epochs, epochs, "must be from 1 to 1000") }
        guard training.hasLabels, test.hasLabels else {
            throw ConfigurationError(.data, name, "has no labels, and the classifier learns from labels")
        }
        let classes = ((0..<training.count).compactMap { training.label($0) }.max() ?? 0) + 1
        guard classes >= 2 else { throw ConfigurationError(.data, name, "has a single class; a classifier needs two or more") }
        var generator = SeededGenerator(seed: seed)
        let classifier = ImageClassifier(ClassifierConfiguration(for: training, classes: classes), generator: &generator)
        observer?.note("Training the classifier on \(training.count) images of \(classes) classes for \(epochs) epochs")
        var accuracy = 0.0
        for _ in 0..<epochs {
            let record = classifier.train(on: training, epochs: 1, seed: generator.next())[0]
            accuracy = classifier.accuracy(on: test)
            observer?.note(String(format: "Epoch %d/%d - %.1fs - loss: %.4f - accuracy: %.4f - test accuracy: %.4f",
                                  record.epoch, epochs, record.seconds, record.loss, record.accuracy, accuracy))
        }
        classifier.recordedAccuracy = accuracy
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try classifier.save(to: url)
        return (url, accuracy)
    }
}
