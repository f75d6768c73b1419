import ArgumentParser
import Datasets
import Evaluation
import Foundation
import NeuralNetwork
import NumericCore

/// `train-classifier`: trains the image classifier whose features and predictions the
/// evaluation measures use, reports the test accuracy and the time of every epoch, writes
/// the weights, and then scores the training images against the test images with every
/// measure: what real images score, the floor for generated ones. Run it on a release build:
///
///     swift run -c release train-classifier --out classifier.safetensors
@main
struct TrainClassifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-classifier",
        abstract: "Train the evaluation classifier on a labelled dataset in MNIST's IDX layout.")

    @Option(help: "A folder in MNIST's IDX layout.") var data = MNISTFormat.fashionMNISTDirectory
    @Option(help: "Most epochs to train.") var epochs = 10
    @Option(help: "Stop once the test accuracy reaches this (1 never stops early).") var target = 1.0
    @Option(help: "Images per step.") var batchSize = 128
    @Option(help: "Classes (labels 0 ..< classes).") var classes = 10
    @Option(help: "Seed of the initial weights and the image order.") var seed: UInt64 = 42
    @Option(help: "Start from these weights instead of random ones.") var weights: String?
    @Option(help: "Where to write the weights (nothing is written without it).") var out: String?
    @Option(help: "Images of each split the reference measures compare (0 skips them).") var referenceCount = 10_000

    func validate() throws {
        guard epochs >= 0, batchSize > 0, classes >= 2, referenceCount >= 0 else {
            throw ValidationError("epochs and the reference count must not be negative, the batch size must be positive, classes at least 2")
        }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: data)
        let training = try MNISTFormat.load(.train, from: folder)
        let test = try MNISTFormat.load(.test, from: folder)
        var generator = SeededGenerator(seed: seed)
        let classifier = try weights.map { try ImageClassifier.load(from: URL(fileURLWithPath: $0)) }
            ?? ImageClassifier(ClassifierConfiguration(for: training, classes: classes), generator: &generator)
        say("\(training.count) training and \(test.count) test images of \(training.height)×\(training.width)×\(training.channels)")
        var accuracy = classifier.recordedAccuracy ?? 0
        for _ in 0..<epochs {
            let record = classifier.train(on: training, epochs: 1, batchSize: batchSize, seed: generator.next())[0]
            accuracy = classifier.accuracy(on: test)
            say(String(format: "epoch %d: %.1f s, loss %.4f, training accuracy %.4f, test accuracy %.4f",
                         record.epoch, record.seconds, record.loss, record.accuracy, accuracy))
            if accuracy >= target { break }
        }
        if epochs > 0 { classifier.recordedAccuracy = accuracy }
        if let out {
            try classifier.save(to: URL(fileURLWithPath: out))
            say("wrote \(out)")
        }
        if referenceCount > 0 { reportReferenceMeasures(classifier, training: training, test: test) }
    }

    /// The measures with the training images in the place of generated ones, timed.
    func reportReferenceMeasures(_ classifier: ImageClassifier, training: ImageDataset, test: ImageDataset) {
        let count = min(referenceCount, training.count, test.count)
        let shape = ImageShape(height: test.height, width: test.width, channels: test.channels)
        let real = test.matrix(0..<count), other = training.matrix(0..<count)
        say("\(count) training images scored against \(count) test images:")
        func timed<T>(_ name: String, _ body: () -> T) -> T {
            let start = Date()
            let result = body()
            say(String(format: "  %@ (%.2f s)", name, Date().timeIntervalSince(start)))
            return result
        }
        let realFeatures = timed("features of the test images") { classifier.features(of: real) }
        let otherFeatures = classifier.features(of: other)
        let distance = timed("Fréchet distance") { FrechetDistance.squared(between: realFeatures, and: otherFeatures) }
        say(String(format: "    %.4f", distance))
        let precisionRecall = timed("precision and recall, k = 3") { PrecisionRecall(real: realFeatures, generated: otherFeatures) }
        say(String(format: "    precision %.4f, recall %.4f", precisionRecall.precision, precisionRecall.recall))
        let coverage = ClassCoverage(classifier: classifier, images: other)
        say(String(format: "  class entropy %.4f nats (%.4f of log %d), %d classes seen",
                     coverage.entropy, coverage.normalizedEntropy, coverage.classes, coverage.classesSeen))
        say(String(format: "  sharpness ratio %.4f", Sharpness.ratio(samples: other, real: real, shape: shape)))
    }
}

/// Writes a line at once, unbuffered, so a long run shows each epoch as it ends.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
