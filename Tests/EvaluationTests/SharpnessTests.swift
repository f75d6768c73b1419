import Evaluation
import Foundation
import NeuralNetwork
import NumericCore
import Testing
import TestSupport

@Suite struct SharpnessTests {
    /// Each pixel replaced by the mean of the 3 × 3 square around it (clipped at the edges).
    static func boxBlur(_ images: Matrix, shape: ImageShape) -> Matrix {
        let result = Matrix(rows: images.rows, columns: images.columns)
        let (h, w, c) = (shape.height, shape.width, shape.channels)
        for image in 0..<images.rows {
            for y in 0..<h {
                for x in 0..<w {
                    for channel in 0..<c {
                        var sum: Float = 0, count: Float = 0
                        for ny in max(y - 1, 0)...min(y + 1, h - 1) {
                            for nx in max(x - 1, 0)...min(x + 1, w - 1) {
                                sum += images[image, (ny * w + nx) * c + channel]
                                count += 1
                            }
                        }
                        result[image, (y * w + x) * c + channel] = sum / count
                    }
                }
            }
        }
        return result
    }

    @Test func blurLowersSharpness() {
        let shape = ImageShape(height: 12, width: 10, channels: 3)
        let images = randomMatrix(4, shape.size, in: 0...1, seed: 1)
        let blurred = Self.boxBlur(images, shape: shape)
        let original = Sharpness.meanGradientMagnitude(images, shape: shape)
        let soft = Sharpness.meanGradientMagnitude(blurred, shape: shape)
        #expect(soft < 0.6 * original, "\(soft) against \(original)")
        #expect(abs(Sharpness.ratio(samples: images, real: images, shape: shape) - 1) < 1e-12)
        #expect(Sharpness.ratio(samples: blurred, real: images, shape: shape) < 0.6)
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
