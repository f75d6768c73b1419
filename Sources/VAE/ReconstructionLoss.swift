import Foundation
import NeuralNetwork
import NumericCore

/// How the decoder's output is scored against the input: the reconstruction half of the
/// loss. Each choice is a likelihood p(x | z) and knows the units it reports in, so the
/// latent loss can be put in the same units.
public enum Likelihood: String, Codable, CaseIterable, Sendable {
    /// The book's loss: mean squared error over pixels. Up to a constant, this is a Gaussian
    /// decoder with fixed variance ½, divided by the number of pixels.
    case mse
    /// Pixels as Bernoulli probabilities: a sigmoid output and binary cross-entropy summed
    /// over pixels, in nats.
    case bernoulli
    /// A Gaussian decoder whose variance is learned (one σ shared by all pixels): the
    /// negative log-likelihood summed over pixels, in nats. The output is the mean.
    case gaussian
    /// A logistic per pixel with its own location and scale, both decoded, discretised to the
    /// 256 levels of an 8-bit pixel (PixelCNN++'s likelihood, one component): a probability
    /// of each pixel's actual level rather than a density, in nats. The decoder outputs two
    /// values per pixel value (`DiscretizedLogistic`).
    case logistic

    /// Decoder outputs per pixel value: the logistic's location and log-scale, one output for
    /// the others.
    public var outputsPerValue: Int { self == .logistic ? 2 : 1 }

    /// The constant of the book's fixed-variance likelihood in nats per image of `pixels`
    /// values, pixels × ½ ln π (≈ 449 for 784): part of every −log p(x) it reports, whatever
    /// the model; nil for the likelihoods without a fixed constant.
    public func fixedVarianceConstant(pixels: Int) -> Float? {
        self == .mse ? Float(pixels) * 0.5 * logf(Float.pi) : nil
    }

    /// The decoder's output as images of `channels` values per pixel: the Bernoulli decoder
    /// outputs logits (so its loss is computed stably from them) and they are turned into
    /// means in place; the logistic's locations, clamped to [0, 1] (the most likely level),
    /// go to a new matrix; the others' outputs are the means already.
    public func images(fromOutput output: Matrix, channels: Int) -> Matrix {
        switch self {
        case .mse, .gaussian:
            return output
        case .bernoulli:
            writeImages(fromOutput: output, channels: channels, into: output)
            return output
        case .logistic:
            let images = Matrix(rows: output.rows, columns: output.columns / 2)
            writeImages(fromOutput: output, channels: channels, into: images)
            return images
        }
    }

    /// The images of the decoder's output written into `images` (which may be the output
    /// itself for a likelihood of one output per value): each value's mean, or for the
    /// logistic its location clamped to [0, 1].
    public func writeImages(fromOutput output: Matrix, channels: Int, into images: Matrix) {
        precondition(images.rows == output.rows && images.columns * outputsPerValue == output.columns)
        for r in 0..<output.rows {
            let y = output.base + r * output.columns, row = images.base + r * images.columns
            for i in 0..<images.columns {
                switch self {
                case .mse, .gaussian: row[i] = y[i]
                case .bernoulli: row[i] = NeuralNetwork.logistic(y[i])
                case .logistic: row[i] = min(max(y[DiscretizedLogistic.locationIndex(i, channels: channels)], 0), 1)
                }
            }
        }
    }

    /// How −log p(x) under this likelihood becomes bits per dimension of 8-bit pixels.
    public var eightBitMeasure: EightBitMeasure {
        switch self {
        case .logistic: .discrete
        case .mse, .gaussian: .dequantized
        case .bernoulli: .notADensity
        }
    }
}

/// How a likelihood's −log p(x) compares across models as bits per dimension of the 8-bit
/// pixels, and whether it can.
public enum EightBitMeasure: String, Codable, Sendable {
    /// A probability of each pixel's level: −log₂ P(x) ÷ values, exact up to the bound.
    case discrete
    /// A density on real pixels: measured on images dequantised with uniform noise across
    /// each level's bin of width 1/255, −log₂ p(x + u) ÷ values + log₂ 255 bounds the bits
    /// of the discrete pixels from above (Theis, van den Oord and Bethge, 2016).
    case dequantized
    /// Not a distribution over pixel values at all (the Bernoulli likelihood of grey
    /// pixels does not sum to one over them): no bits per dimension.
    case notADensity

