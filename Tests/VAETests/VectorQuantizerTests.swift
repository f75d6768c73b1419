import Foundation
import NeuralNetwork
import NumericCore
import Testing
import TestSupport
@testable import VAE

/// The VQ-VAE's bottleneck and its PixelCNN prior.
@Suite struct VectorQuantizerTests {
    func quantizer(seed: UInt64 = 21) -> (VectorQuantizer, Matrix) {
        var generator = SeededGenerator(seed: seed)
        let quantizer = VectorQuantizer(codebookSize: 5, codeDimension: 3, positions: 4, generator: &generator)
        quantizer.codebook.value.fillUniform(from: -1, to: 1, using: &generator)
        return (quantizer, randomMatrix(2, 12, seed: seed + 1))
    }

    /// Σ‖z − e_code‖² over the positions, averaged over images, with the codes held fixed.
    func squaredError(_ z: Matrix, _ codebook: Matrix, codes: [Int32]) -> Double {
        var total = 0.0
        for v in 0..<(z.count / codebook.columns) {
            for j in 0..<codebook.columns {
                let difference = Double(z.base[v * codebook.columns + j] - codebook[Int(codes[v]), j])
                total += difference * difference
            }
        }
        return total / Double(z.rows)
    }

    @Test func everyPositionTakesItsNearestVector() {
        let (quantizer, z) = quantizer()
        let quantized = quantizer(z)
        for v in 0..<8 {
            let distances = (0..<5).map { k in (0..<3).reduce(Float(0)) { $0 + pow(z.base[v * 3 + $1] - quantizer.codebook.value[k, $1], 2) } }
            #expect(Int(quantizer.codes[v]) == distances.indices.min { distances[$0] < distances[$1] })
            for j in 0..<3 { #expect(quantized.base[v * 3 + j] == quantizer.codebook.value[Int(quantizer.codes[v]), j]) }
        }
    }

    /// With the chosen codes held fixed, the commitment loss's gradient (with respect to
    /// the encoder's outputs) and the codebook loss's (with respect to the codebook) match
    /// finite differences of Σ‖z − e‖², and the loss values are that sum.
    @Test func commitmentAndCodebookLossesMatchFiniteDifferences() {
        let (quantizer, z) = quantizer()
        let quantized = quantizer(z).copy()
        let codes = Array(quantizer.codes.prefix(8))
        #expect(abs(Double(quantizer.squaredError(quantized: quantized)) - squaredError(z, quantizer.codebook.value, codes: codes)) < 1e-5)
        let beta: Float = 0.7
        let zeroGradient = Matrix(rows: 2, columns: 12)
        let encoderGradient = quantizer.backward(zeroGradient, quantized: quantized, commitment: beta).values
        let numericEncoder = numericalGradients(of: [z]) { Double(beta) * squaredError(z, quantizer.codebook.value, codes: codes) }[0]
        #expect(relativeError(encoderGradient, numericEncoder) < 1e-2)
        let numericCodebook = numericalGradients(of: [quantizer.codebook.value]) { squaredError(z, quantizer.codebook.value, codes: codes) }[0]
        #expect(relativeError(quantizer.codebook.gradient.values, numericCodebook) < 1e-2)
    }

    /// Straight-through: without the commitment term, the decoder's gradient at the chosen
    /// vectors reaches the encoder unchanged.
    @Test func theDecodersGradientPassesStraightThrough() {
        let (quantizer, z) = quantizer()
        let quantized = quantizer(z).copy()
        let decoderGradient = randomMatrix(2, 12, seed: 30)
        let passed = quantizer.backward(decoderGradient, quantized: quantized, commitment: 0)
        #expect(passed.values == decoderGradient.values)
    }

    static let small = ModelConfiguration(imageHeight: 8, imageWidth: 8, hidden: [], activation: .tanh, likelihood: .bernoulli,
                                          architecture: .conv, filters: [4, 6], family: .vqVAE,
                                          quantizer: VectorQuantizerSettings(codebookSize: 6, codeDimension: 3),
                                          codePrior: CodePriorSettings(channels: 5, blocks: 1))

    /// Every parameter of the decoder (and the codebook's, with the codes unchanged by so
    /// small a step) against finite differences of the whole model's loss.
    @Test func theModelsLossGradientMatchesFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 40)
        let model = try VectorQuantizedAutoencoder(Self.small, generator: &generator)
        let images = randomMatrix(3, 64, in: 0...1, seed: 41)
        // Vectors of a size that makes the decoder's gradients stand well above the rounding
        // of a float loss.
        model.quantizer.codebook.value.fillUniform(from: -1, to: 1, using: &generator)
        let none = Matrix(rows: 3, columns: 0)
        model.computeGradients(images: images, noise: none)
        let decoder = model.decoder.parameters
        let analytic = decoder.map(\.gradient.values)
        let numeric = numericalGradients(of: decoder.map(\.value), step: 1e-2) {
            Double(model.loss(images: images, noise: none).total)
        }
        for (index, parameter) in decoder.enumerated() {
            #expect(relativeError(analytic[index], numeric[index], floor: 1e-4) < 2e-2, "\(parameter.name)")
        }
        #expect(model.grid == ImageShape(height: 2, width: 2, channels: 3))
    }

    /// The prior's loss is −log p(codes): its gradient with respect to the logits matches
    /// finite differences, and the logits of a position do not depend on its code or later ones.
    @Test func thePriorIsAutoregressiveAndItsLossGradientIsRight() throws {
        var generator = SeededGenerator(seed: 50)
        let grid = ImageShape(height: 3, width: 3, channels: 2)
        let prior = CodePrior(CodePriorSettings(channels: 4, blocks: 1), grid: grid, codebookSize: 5, generator: &generator)
        let logits = randomMatrix(2, 9 * 5, seed: 51)
        let codes: [Int32] = (0..<18).map { Int32($0 % 5) }
        let gradient = Matrix(rows: 2, columns: 45)
        _ = prior.negativeLogLikelihood(logits: logits, codes: codes, gradient: gradient)
        let numeric = numericalGradients(of: [logits]) { Double(prior.negativeLogLikelihood(logits: logits, codes: codes, gradient: nil)) }[0]
        #expect(relativeError(gradient.values, numeric) < 1e-2)

        let embedded = randomMatrix(1, grid.size, seed: 52)
        let before = prior(embedded).values
        for position in [0, 4, 8] {
            let changed = embedded.copy()
            for c in 0..<2 { changed[0, position * 2 + c] += 1 }
            let after = prior(changed).values
            let unchanged = Array(after[0..<((position + 1) * 5)]) == Array(before[0..<((position + 1) * 5)])
            #expect(unchanged, "the code at \(position) changed the logits at or before it")
        }
    }

    /// The network on a grid's first rows gives those rows the whole grid's logits, to the
    /// bit: sampling a row from the rows up to it draws what the whole grid would.
    @Test func thePriorOnTheFirstRowsGivesTheirLogits() {
        var generator = SeededGenerator(seed: 70)
        let grid = ImageShape(height: 4, width: 3, channels: 2)
        let prior = CodePrior(CodePriorSettings(channels: 6, blocks: 2), grid: grid, codebookSize: 5, generator: &generator)
        let embedded = randomMatrix(7, grid.size, seed: 71)
        let whole = prior.network(embedded).copy()
        for rows in 1...grid.height {
            let width = rows * grid.width * grid.channels
            let cut = Matrix(rows: 7, columns: width)
            for r in 0..<7 { for i in 0..<width { cut[r, i] = embedded[r, i] } }
            let logits = prior.network(rows: rows)(cut)
            let perImage = rows * grid.width * 5
            #expect(logits.columns == perImage)
            for r in 0..<7 {
                #expect(Array(logits.row(r)) == Array(whole.row(r).prefix(perImage)), "rows \(rows), image \(r)")
            }
        }
    }

    @Test func samplingIsSeededAndDrawsValidCodes() {
        var generator = SeededGenerator(seed: 60)
        let prior = CodePrior(CodePriorSettings(channels: 4, blocks: 1), grid: ImageShape(height: 2, width: 3, channels: 2),
                              codebookSize: 7, generator: &generator)
        let codebook = randomMatrix(7, 2, seed: 61)
        var first = SeededGenerator(seed: 1), second = SeededGenerator(seed: 1)
        let codes = prior.sample(count: 9, codebook: codebook, generator: &first)
        #expect(codes == prior.sample(count: 9, codebook: codebook, generator: &second))
        #expect(codes.count == 54 && codes.allSatisfy { (0..<7).contains($0) } && Set(codes).count > 1)
    }
}
