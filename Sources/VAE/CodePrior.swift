import Foundation
import NeuralNetwork
import NumericCore

/// A PixelCNN over a VQ-VAE's grid of codes: p(k) = Π p(kᵢ | k₍<ᵢ₎), each factor a softmax
/// over the K codes, all computed in one pass by masked convolutions.
///
/// Its input is the grid of codebook vectors the decoder reads, so the prior sees codes
/// as the autoencoder's own embedding places them:
///
///     h = relu(maskedA₅ₓ₅(e_k))                  nothing of position i or after
///     h = h + relu(1×1(relu(maskedB₃ₓ₃(h))))     residual blocks
///     logits = 1×1(relu(1×1(h)))                  K per position
///
/// Trained after the autoencoder, on the codes of the training images, with the codebook
/// held fixed; sampling draws the codes one position after another.
public final class CodePrior {
    public let settings: CodePriorSettings
    public let network: Sequential
    /// Positions × the codes' dimension, as the decoder reads them.
    public let grid: ImageShape
    public let codebookSize: Int
    public let parameters: [Parameter]
    /// `network(rows:)`'s networks, by rows.
    private var truncated: [Int: Sequential] = [:]

    public convenience init<G: RandomNumberGenerator>(_ settings: CodePriorSettings, grid: ImageShape, codebookSize: Int, generator: inout G) {
        let width = ImageShape(height: grid.height, width: grid.width, channels: settings.channels)
        var layers: [any Layer] = [
            MaskedConvolution2D(input: grid, filters: settings.channels, kernelSize: 5, mask: .excludingCentre,
                                name: "prior.input", generator: &generator),
        ]
        for block in 0..<settings.blocks {
            let body = Sequential([
                MaskedConvolution2D(input: width, filters: settings.channels, kernelSize: 3, mask: .includingCentre,
                                    name: "prior.block\(block + 1).masked", generator: &generator),
                Convolution2D(input: width, filters: settings.channels, kernelSize: 1, stride: 1,
                              name: "prior.block\(block + 1).mix", generator: &generator),
            ])
            layers.append(Residual(body, width: width.size))
        }
        layers.append(Convolution2D(input: width, filters: settings.channels, kernelSize: 1, stride: 1,
                                    name: "prior.hidden", generator: &generator))
        layers.append(Convolution2D(input: width, filters: codebookSize, kernelSize: 1, stride: 1, activation: .linear,
                                    name: "prior.logits", generator: &generator))
        self.init(settings, network: Sequential(layers), grid: grid, codebookSize: codebookSize)
    }

    private init(_ settings: CodePriorSettings, network: Sequential, grid: ImageShape, codebookSize: Int) {
        self.settings = settings
        self.network = network
        self.grid = grid
        self.codebookSize = codebookSize
        parameters = network.parameters
    }

    /// The network on the first `rows` rows of the grid, on the same weights, built once:
    /// a position's logits depend on the rows up to its own alone (every layer is a
    /// masked or 1 × 1 convolution), so a position of row r is drawn from the first r + 1
    /// rows, with the same logits as from the whole grid, at (r + 1) / height of the work.
    func network(rows: Int) -> Sequential {
        precondition(rows >= 1 && rows <= grid.height)
        if rows == grid.height { return network }
        if let kept = truncated[rows] { return kept }
        let cut = network.replica(height: rows, of: grid.height) as! Sequential
        truncated[rows] = cut
        return cut
    }

    public func replica() -> CodePrior {
        CodePrior(settings, network: network.replica() as! Sequential, grid: grid, codebookSize: codebookSize)
    }

    public var positions: Int { grid.height * grid.width }

    /// The logits of every position's code (positions × K per row), from the grid of the
    /// codebook vectors chosen so far: position i's depend only on positions before i.
    public func callAsFunction(_ embedded: Matrix) -> Matrix { network(embedded) }

    /// −log p(codes) in nats per image (summed over positions, averaged over images), and
    /// (when `gradient` is given) the gradient of that mean with respect to the logits.
    public func negativeLogLikelihood(logits: Matrix, codes: [Int32], gradient: Matrix?) -> Float {
        let images = logits.rows
        precondition(logits.columns == positions * codebookSize && codes.count >= images * positions)
        gradient?.setRows(images)
        guard images > 0 else { return 0 }
        let total = codes.withUnsafeBufferPointer { codes in
            SoftmaxCrossEntropy.sum(logits: logits.base, rows: images * positions, classes: codebookSize,
                                    label: { Int(codes[$0]) }, gradient: gradient?.base, gradientScale: 1 / Float(images))
        }
        return Float(total / Double(images))
    }

    /// Draws `count` grids of codes, position after position, each from the softmax of its
    /// logits given the codes drawn before it; the grids come `batch` at a time, each
    /// batch running the network once per position.
    public func sample(count: Int, codebook: Matrix, generator: inout SeededGenerator,
                       progress: ((Int) -> Void)? = nil) -> [Int32] {
        var codes = [Int32](repeating: 0, count: count * positions)
        draw(into: &codes, count: count, where: { _ in true }, codebook: codebook, generator: &generator, progress: progress)
        return codes
    }