    /// `images` (pixels k/255) moved uniformly within their levels' bins into `noisy`, with
    /// noise from `generator`: what a density's bits are measured on.
    public static func dequantize(_ images: Matrix, into noisy: Matrix, using generator: inout SeededGenerator) {
        precondition(images.rows == noisy.rows && images.columns == noisy.columns)
        for i in 0..<images.count { noisy.base[i] = images.base[i] + Float.random(in: -0.5..<0.5, using: &generator) / 255 }
    }

    /// What the figure is and what it may be compared with, in a sentence.
    public var explanation: String {
        switch self {
        case .discrete:
            "a probability of the pixels' levels; comparable with every other model's bits per dimension"
        case .dequantized:
            "a density on real pixels, measured on images moved within their levels' bins (uniform "
                + "dequantisation): an upper bound, comparable with every other model's bits per dimension"
        case .notADensity:
            "none: the Bernoulli likelihood is not a distribution of grey pixels, so its −log p(x) compares with no other likelihood's"
        }
    }

    /// Bits per value from −log p(x) in nats per image of `values` values.
    public func bitsPerDimension(nats: Double, values: Int) -> Double? {
        switch self {
        case .discrete: nats / (Double(values) * M_LN2)
        case .dequantized: nats / (Double(values) * M_LN2) + log2(255)
        case .notADensity: nil
        }
    }
}

/// The reconstruction loss of a batch and its gradient, and the likelihood's own
/// parameter where it has one (the Gaussian's log σ).
public final class ReconstructionLoss {
    public let likelihood: Likelihood
    /// Values per image.
    public let imageSize: Int
    /// Values per pixel (the logistic's outputs interleave per pixel).
    public let channels: Int
    /// log σ of the Gaussian likelihood, learned with the network; nil for the others.
    public let logScale: Parameter?
    /// Each image's loss and scale-gradient term, reused from batch to batch.
    private var rowTerms = BatchBuffer(columns: 2)

    public convenience init(_ likelihood: Likelihood, imageSize: Int, channels: Int = 1) {
        self.init(likelihood, imageSize: imageSize, channels: channels,
                  logScale: likelihood == .gaussian ? Parameter(name: "decoder.log_sigma", value: Matrix(rows: 1, columns: 1)) : nil)
    }

    private init(_ likelihood: Likelihood, imageSize: Int, channels: Int, logScale: Parameter?) {
        precondition(channels >= 1 && imageSize % channels == 0, "\(imageSize) values in pixels of \(channels)")
        self.likelihood = likelihood
        self.imageSize = imageSize
        self.channels = channels
        self.logScale = logScale
    }

    /// The same loss on the same log σ, with a gradient of its own.
    func replica() -> ReconstructionLoss {
        ReconstructionLoss(likelihood, imageSize: imageSize, channels: channels, logScale: logScale.map { Parameter(sharing: $0) })
    }

    /// Decoder outputs per image.
    public var outputSize: Int { imageSize * likelihood.outputsPerValue }

    public var parameters: [Parameter] { logScale.map { [$0] } ?? [] }

    /// The factor that puts a KL divergence in nats per image into this loss's units.
    /// The book's mean over pixels is the summed loss ÷ 784, so its latent loss is ÷ 784 too.
    public var latentScale: Float {
        switch likelihood {
        case .mse: 1 / Float(imageSize)
        case .bernoulli, .gaussian, .logistic: 1
        }
    }

    /// A reconstruction loss in this loss's units as a negative log-likelihood in nats per
    /// image. The book's mean squared error is, per pixel, −log N(x; μ, ½) − ½ log π, so its
    /// likelihood is that Gaussian's: pixels × (loss + ½ log π).
    public func nats(_ loss: Float) -> Float {
        switch likelihood {
        case .mse: Float(imageSize) * (loss + 0.5 * logf(Float.pi))
        case .bernoulli, .gaussian, .logistic: loss
        }
    }

