import Datasets
import Foundation
import NeuralNetwork
import NumericCore

/// A VQ-VAE (van den Oord et al., 2017): a convolutional encoder, a grid of discrete codes
/// from a learned codebook, and a convolutional decoder.
///
///     z   = encoder(x)                       one vector per position of the grid
///     k   = argmin_k ‖z − e_k‖²               the nearest codebook vector's index
///     x̂   = decoder(e_k)
///     loss = −log p(x | e_k) + Σ‖sg(z) − e_k‖² + β Σ‖z − sg(e_k)‖²
///
/// The encoder's distribution is one code per position, so against a uniform prior its KL
/// divergence is the constant positions × log K; what makes samples is a prior learned
/// afterwards over the codes (`CodePrior`), which replaces that uniform one.
public final class VectorQuantizedAutoencoder {
    public let configuration: ModelConfiguration
    public let encoder: Sequential
    public let quantizer: VectorQuantizer
    public let decoder: Sequential
    public let reconstructionLoss: ReconstructionLoss
    /// The feature-matching term, where the configuration weighs one in.
    public let perceptualLoss: PerceptualLoss?
    /// Positions × values of the grid of codes.
    public let grid: ImageShape
    public let parameters: [Parameter]
    private var outputGradient: BatchBuffer

    /// A model with Keras's initialisation drawn from `generator`; a configuration that
    /// is not a VQ-VAE's, or that describes no model, throws.
    public convenience init<G: RandomNumberGenerator>(_ configuration: ModelConfiguration, generator: inout G) throws(ConfigurationError) {
        try configuration.validate()
        guard configuration.family == .vqVAE, let settings = configuration.quantizer else {
            throw ConfigurationError(.model, configuration.family.rawValue, "is not a VQ-VAE")
        }
        let plan = VectorQuantizedPlan(configuration, quantizer: settings)
        let encoder = Sequential(plan.encoder.map { $0.make(&generator) })
        let quantizer = VectorQuantizer(codebookSize: settings.codebookSize, codeDimension: settings.codeDimension,
                                        positions: plan.grid.height * plan.grid.width, generator: &generator)
        let decoder = Sequential(plan.decoder.map { $0.make(&generator) })
        self.init(configuration, encoder: encoder, quantizer: quantizer, decoder: decoder, grid: plan.grid,
                  reconstructionLoss: ReconstructionLoss(configuration.likelihood, imageSize: configuration.imageSize, channels: configuration.channels),
                  perceptualLoss: configuration.perceptualLoss)
    }

    private init(_ configuration: ModelConfiguration, encoder: Sequential, quantizer: VectorQuantizer, decoder: Sequential,
                 grid: ImageShape, reconstructionLoss: ReconstructionLoss, perceptualLoss: PerceptualLoss?) {
        self.configuration = configuration
        self.encoder = encoder
        self.quantizer = quantizer
        self.decoder = decoder
        self.grid = grid
        self.reconstructionLoss = reconstructionLoss
        self.perceptualLoss = perceptualLoss
        parameters = encoder.parameters + [quantizer.codebook] + decoder.parameters + reconstructionLoss.parameters
        outputGradient = BatchBuffer(columns: configuration.decoderOutputs)
    }

    public func replica() -> VectorQuantizedAutoencoder {
        VectorQuantizedAutoencoder(configuration, encoder: encoder.replica() as! Sequential, quantizer: quantizer.replica(),
                                   decoder: decoder.replica() as! Sequential, grid: grid,
                                   reconstructionLoss: reconstructionLoss.replica(), perceptualLoss: perceptualLoss?.replica())
    }

    public var commitment: Float { configuration.quantizer?.commitment ?? 0 }

    /// KL divergence from the one-hot code distribution to a uniform prior over K codes at
    /// every position: positions × log K nats, whatever the image.
    public var uniformPriorDivergence: Float { Float(quantizer.positions) * logf(Float(quantizer.codebookSize)) }

