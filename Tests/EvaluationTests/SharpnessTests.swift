import Evaluation
import Foundation
import NeuralNetwork
import NumericCore
import Testing
import TestSupport

@Suite struct SharpnessTests {
    @Test func blurLowersSharpness() {
        let shape = ImageShape(height: 12, width: 10, channels: 3)
        let images = randomMatrix(4, shape.size, in: 0...1, seed: 1)
        let box = blurred(images, shape: shape, weights: [1, 1, 1])
        let original = Sharpness.meanGradientMagnitude(images, shape: shape)
        let soft = Sharpness.meanGradientMagnitude(box, shape: shape)
        #expect(soft < 0.6 * original, "\(soft) against \(original)")
        #expect(abs(Sharpness.ratio(samples: images, real: images, shape: shape) - 1) < 1e-12)
        #expect(Sharpness.ratio(samples: box, real: images, shape: shape) < 0.6)
    }

    @Test func aConstantImageHasNone() {
        let shape = ImageShape(height: 5, width: 7, channels: 1)
        let images = Matrix(rows: 2, columns: shape.size)
        images.fill(with: 0.4)
        #expect(Sharpness.meanGradientMagnitude(images, shape: shape) == 0)
    }

    @Test func aHardEdgeHasItsKnownValue() {
        // 4 × 4, left half black and right half white: of the 3 × 3 pixels with both
        // neighbours, the three in column 1 see a step of 1 to their right.
        let shape = ImageShape(height: 4, width: 4, channels: 1)
        let image = Matrix(rows: 1, columns: 16, values: (0..<16).map { $0 % 4 >= 2 ? 1 : 0 })
        #expect(abs(Sharpness.meanGradientMagnitude(image, shape: shape) - 1.0 / 3) < 1e-12)
    }
}
