import Foundation
import NeuralNetwork
import NumericCore
import Testing
import TestSupport
@testable import VAE

/// The discretised logistic, the 8-bit measure of every likelihood, and the perceptual term.
@Suite struct PixelLikelihoodTests {
    /// The 256 levels' probabilities sum to one, for broad, narrow and off-range logistics.
    @Test(arguments: [(Float(0.5), Float(1)), (0.3, -3), (0.999, -5.5), (-0.2, -1), (1.4, 2.5)])
    func theLevelsProbabilitiesSumToOne(location: Float, logScale: Float) {
        let total = (0...255).reduce(0.0) { sum, level in
            sum + exp(-Double(DiscretizedLogistic.pixel(Float(level) / 255, location: location, logScale: logScale).0))
        }
        #expect(abs(total - 1) < 1e-4, "\(total)")
    }

    /// Both ways of computing a level's probability (the plain difference of sigmoids, and
    /// logs where that would lose its digits) agree with double precision, loss and slopes.
    @Test func everyLevelAndScaleAgreesWithDoublePrecision() {
        func reference(_ x: Double, _ mu: Double, _ output: Double) -> Double {
            let s = exp(output + Double(DiscretizedLogistic.logScaleOffset)), h = 0.5 / 255
            func sigmoid(_ t: Double) -> Double { 1 / (1 + exp(-t)) }
            if x < h { return -log(sigmoid((x + h - mu) / s)) }
            if x > 1 - h { return -log(sigmoid(-(x - h - mu) / s)) }
            let (a, b) = ((x - h - mu) / s, (x + h - mu) / s)
            return a + b > 0 ? -log(sigmoid(-a) - sigmoid(-b)) : -log(sigmoid(b) - sigmoid(a))
        }
        for level in [0, 1, 37, 128, 254, 255] {
            for mu in [-0.3, 0.2, 0.5, 0.9, 1.3] {
                for output in [-4.5, -3.0, -1.0, 0.0, 1.0, 3.0] {
                    let x = Double(level) / 255
                    let (loss, byLocation, byScale) = DiscretizedLogistic.pixel(Float(x), location: Float(mu), logScale: Float(output))
                    let expected = reference(x, mu, output), step = 1e-6
                    let location = (reference(x, mu + step, output) - reference(x, mu - step, output)) / (2 * step)
                    let scale = (reference(x, mu, output + step) - reference(x, mu, output - step)) / (2 * step)
                    let context = "level \(level), μ \(mu), output \(output)"
                    // Far in a narrow logistic's tail even doubles underflow; the loss must stay finite and large.
                    guard expected < 500 else {
                        #expect(loss.isFinite && loss > 100, "\(context): \(loss)")
                        continue
                    }
                    #expect(abs(Double(loss) - expected) < 1e-4 * max(1, expected), "\(context): \(loss) vs \(expected)")
                    #expect(abs(Double(byLocation) - location) < 1e-3 * max(1, abs(location)), "\(context): \(byLocation) vs \(location)")
                    #expect(abs(Double(byScale) - scale) < 1e-3 * max(1, abs(scale)), "\(context): \(byScale) vs \(scale)")
                }
            }
        }
    }

    /// Narrow logistics far from the pixel, where the probability underflows a naive
    /// difference of sigmoids: the loss stays finite and its gradient matches finite differences.
    @Test func narrowScalesKeepTheirGradients() {
        let loss = ReconstructionLoss(.logistic, imageSize: 4, channels: 2)
        let output = Matrix(rows: 1, columns: 8, values: [0.3, 0.6, -2, -2.5, 0.52, 0.1, -3, -1])
        let target = Matrix(rows: 1, columns: 4, values: [0.5, 0.4, 120 / 255, 0])
        let gradient = Matrix(rows: 1, columns: 8)
        let value = loss.evaluate(output: output, target: target, gradient: gradient)
        #expect(value.isFinite && value > 0)
        let numeric = numericalGradients(of: [output], step: 1e-4) {
            Double(loss.evaluate(output: output, target: target, gradient: nil))
        }
        #expect(relativeError(gradient.values, numeric[0]) < 2e-2, "\(gradient.values) \(numeric[0])")
    }

