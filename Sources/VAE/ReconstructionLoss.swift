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

    /// The constant of the book's fixed-variance likelihood in nats per image of `pixels`
    /// values, pixels × ½ ln π (≈ 449 for 784): part of every −log p(x) it reports, whatever
    /// the model; nil for the likelihoods without a fixed constant.
    public func fixedVarianceConstant(pixels: Int) -> Float? {
        self == .mse ? Float(pixels) * 0.5 * logf(Float.pi) : nil
    }

    /// Turns the decoder's output into images in place: the Bernoulli decoder outputs
    /// logits (so its loss is computed stably from them), the others the pixel means.
    public func images(fromOutput output: Matrix) {
        guard self == .bernoulli else { return }
        let values = output.buffer
        for i in values.indices { values[i] = logistic(values[i]) }
    }
}

/// The reconstruction loss of a batch and its gradient, and the likelihood's own
/// parameter where it has one (the Gaussian's log σ).
public final class ReconstructionLoss {
    public let likelihood: Likelihood
    /// Values per image.
    public let imageSize: Int
    /// log σ of the Gaussian likelihood, learned with the network; nil for the others.
    public let logScale: Parameter?
    /// Each image's loss and scale-gradient term, reused from batch to batch.
    private var rowTerms = BatchBuffer(columns: 2)

    public init(_ likelihood: Likelihood, imageSize: Int) {
        self.likelihood = likelihood
        self.imageSize = imageSize
        logScale = likelihood == .gaussian ? Parameter(name: "decoder.log_sigma", value: Matrix(rows: 1, columns: 1)) : nil
    }

    private init(_ likelihood: Likelihood, imageSize: Int, logScale: Parameter?) {
        self.likelihood = likelihood
        self.imageSize = imageSize
        self.logScale = logScale
    }

    /// The same loss on the same log σ, with a gradient of its own.
    func replica() -> ReconstructionLoss {
        ReconstructionLoss(likelihood, imageSize: imageSize, logScale: logScale.map { Parameter(sharing: $0) })
    }

    public var parameters: [Parameter] { logScale.map { [$0] } ?? [] }

    /// The factor that puts a KL divergence in nats per image into this loss's units.
    /// The book's mean over pixels is the summed loss ÷ 784, so its latent loss is ÷ 784 too.
    public var latentScale: Float {
        switch likelihood {
        case .mse: 1 / Float(imageSize)
        case .bernoulli, .gaussian: 1
        }
    }

    /// A reconstruction loss in this loss's units as a negative log-likelihood in nats per
    /// image. The book's mean squared error is, per pixel, −log N(x; μ, ½) − ½ log π, so its
    /// likelihood is that Gaussian's: pixels × (loss + ½ log π).
    public func nats(_ loss: Float) -> Float {
        switch likelihood {
        case .mse: Float(imageSize) * (loss + 0.5 * logf(Float.pi))
        case .bernoulli, .gaussian: loss
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
        }
    }

    /// The loss averaged over the batch, in this loss's units. When `gradient` is given it
    /// receives d(loss) / d(output): the gradient of the batch mean, ready for `backward`.
    public func evaluate(output: Matrix, target: Matrix, gradient: Matrix?) -> Float {
        precondition(output.rows == target.rows && output.columns == target.columns)
        let rows = output.rows
        // Rows are computed on every core; their terms are then added in row order, so the
        // total does not depend on the number of cores.
        let terms = rowTerms.withRows(rows)
        // The Gaussian's 1/σ² and per-image constant, once for the batch.
        let s = logScale?.value.base[0] ?? 0
        let gaussian = (precision: expf(-2 * s), constant: Float(imageSize) * (0.5 * logf(2 * Float.pi) + s))
        Parallel.forEachRowSlice(rows: rows, columns: imageSize) { slice in
            for r in slice {
                let (loss, scaleTerm) = rowLoss(output.base + r * imageSize, target.base + r * imageSize,
                                                gradient: gradient.map { $0.base + r * imageSize }, rows: rows, gaussian: gaussian)
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
        }
    }
}
