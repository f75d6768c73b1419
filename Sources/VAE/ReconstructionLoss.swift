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

    /// What the decoder's last layer applies.
    public var outputActivation: Activation {
        switch self {
        case .mse: .linear
        case .bernoulli: .sigmoid
        }
    }
}

/// The reconstruction loss of a batch and its gradient.
public struct ReconstructionLoss: Sendable {
    public let likelihood: Likelihood
    /// Values per image.
    public let imageSize: Int

    public init(_ likelihood: Likelihood, imageSize: Int) {
        self.likelihood = likelihood
        self.imageSize = imageSize
    }

    /// The factor that puts a KL divergence in nats per image into this loss's units.
    /// The book's mean over pixels is the summed loss ÷ 784, so its latent loss is ÷ 784 too.
    public var latentScale: Float {
        switch likelihood {
        case .mse: 1 / Float(imageSize)
        case .bernoulli: 1
        }
    }

    /// The loss averaged over the batch, in this loss's units. When `gradient` is given it
    /// receives d(loss) / d(output): the gradient of the batch mean, ready for `backward`.
    public func evaluate(output: Matrix, target: Matrix, gradient: Matrix?) -> Float {
        precondition(output.rows == target.rows && output.columns == target.columns)
        let rows = output.rows
        var total: Double = 0
        switch likelihood {
        case .mse:
            let perImage = 1 / Float(imageSize)
            let gradientScale = 2 / Float(imageSize * rows)
            for r in 0..<rows {
                let y = output.base + r * imageSize, x = target.base + r * imageSize
                total += Double(Reductions.squaredDistance(y, x, count: imageSize) * perImage)
                if let gradient {
                    let g = gradient.base + r * imageSize
                    for i in 0..<imageSize { g[i] = gradientScale * (y[i] - x[i]) }
                }
            }
        case .bernoulli:
            // The output is already σ(logit); its derivative is folded into this gradient.
            let gradientScale = 1 / Float(rows)
            let tiny: Float = 1e-7
            for r in 0..<rows {
                let p = output.base + r * imageSize, x = target.base + r * imageSize
                var sum: Float = 0
                for i in 0..<imageSize {
                    let q = min(max(p[i], tiny), 1 - tiny)
                    sum -= x[i] * logf(q) + (1 - x[i]) * logf(1 - q)
                }
                total += Double(sum)
                if let gradient {
                    let g = gradient.base + r * imageSize
                    for i in 0..<imageSize {
                        let q = min(max(p[i], tiny), 1 - tiny)
                        g[i] = gradientScale * (q - x[i]) / (q * (1 - q))
                    }
                }
            }
        }
        if let gradient { gradient.setRows(rows) }
        return Float(total / Double(rows))
    }
}