    /// Outputs interleave per pixel: C locations, then C log-scales; the image is the
    /// locations clamped to [0, 1].
    @Test func imagesAreTheClampedLocations() {
        let output = Matrix(rows: 1, columns: 8, values: [0.2, 1.3, -9, -9, -0.4, 0.7, -9, -9])
        let images = Likelihood.logistic.images(fromOutput: output, channels: 2)
        #expect(images.columns == 4 && images.values == [0.2, 1, 0, 0.7])
    }

    @Test func bitsPerDimensionFollowTheMeasure() {
        // A uniform density on [0, 1] (−log p = 0) is 8 bits less the bin's log₂ 256/255.
        #expect(abs(EightBitMeasure.dequantized.bitsPerDimension(nats: 0, values: 784)! - log2(255)) < 1e-12)
        #expect(abs(EightBitMeasure.discrete.bitsPerDimension(nats: 784 * M_LN2 * 3, values: 784)! - 3) < 1e-12)
        #expect(EightBitMeasure.notADensity.bitsPerDimension(nats: 100, values: 784) == nil)
        #expect(Likelihood.bernoulli.eightBitMeasure == .notADensity && Likelihood.logistic.eightBitMeasure == .discrete)
    }

    /// The term's gradient by the decoder's output, through each likelihood's map to images.
    @Test(arguments: Likelihood.allCases)
    func perceptualGradientMatchesFiniteDifferences(likelihood: Likelihood) {
        let shape = ImageShape(height: 8, width: 8, channels: 1)
        let perceptual = PerceptualLoss(weight: 0.3, shape: shape, likelihood: likelihood)
        let output = randomMatrix(2, shape.size * likelihood.outputsPerValue, in: 0.05...0.95, seed: 8)
        let target = randomMatrix(2, shape.size, in: 0...1, seed: 9)
        let gradient = Matrix(rows: 2, columns: output.columns)
        let value = perceptual.evaluate(output: output, target: target, gradient: gradient)
        #expect(value > 0)
        let numeric = numericalGradients(of: [output]) {
            Double(perceptual.evaluate(output: output, target: target, gradient: nil))
        }
        // A step can cross a ReLU's kink in the network, so a little more than the smooth layers' 1%.
        #expect(relativeError(gradient.values, numeric[0]) < 2e-2)
        // Its own image scores zero.
        if likelihood == .mse { #expect(perceptual.evaluate(output: target, target: target, gradient: nil) == 0) }
    }

    /// The weight adds the term to the loss minimised and leaves the likelihood's own part
    /// alone; a configuration without it writes no key.
    @Test func thePerceptualWeightJoinsTheTotalOnly() throws {
        var configuration = ModelConfiguration(imageHeight: 8, imageWidth: 8, codingSize: 3, hidden: [16])
        #expect(try String(decoding: JSONEncoder().encode(configuration), as: UTF8.self).contains("perceptual") == false)
        var generator = SeededGenerator(seed: 1)
        let plain = try VariationalAutoencoder(configuration, generator: &generator)
        configuration.perceptual = 2
        generator = SeededGenerator(seed: 1)
        let weighted = try VariationalAutoencoder(configuration, generator: &generator)
        let images = randomMatrix(4, 64, in: 0...1, seed: 2), noise = randomMatrix(4, 3, seed: 3)
        let a = plain.loss(images: images, noise: noise), b = weighted.loss(images: images, noise: noise)
        #expect(a.reconstruction == b.reconstruction && a.divergence == b.divergence && b.total > a.total)
        let decoded = try JSONDecoder().decode(ModelConfiguration.self, from: JSONEncoder().encode(configuration))
        #expect(decoded == configuration)
        configuration.perceptual = -1
        #expect(throws: ConfigurationError.self) { try configuration.validate() }
    }
}