    /// −log p(x | z) of one image in nats, from the decoder's output for z: the likelihood
    /// itself, with every constant, as the importance-weighted bound needs it.
    public func negativeLogLikelihood(output y: UnsafePointer<Float>, target x: UnsafePointer<Float>) -> Float {
        switch likelihood {
        case .mse:
            // A Gaussian with variance ½: (x − μ)² + ½ log π per pixel.
            Reductions.squaredDistance(y, x, count: imageSize) + Float(imageSize) * 0.5 * logf(Float.pi)
        case .bernoulli:
            // From the logits y: −[x log σ(y) + (1 − x) log(1 − σ(y))] = softplus(y) − x y,
            // exact even where the sigmoid saturates.
            (0..<imageSize).reduce(Float(0)) { sum, i in sum + max(y[i], 0) + log1pf(expf(-abs(y[i]))) - x[i] * y[i] }
        case .gaussian:
            Float(imageSize) * (0.5 * logf(2 * Float.pi) + logScale!.value.base[0])
                + 0.5 * expf(-2 * logScale!.value.base[0]) * Reductions.squaredDistance(y, x, count: imageSize)
        case .logistic:
            DiscretizedLogistic.negativeLogLikelihood(output: y, target: x, values: imageSize, channels: channels, gradient: nil)
        }
    }

    /// The loss averaged over the batch, in this loss's units. When `gradient` is given it
    /// receives d(loss) / d(output): the gradient of the batch mean, ready for `backward`.
    public func evaluate(output: Matrix, target: Matrix, gradient: Matrix?) -> Float {
        precondition(output.rows == target.rows && output.columns == outputSize && target.columns == imageSize)
        let rows = output.rows
        // Rows are computed on every core; their terms are then added in row order, so the
        // total does not depend on the number of cores.
        let terms = rowTerms.withRows(rows)
        // The Gaussian's 1/σ² and per-image constant, once for the batch.
        let s = logScale?.value.base[0] ?? 0
        let gaussian = (precision: expf(-2 * s), constant: Float(imageSize) * (0.5 * logf(2 * Float.pi) + s))
        Parallel.forEachRowSlice(rows: rows, columns: imageSize) { slice in
            for r in slice {
                let (loss, scaleTerm) = rowLoss(output.base + r * outputSize, target.base + r * imageSize,
                                                gradient: gradient.map { $0.base + r * outputSize }, rows: rows, gaussian: gaussian)
                terms.base[2 * r] = loss
                terms.base[2 * r + 1] = scaleTerm
            }
        }
        var total: Double = 0, scaleGradient = 0.0
        for r in 0..<rows {
            total += Double(terms.base[2 * r])
            scaleGradient += Double(terms.base[2 * r + 1])
        }
        if likelihood == .gaussian, gradient != nil { logScale!.gradient.base[0] = Float(scaleGradient / Double(rows)) }
        if let gradient { gradient.setRows(rows) }
        return Float(total / Double(rows))
    }

    /// One image's loss (and, for the Gaussian, its term of the scale's gradient), writing
    /// the image's gradient of the batch mean when asked.
    private func rowLoss(_ y: UnsafeMutablePointer<Float>, _ x: UnsafeMutablePointer<Float>,
                         gradient g: UnsafeMutablePointer<Float>?, rows: Int,
                         gaussian: (precision: Float, constant: Float)) -> (Float, Float) {
        switch likelihood {
        case .mse:
            if let g {
                let gradientScale = 2 / Float(imageSize * rows)
                for i in 0..<imageSize { g[i] = gradientScale * (y[i] - x[i]) }
            }
            return (Reductions.squaredDistance(y, x, count: imageSize) * (1 / Float(imageSize)), 0)
        case .bernoulli:
            // softplus(z) − x z per pixel, with gradient σ(z) − x.
            if let g {
                let gradientScale = 1 / Float(rows)
                for i in 0..<imageSize { g[i] = gradientScale * (logistic(y[i]) - x[i]) }
            }
            return (negativeLogLikelihood(output: y, target: x), 0)
        case .gaussian:
            // −log N(x; μ, σ²) = ½ log 2π + log σ + (x − μ)² / 2σ², summed over pixels.
            let (precision, constant) = gaussian
            if let g {
                let scale = precision / Float(rows)
                for i in 0..<imageSize { g[i] = scale * (y[i] - x[i]) }
            }
            let squares = Reductions.squaredDistance(y, x, count: imageSize)
            return (constant + 0.5 * precision * squares, Float(imageSize) - precision * squares)
        case .logistic:
            let loss = DiscretizedLogistic.negativeLogLikelihood(output: y, target: x, values: imageSize, channels: channels,
                                                                 gradient: g.map { ($0, 1 / Float(rows)) })
            return (loss, 0)
        }
    }
}