    @discardableResult
    public func computeGradients(images: Matrix, noise: Matrix, latentWarmUp: Float = 1) -> LossBreakdown {
        let quantized = quantizer(encoder(images))
        let output = decoder(quantized)
        let gradient = outputGradient.withRows(images.rows)
        let reconstruction = reconstructionLoss.evaluate(output: output, target: images, gradient: gradient)
        let perceptual = perceptualLoss?.evaluate(output: output, target: images, gradient: gradient) ?? 0
        let squaredError = quantizer.squaredError(quantized: quantized)
        let quantizedGradient = decoder.backward(gradient)!
        let encodedGradient = quantizer.backward(quantizedGradient, quantized: quantized, commitment: commitment)
        _ = encoder.backward(encodedGradient, needsInputGradient: false)
        return breakdown(reconstruction: reconstruction, squaredError: squaredError, perceptual: perceptual)
    }

    public func loss(images: Matrix, noise: Matrix, latentWarmUp: Float = 1) -> LossBreakdown {
        let quantized = quantizer(encoder(images))
        let output = decoder(quantized)
        let reconstruction = reconstructionLoss.evaluate(output: output, target: images, gradient: nil)
        let perceptual = perceptualLoss?.evaluate(output: output, target: images, gradient: nil) ?? 0
        return breakdown(reconstruction: reconstruction, squaredError: quantizer.squaredError(quantized: quantized),
                         perceptual: perceptual)
    }

    /// The codebook and commitment losses are the latent part; the KL divergence is the
    /// uniform prior's constant.
    private func breakdown(reconstruction: Float, squaredError: Float, perceptual: Float) -> LossBreakdown {
        let latent = (1 + commitment) * squaredError
        return LossBreakdown(total: reconstruction + latent + perceptual, reconstruction: reconstruction, latent: latent,
                             divergence: uniformPriorDivergence)
    }

    /// Sets the codebook to encoder outputs of `images` at positions drawn from `generator`,
    /// distinct where there are enough: vectors that start where the encoder's outputs are
    /// are all chosen from the first steps, where ±1/K ones leave most of a codebook unused.
    public func initializeCodebook(from images: Matrix, generator: inout SeededGenerator) {
        let encoded = encoder(images), d = quantizer.codeDimension, vectors = images.rows * quantizer.positions
        guard vectors > 0 else { return }
        var order = Array(0..<vectors)
        for i in stride(from: vectors - 1, to: 0, by: -1) { order.swapAt(i, Int(generator.next() % UInt64(i + 1))) }
        let codebook = quantizer.codebook.value
        for k in 0..<quantizer.codebookSize {
            (codebook.base + k * d).update(from: encoded.base + order[k % vectors] * d, count: d)
        }
    }

    /// The code of every position of every image (image after image), in a new array.
    public func codes(of images: Matrix) -> [Int32] {
        quantizer.chooseCodes(encoder(images))
        return Array(quantizer.codes.prefix(images.rows * quantizer.positions))
    }

    /// Images decoded from grids of codes (`positions` per image), in a new matrix.
    public func decoded(codes: [Int32], images count: Int) -> Matrix {
        precondition(codes.count == count * quantizer.positions, "\(codes.count) codes for \(count) images")
        let images = Matrix(rows: count, columns: configuration.imageSize)
        let batch = VariationalAutoencoder.decodingBatch
        for start in stride(from: 0, to: count, by: batch) {
            let rows = min(batch, count - start), positions = quantizer.positions
            let slice = Array(codes[(start * positions)..<((start + rows) * positions)])
            let decoded = configuration.likelihood.images(fromOutput: decoder(quantizer.embed(slice, images: rows)),
                                                          channels: configuration.channels)
            (images.base + start * images.columns).update(from: decoded.base, count: decoded.count)
        }
        return images
    }

