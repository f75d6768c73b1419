import NeuralNetwork
import Foundation
import NumericCore
import Testing
import TestSupport

@Suite struct SoftmaxCrossEntropyTests {
    @Test func gradientMatchesFiniteDifferences() {
        let logits = randomMatrix(6, 5, in: -3...3, seed: 1)
        let labels = [0, 4, 2, 2, 1, 3]
        let gradient = Matrix(rows: 6, columns: 5)
        _ = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, gradient: gradient)
        let numeric = numericalGradients(of: [logits], step: 1e-2) {
            Double(SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, gradient: nil))
        }
        #expect(relativeError(gradient.values, numeric[0]) < 1e-3)
        // Each row's gradient sums to zero: softmax sums to one, the one-hot too.
        for r in 0..<6 {
            #expect(abs((0..<5).reduce(Float(0)) { $0 + gradient[r, $1] }) < 1e-6)
        }
    }

    @Test func knownValues() {
        // Equal logits: −log(1/4) whatever the label.
        let even = Matrix(rows: 1, columns: 4, values: [2, 2, 2, 2])
        #expect(abs(SoftmaxCrossEntropy.evaluate(logits: even, labels: [3], gradient: nil) - logf(4)) < 1e-6)
        // log(1 + e) − 1 for logits [1, 0] and label 0, and log(1 + e) for label 1; the mean.
        let pair = Matrix(rows: 2, columns: 2, values: [1, 0, 1, 0])
        let expected = (log1pf(expf(1)) - 1 + log1pf(expf(1))) / 2
        #expect(abs(SoftmaxCrossEntropy.evaluate(logits: pair, labels: [0, 1], gradient: nil) - expected) < 1e-6)
    }

    @Test func hugeLogitsStayFinite() {
        let logits = Matrix(rows: 2, columns: 3, values: [1000, -1000, 0, -500, 800, 800])
        let gradient = Matrix(rows: 2, columns: 3)
        let loss = SoftmaxCrossEntropy.evaluate(logits: logits, labels: [1, 2], gradient: gradient)
        // Row 0: 2000 nats; row 1: log 2.
        #expect(abs(loss - (2000 + logf(2)) / 2) < 1e-2)
        #expect(gradient.values.allSatisfy { $0.isFinite })
        #expect(SoftmaxCrossEntropy.predictions(logits) == [0, 1])
    }
}
