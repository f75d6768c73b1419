import Datasets
import Foundation
import NeuralNetwork
import NumericCore

/// One epoch of a classifier's training.
public struct ClassifierEpoch: Codable, Equatable, Sendable {
    /// Counted over every call to `train`: the weights' total epochs.
    public var epoch: Int
    /// The mean cross-entropy of the epoch's batches, in nats.
    public var loss: Float
    /// The fraction of training images the epoch's batches classified correctly, each
    /// judged by the weights of its own step (so a little behind the weights at the end).
    public var accuracy: Double
    public var seconds: Double
}

extension ImageClassifier {
    /// Trains on a labelled dataset with Adam (learning rate 10⁻³) and the mean
    /// cross-entropy, in shuffled mini-batches (the last one smaller); `seed` fixes the
    /// order of every epoch. `progress` hears of each epoch as it ends.
    ///
    /// The batch, its labels and the logits' gradient are made once here; every layer
    /// reuses its own buffers, so the steps allocate nothing.
    @discardableResult
    public func train(on dataset: ImageDataset, epochs: Int, batchSize: Int = 128, seed: UInt64,
                      progress: ((ClassifierEpoch) -> Void)? = nil) -> [ClassifierEpoch] {
        precondition(dataset.hasLabels, "training a classifier needs labels")
        precondition(epochs >= 0 && batchSize > 0, "epochs must not be negative and the batch size must be positive")
        precondition(dataset.imageSize == configuration.imageShape.size,
                     "images of \(dataset.height)×\(dataset.width)×\(dataset.channels) for a classifier of \(configuration.imageShape)")
        let allLabels = (0..<dataset.count).map { dataset.label($0)! }
        if let outside = allLabels.first(where: { $0 >= configuration.classes }) {
            preconditionFailure("label \(outside) outside the classifier's \(configuration.classes) classes")
        }
        return FloatingPointEnvironment.withSubnormalsFlushedToZero {
            trainFlushingSubnormals(on: dataset, labels: allLabels, epochs: epochs, batchSize: batchSize, seed: seed,
                                    progress: progress)
        }
    }

    /// `train`'s epochs, in the floating-point mode that it sets and then restores.
    private func trainFlushingSubnormals(on dataset: ImageDataset, labels allLabels: [Int], epochs: Int, batchSize: Int,
                                         seed: UInt64, progress: ((ClassifierEpoch) -> Void)?) -> [ClassifierEpoch] {
        var generator = SeededGenerator(seed: seed)
        var order = Array(0..<dataset.count)
        let batch = Matrix(rows: 0, columns: dataset.imageSize, rowCapacity: batchSize)
        let logitGradient = Matrix(rows: 0, columns: configuration.classes, rowCapacity: batchSize)
        var labels: [Int] = []
        labels.reserveCapacity(batchSize)
        var records: [ClassifierEpoch] = []
        for _ in 0..<epochs {
            let start = Date()
            shuffle(&order, using: &generator)
            var lossTotal = 0.0, correct = 0
            var first = 0
            while first < dataset.count {
                let range = first..<min(first + batchSize, dataset.count)
                dataset.fill(batch, with: order[range])
                labels.removeAll(keepingCapacity: true)
                for index in order[range] { labels.append(allLabels[index]) }
                let logits = forwardLogits(batch)
                correct += countCorrect(logits, labels)
                let loss = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, gradient: logitGradient)
                backward(logitGradient)
                optimizer.step()
                lossTotal += Double(loss) * Double(range.count)
                first = range.upperBound
            }
            epochsTrained += 1
            let count = Double(max(dataset.count, 1))
            let record = ClassifierEpoch(epoch: epochsTrained, loss: Float(lossTotal / count),
                                         accuracy: Double(correct) / count, seconds: Date().timeIntervalSince(start))
            records.append(record)
            progress?(record)
        }
        return records
    }

    /// How many rows' largest logit is at their label, without building a predictions array.
    private func countCorrect(_ logits: Matrix, _ labels: [Int]) -> Int {
        var correct = 0
        for r in 0..<logits.rows {
            let z = logits.base + r * logits.columns
            var best = 0
            for c in 1..<logits.columns where z[c] > z[best] { best = c }
            if best == labels[r] { correct += 1 }
        }
        return correct
    }

    /// Fisher–Yates from the natural order, written out so that the order depends only on
    /// the generator, not on the standard library's version (as the VAE's trainer does).
    private func shuffle(_ order: inout [Int], using generator: inout SeededGenerator) {
        for i in order.indices { order[i] = i }
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
    }
}