    /// `steps` images on the way from one image to another: the encoder's outputs of the
    /// two (rows 0 and 1 of `pair`) mixed in even steps, each mixture quantized and decoded.
    /// The codes change position by position where the mixture crosses to another vector.
    public func interpolated(between pair: Matrix, steps: Int) -> Matrix {
        precondition(pair.rows == 2 && steps >= 1)
        let encoded = encoder(pair)
        let path = Codings.between(Array(encoded.row(0)), Array(encoded.row(1)), steps: steps)
        quantizer.chooseCodes(path)
        return decoded(codes: Array(quantizer.codes.prefix(steps * quantizer.positions)), images: steps)
    }

    /// Reconstructions through the codes, the model's best guess, in a new matrix.
    public func reconstructed(_ images: Matrix) -> Matrix { reconstructInPlace(images).copy() }

    /// Reconstructions in the decoder's own buffer, valid until its next call.
    func reconstructInPlace(_ images: Matrix) -> Matrix {
        configuration.likelihood.images(fromOutput: decoder(quantizer(encoder(images))), channels: configuration.channels)
    }
}

extension VectorQuantizedAutoencoder: TrainableModel {
    public var inputSize: Int { configuration.imageSize }
    public var noiseSize: Int { 0 }
    public func fillNoise(_ noise: Matrix, using generator: inout SeededGenerator) {}
}

/// How much of a VQ-VAE's codebook the images use.
public struct CodebookUsage: Codable, Equatable, Sendable {
    public var codebookSize: Int
    /// Vectors chosen at least once.
    public var codesUsed: Int
    /// exp(entropy of how often each vector is chosen): the number of equally used vectors
    /// that would carry as much information; a codebook that has collapsed onto a few
    /// vectors scores few, whatever its size.
    public var perplexity: Double
}

extension VectorQuantizedAutoencoder {
    /// The images' codes, counted over every position.
    public func codebookUsage(on dataset: ImageDataset, batchSize: Int) -> CodebookUsage {
        var counts = [Int](repeating: 0, count: quantizer.codebookSize)
        let batch = Matrix(rows: 0, columns: dataset.imageSize, rowCapacity: batchSize)
        for start in stride(from: 0, to: dataset.count, by: batchSize) {
            let range = start..<min(start + batchSize, dataset.count)
            dataset.fill(batch, with: range)
            for code in codes(of: batch) { counts[Int(code)] += 1 }
        }
        let total = Double(max(counts.reduce(0, +), 1))
        let entropy = counts.reduce(0.0) { sum, count in
            count == 0 ? sum : sum - Double(count) / total * log(Double(count) / total)
        }
        return CodebookUsage(codebookSize: counts.count, codesUsed: counts.count { $0 > 0 }, perplexity: exp(entropy))
    }

    /// −log p(y | k(x)) in nats per image, averaged over `dataset`: the likelihood of each
    /// image moved uniformly within its pixels' bins (y), decoded from the clean image's codes
    /// k(x). With −log p(k(x)) added it bounds −log p(y), since p(y) ≥ p(y | k) p(k) for any k.
    public func dequantizedReconstructionNats(on dataset: ImageDataset, batchSize: Int) -> Float {
        let batch = Matrix(rows: 0, columns: dataset.imageSize, rowCapacity: batchSize)
        let noisy = Matrix(rows: 0, columns: dataset.imageSize, rowCapacity: batchSize)
        var generator = SeededGenerator(seed: 0xDE9), total = 0.0
        for start in stride(from: 0, to: dataset.count, by: batchSize) {
            let range = start..<min(start + batchSize, dataset.count)
            dataset.fill(batch, with: range)
            noisy.setRows(range.count)
            EightBitMeasure.dequantize(batch, into: noisy, using: &generator)
            let output = decoder(quantizer(encoder(batch)))
            total += Double(reconstructionLoss.evaluate(output: output, target: noisy, gradient: nil)) * Double(range.count)
        }
        return reconstructionLoss.nats(Float(total / Double(max(dataset.count, 1))))
    }

    /// Mean squared error per image (summed over pixels) of reconstructions through the codes.
    public func reconstructionError(on dataset: ImageDataset, batchSize: Int) -> Float {
        meanSquaredError(on: dataset, batchSize: batchSize, of: reconstructInPlace)
    }
}
