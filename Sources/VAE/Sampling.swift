import Foundation
import NumericCore

/// The reparameterisation trick: z = μ + exp(γ / 2) · ε, with the noise ε given.
///
/// Taking ε from outside keeps the layer deterministic, so a test can feed it Keras's
/// noise, and the gradient flows to μ and γ through a sample that is otherwise random.
public final class Sampling {
    private var codings: BatchBuffer
    private var standardDeviation: BatchBuffer
    private var meanGradientBuffer: BatchBuffer
    private var logVarianceGradientBuffer: BatchBuffer
    private var noise: Matrix?

    public init(codingSize: Int) {
        codings = BatchBuffer(columns: codingSize)
        standardDeviation = BatchBuffer(columns: codingSize)
        meanGradientBuffer = BatchBuffer(columns: codingSize)
        logVarianceGradientBuffer = BatchBuffer(columns: codingSize)
    }

    public func forward(mean: Matrix, logVariance: Matrix, noise: Matrix) -> Matrix {
        precondition(noise.rows == mean.rows && noise.columns == mean.columns, "noise must match the codings")
        self.noise = noise
        let codings = codings.withRows(mean.rows)
        let mu = mean.base, gamma = logVariance.base, epsilon = noise.base
        let z = codings.base, sigma = standardDeviation.withRows(mean.rows).base
        for i in 0..<mean.count {
            sigma[i] = expf(gamma[i] / 2)
            z[i] = epsilon[i] * sigma[i] + mu[i]
        }
        return codings
    }

    /// Returns ∂loss/∂μ = ∂loss/∂z and ∂loss/∂γ = ∂loss/∂z · ε · σ / 2.
    public func backward(_ codingsGradient: Matrix) -> (mean: Matrix, logVariance: Matrix) {
        guard let noise, let sigma = standardDeviation.matrix?.base else {
            preconditionFailure("Sampling.backward called before forward")
        }
        let meanGradient = meanGradientBuffer.withRows(codingsGradient.rows)
        let logVarianceGradient = logVarianceGradientBuffer.withRows(codingsGradient.rows)
        let dz = codingsGradient.base, epsilon = noise.base
        let dMu = meanGradient.base, dGamma = logVarianceGradient.base
        for i in 0..<codingsGradient.count {
            dMu[i] = dz[i]
            dGamma[i] = dz[i] * epsilon[i] * sigma[i] * 0.5
        }
        return (meanGradient, logVarianceGradient)
    }
}
