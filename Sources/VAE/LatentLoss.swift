import Foundation
import NumericCore

/// The KL divergence from the encoder's Gaussian N(μ, σ²) to the prior N(0, I), in nats,
/// written with γ = log σ² as in the book's Equation 17-4:
///
///     𝓛 = −½ Σᵢ (1 + γᵢ − exp γᵢ − μᵢ²)
public enum LatentLoss {
    /// The divergence averaged over the batch.
    public static func value(mean: Matrix, logVariance: Matrix) -> Float {
        var total: Double = 0
        let n = mean.columns
        for r in 0..<mean.rows {
            let mu = mean.base + r * n, gamma = logVariance.base + r * n
            var sum: Float = 0
            for i in 0..<n { sum += 1 + gamma[i] - expf(gamma[i]) - mu[i] * mu[i] }
            total += Double(-0.5 * sum)
        }
        return Float(total / Double(mean.rows))
    }

    /// Adds `weight ×` the gradient of the batch-mean divergence to the given gradients:
    /// ∂/∂μ = μ / batch and ∂/∂γ = ½ (exp γ − 1) / batch.
    public static func addGradient(mean: Matrix, logVariance: Matrix, weight: Float,
                                   meanGradient: Matrix, logVarianceGradient: Matrix) {
        let scale = weight / Float(mean.rows)
        let mu = mean.base, gamma = logVariance.base
        let dMu = meanGradient.base, dGamma = logVarianceGradient.base
        for i in 0..<mean.count {
            dMu[i] += scale * mu[i]
            dGamma[i] += scale * 0.5 * (expf(gamma[i]) - 1)
        }
    }

    /// The divergence of each latent dimension, averaged over the batch: which dimensions
    /// carry information (a dimension near 0 nats is unused).
    public static func perDimension(mean: Matrix, logVariance: Matrix) -> [Float] {
        var totals = [Double](repeating: 0, count: mean.columns)
        for r in 0..<mean.rows {
            for i in 0..<mean.columns {
                let mu = mean[r, i], gamma = logVariance[r, i]
                totals[i] += Double(-0.5 * (1 + gamma - expf(gamma) - mu * mu))
            }
        }
        return totals.map { Float($0 / Double(mean.rows)) }
    }
}
