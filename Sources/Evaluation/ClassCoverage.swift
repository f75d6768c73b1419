import Foundation
import NumericCore

/// How evenly a set of images spreads over the classes, as a classifier sees them.
///
/// A generator that has collapsed onto a few kinds of image (all trousers and bags) can
/// still score well on sharpness or precision; the histogram of predicted classes shows
/// it, and its entropy puts it in one number: log(classes) when every class is equally
/// common, 0 when all images fall in one class.
public struct ClassCoverage: Equatable, Sendable {
    /// Images predicted as each class.
    public let counts: [Int]

    /// The histogram of `predictions`, each in 0 ..< `classes`.
    public init(predictions: [Int], classes: Int) {
        precondition(classes > 0, "coverage needs at least one class")
        var counts = [Int](repeating: 0, count: classes)
        for prediction in predictions {
            precondition(prediction >= 0 && prediction < classes, "class \(prediction) outside 0..<\(classes)")
            counts[prediction] += 1
        }
        self.counts = counts
    }

    /// The histogram of the classes `classifier` predicts for `images`.
    public init(classifier: ImageClassifier, images: Matrix) {
        self.init(predictions: classifier.predict(images), classes: classifier.configuration.classes)
    }

    public var classes: Int { counts.count }
    public var total: Int { counts.reduce(0, +) }

    /// Each class's share of the images (all 0 for no images).
    public var fractions: [Double] {
        let total = Double(max(self.total, 1))
        return counts.map { Double($0) / total }
    }

    /// Classes predicted at least once.
    public var classesSeen: Int { counts.count { $0 > 0 } }

    /// The entropy of the histogram, −Σ p log p, in nats.
    public var entropy: Double {
        fractions.reduce(0) { $0 - ($1 > 0 ? $1 * log($1) : 0) }
    }

    /// The entropy divided by its largest possible value, log(classes): 1 for a uniform
    /// spread, 0 for a single class.
    public var normalizedEntropy: Double {
        classes > 1 ? entropy / log(Double(classes)) : 0
    }
}