    /// One grid with the positions where `redraw` is true drawn again from the prior, the
    /// others kept: each redrawn code given every code before it in raster order, kept or
    /// redrawn (the prior sees no later position, so a region is conditioned on what lies
    /// above and left of it).
    public func completed(_ codes: [Int32], redrawing redraw: [Bool], codebook: Matrix,
                          generator: inout SeededGenerator) -> [Int32] {
        precondition(codes.count == positions && redraw.count == positions)
        precondition(codes.allSatisfy { $0 >= 0 && Int($0) < codebookSize })
        var grid = codes
        draw(into: &grid, count: 1, where: { redraw[$0] }, codebook: codebook, generator: &generator, progress: nil)
        return grid
    }

    /// Fills the positions where `redraw` holds, in raster order, each from the softmax of
    /// its logits; the network runs from the first such position to the last.
    private func draw(into codes: inout [Int32], count: Int, where redraw: (Int) -> Bool, codebook: Matrix,
                      generator: inout SeededGenerator, progress: ((Int) -> Void)?) {
        precondition(codebook.rows == codebookSize && codebook.columns == grid.channels)
        let batch = 500, d = grid.channels, k = codebookSize
        var probabilities = [Float](repeating: 0, count: k)
        for start in stride(from: 0, to: count, by: batch) {
            let rows = min(batch, count - start)
            let embedded = Matrix(rows: rows, columns: grid.size)
            for r in 0..<rows {
                for position in 0..<positions where !redraw(position) {
                    let code = Int(codes[(start + r) * positions + position])
                    (embedded.base + r * grid.size + position * d).update(from: codebook.base + code * d, count: d)
                }
            }
            for position in 0..<positions where redraw(position) {
                // The rows up to the position's own, each image's first values.
                let seen = (position / grid.width + 1) * grid.width
                let logits: Matrix
                if seen == positions {
                    logits = network(embedded)
                } else {
                    let cut = Matrix(rows: rows, columns: seen * d)
                    for r in 0..<rows { (cut.base + r * cut.columns).update(from: embedded.base + r * grid.size, count: cut.columns) }
                    logits = network(rows: seen / grid.width)(cut)
                }
                for r in 0..<rows {
                    let z = logits.base + (r * seen + position) * k
                    let code = draw(from: z, count: k, into: &probabilities, generator: &generator)
                    codes[(start + r) * positions + position] = Int32(code)
                    (embedded.base + r * grid.size + position * d).update(from: codebook.base + code * d, count: d)
                }
            }
            progress?(start + rows)
        }
    }

    /// An index drawn from softmax(z) by inverting its cumulative sum.
    private func draw(from z: UnsafePointer<Float>, count: Int, into probabilities: inout [Float],
                      generator: inout SeededGenerator) -> Int {
        var largest = -Float.infinity
        for c in 0..<count { largest = max(largest, z[c]) }
        var total: Float = 0
        for c in 0..<count {
            probabilities[c] = expf(z[c] - largest)
            total += probabilities[c]
        }
        var u = generator.nextUnitFloat() * total
        for c in 0..<count {
            u -= probabilities[c]
            if u < 0 { return c }
        }
        return count - 1
    }
}

/// What trains a code prior: the autoencoder, held fixed, turns each batch of images into
/// their codes and codebook vectors, and the prior learns to predict the codes.
///
/// Its loss is −log p(codes) in nats per image. The encoder's distribution puts all its
/// mass on one grid of codes, so this is also KL(q ‖ p), the divergence term of the
/// VQ-VAE's bound with the learned prior in place of the uniform one: the loss's
/// `latent` and `divergence` both hold it, and `reconstruction` is 0.
public final class CodePriorTraining {
    public let autoencoder: VectorQuantizedAutoencoder
    public let prior: CodePrior
    private var logitGradient: BatchBuffer

    public init(autoencoder: VectorQuantizedAutoencoder, prior: CodePrior) {
        self.autoencoder = autoencoder
        self.prior = prior
        logitGradient = BatchBuffer(columns: prior.positions * prior.codebookSize)
    }

    /// The codes of `images`, in the quantizer's own array (which may hold more, from a
    /// larger batch before): read every step, so not copied.
    private func codes(of images: Matrix) -> [Int32] {
        autoencoder.quantizer.chooseCodes(autoencoder.encoder(images))
        return autoencoder.quantizer.codes
    }

    @discardableResult
    public func computeGradients(images: Matrix, noise: Matrix, latentWarmUp: Float = 1) -> LossBreakdown {
        let codes = codes(of: images)
        let logits = prior(autoencoder.quantizer.embed(codes, images: images.rows))
        let gradient = logitGradient.withRows(images.rows)
        let nats = prior.negativeLogLikelihood(logits: logits, codes: codes, gradient: gradient)
        _ = prior.network.backward(gradient, needsInputGradient: false)
        return LossBreakdown(total: nats, reconstruction: 0, latent: nats, divergence: nats)
    }

    public func loss(images: Matrix, noise: Matrix, latentWarmUp: Float = 1) -> LossBreakdown {
        let codes = codes(of: images)
        let nats = prior.negativeLogLikelihood(logits: prior(autoencoder.quantizer.embed(codes, images: images.rows)),
                                               codes: codes, gradient: nil)
        return LossBreakdown(total: nats, reconstruction: 0, latent: nats, divergence: nats)
    }
}

extension CodePriorTraining: TrainableModel {
    public var inputSize: Int { autoencoder.inputSize }
    public var noiseSize: Int { 0 }
    public var parameters: [Parameter] { prior.parameters }
    public func fillNoise(_ noise: Matrix, using generator: inout SeededGenerator) {}
    public func replica() -> CodePriorTraining {
        CodePriorTraining(autoencoder: autoencoder.replica(), prior: prior.replica())
    }
}
