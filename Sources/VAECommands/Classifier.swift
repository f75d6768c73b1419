import ArgumentParser
import Datasets
import Evaluation
import Foundation
import NumericCore
import VAE

/// `vae classifier`: trains, once per dataset, the classifier in whose feature space
/// `vae evaluate` compares generated images with real ones.
struct Classifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the image classifier that `vae evaluate` judges samples with.",
        discussion: """
        A small CNN (two stride-2 convolutions, 128 features, one logit per class) trained with \
        Adam on a labelled IDX dataset, Fashion-MNIST by default. It is kept where `vae evaluate` \
        looks for it: \(ClassifierLocation.directory.path)/<dataset>-<hash>.safetensors.
        """)

    @Option(help: "A labelled dataset in MNIST's IDX layout.") var data = MNISTFormat.fashionMNISTDirectory
    @Option(help: "Passes over the training images.") var epochs = 10
    @Option(help: "Train on the first N training images only, for quick tries.") var limit: Int?
    @Option(help: "The seed of the initial weights and the image order.") var seed: UInt64 = 42
    @Option(help: "Where to write the weights (default: where `vae evaluate` looks for this dataset's).") var out: String?

    func validate() throws {
        guard epochs > 0, epochs <= 1000 else { throw ValidationError("--epochs must be from 1 to 1000") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: data)
        let training = try MNISTFormat.load(.train, from: folder).prefix(limit)
        let test = try MNISTFormat.load(.test, from: folder)
        guard training.hasLabels, test.hasLabels else {
            throw ConfigurationError("\(data) has no label files; the classifier learns from labels")
        }
        let classes = ((0..<training.count).compactMap { training.label($0) }.max() ?? 0) + 1
        guard classes >= 2 else { throw ConfigurationError("\(data) has a single class; a classifier needs two or more") }
        var generator = SeededGenerator(seed: seed)
        let classifier = ImageClassifier(ClassifierConfiguration(for: training, classes: classes), generator: &generator)
        Console.line("Training the classifier on \(training.count) images of \(classes) classes for \(epochs) epochs")
        var accuracy = 0.0
        for _ in 0..<epochs {
            let record = classifier.train(on: training, epochs: 1, seed: generator.next())[0]
            accuracy = classifier.accuracy(on: test)
            Console.line(String(format: "Epoch %d/%d - %.1fs - loss: %.4f - accuracy: %.4f - test accuracy: %.4f",
                                record.epoch, epochs, record.seconds, record.loss, record.accuracy, accuracy))
        }
        classifier.recordedAccuracy = accuracy
        let url = out.map { URL(fileURLWithPath: $0) } ?? ClassifierLocation.url(for: data)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try classifier.save(to: url)
        Console.line(String(format: "Test accuracy %.4f. Wrote %@", accuracy, url.path))
    }
}

/// Where a dataset's classifier is kept: `$XDG_CACHE_HOME/vae/classifiers` (or
/// `~/.cache/vae/classifiers`), one file per dataset folder, named after the folder.
enum ClassifierLocation {
    static var directory: URL {
        ImageCache.standard.directory.deletingLastPathComponent().appendingPathComponent("classifiers")
    }

    static func url(for data: String) -> URL {
        let resolved = URL(fileURLWithPath: data).resolvingSymlinksInPath()
        let hash = Fingerprint.hex(Fingerprint.fnv1a(Array(resolved.path.utf8))).prefix(8)
        return directory.appendingPathComponent("\(resolved.lastPathComponent)-\(hash).safetensors")
    }
}
