import Datasets
import Evaluation
import Foundation
import NeuralNetwork
import NumericCore
import Testing
import TestSupport

@Suite struct SpectralSharpnessTests {
    static let shape = ImageShape(height: 28, width: 28, channels: 1)

    /// On Fashion-MNIST's test images: blurred by a Gaussian of σ = 1 pixel they score well
    /// below 1; uniform noise is flagged and cannot rank above real images; the real images
    /// against themselves score 1, and halving their contrast changes nothing.
    @Test(.enabled(if: RealData.available, "Fashion-MNIST is not installed (make deps installs it)"))
    func blurScoresLowAndNoiseIsFlagged() throws {
        let test = try MNISTFormat.load(.test, from: RealData.fashionMNIST)
        let real = test.matrix(0..<1000), shape = Self.shape
        let blurred = SpectralSharpness(samples: blurred(real, shape: shape, weights: gaussianWeights(sigma: 1)), real: real, shape: shape)
        #expect(blurred.ratio < 0.3, "blurred: \(blurred.ratio)")
        #expect(!blurred.flaggedAsNoise && blurred.rankable == blurred.ratio)

        let noise = randomMatrix(1000, shape.size, in: 0...1, seed: 3)
        let noisy = SpectralSharpness(samples: noise, real: real, shape: shape)
        #expect(noisy.flaggedAsNoise && noisy.rankable == 0, "noise: \(noisy.ratio)")
        #expect(noisy.rankable < SpectralSharpness(samples: real, real: real, shape: shape).rankable)

        #expect(abs(SpectralSharpness(samples: real, real: real, shape: shape).ratio - 1) < 1e-12)
        let faint = real.copy()
        for i in 0..<faint.count { faint.base[i] *= 0.5 }
        #expect(abs(SpectralSharpness(samples: faint, real: real, shape: shape).ratio - 1) < 1e-6)
    }

    /// The spectrum by its definition: a checkerboard puts all its power at the highest
    /// frequency, a wide stripe pattern all of it at a low one, and a flat image none.
    @Test func knownSpectra() {
        let shape = ImageShape(height: 8, width: 8, channels: 1)
        let checkerboard = Matrix(rows: 1, columns: 64, values: (0..<64).map { Float(($0 / 8 + $0 % 8) % 2) })
        #expect(abs(SpectralSharpness.meanHighFrequencyShare(checkerboard, shape: shape) - 1) < 1e-9)
        let stripes = Matrix(rows: 1, columns: 64, values: (0..<64).map { Float(($0 % 8) / 4) })
        let share = SpectralSharpness.meanHighFrequencyShare(stripes, shape: shape)
        // A square wave of period 8: its harmonics at 1/8 and 3/8 cycles per pixel; the
        // third holds (1/3)² / (1 + (1/3)²) of the power carried by the first two, less the
        // small part of higher ones; well under a half and above zero.
        #expect(share > 0.05 && share < 0.2, "\(share)")
        let flat = Matrix(rows: 1, columns: 64, values: [Float](repeating: 0.3, count: 64))
        #expect(SpectralSharpness.meanHighFrequencyShare(flat, shape: shape) == 0)
    }
}
