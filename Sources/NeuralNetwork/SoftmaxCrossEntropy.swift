import Foundation
import NumericCore

/// The loss of a classifier: the mean over a batch of −log softmax(logits)[label], and its
/// gradient with respect to the logits.
///
/// It starts from logits rather than probabilities so that nothing overflows or rounds to
/// log 0: log softmax(z)ᵢ = zᵢ − log Σⱼ exp zⱼ, and the sum is taken after subtracting the
/// row's largest logit (log-sum-exp), so every exponential lies in (0, 1].
public enum SoftmaxCrossEntropy {
    /// The mean cross-entropy, in nats, of `logits` (one row per image, one column per
    /// class) against `labels`. When `gradient` is given (same shape as the logits) it
    /// receives d(mean loss) / d(logits) = (softmax(logits) − onehot(label)) / rows, ready
    /// for the output layer's `backward`.
    public static func evaluate(logits: Matrix, labels: [Int], gradient: Matrix?) -> Float {
        let rows = logits.rows, classes = logits.columns
        precondition(labels.count == rows, "\(labels.count) labels for \(rows) rows of logits")
        if let gradient {
            precondition(gradient.columns == classes && gradient.rowCapacity >= rows, "the gradient's shape differs from the logits'")
            gradient.setRows(rows)
        }
        guard rows > 0 else { return 0 }
        let total = labels.withUnsafeBufferPointer { labels in
            sum(logits: logits.base, rows: rows, classes: classes, label: { labels[$0] }, gradient: gradient?.base,
                gradientScale: 1 / Float(rows))
        }
        return Float(total / Double(rows))
    }

    /// The cross-entropy summed over `rows` rows of `classes` logits each, row r's class being
    /// `label(r)`. When `gradient` is given it receives (softmax(logits) − onehot(label)) ×
    /// `gradientScale`, row by row.
    public static func sum(logits: UnsafePointer<Float>, rows: Int, classes: Int, label: (Int) -> Int,
                           gradient: UnsafeMutablePointer<Float>?, gradientScale: Float) -> Double {
        var total = 0.0
        for r in 0..<rows {
            let label = label(r)
            precondition(label >= 0 && label < classes, "label \(label) outside the \(classes) classes")
            let z = logits + r * classes
            let largest = maximum(z, count: classes)
            var sum: Float = 0
            for c in 0..<classes { sum += expf(z[c] - largest) }
            let logSumExp = largest + logf(sum)
            total += Double(logSumExp - z[label])
            if let gradient {
                let g = gradient + r * classes
                for c in 0..<classes { g[c] = expf(z[c] - logSumExp) * gradientScale }
                g[label] -= gradientScale
            }
        }
        return total
    }

    /// The index of each row's largest logit: the predicted class (the first on a tie).
    public static func predictions(_ logits: Matrix) -> [Int] {
        (0..<logits.rows).map { r in
            let z = logits.base + r * logits.columns
            var best = 0
            for c in 1..<max(logits.columns, 1) where z[c] > z[best] { best = c }
            return best
        }
    }

    private static func maximum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var largest = -Float.infinity
        for i in 0..<count { largest = max(largest, values[i]) }
        return largest
    }
}
