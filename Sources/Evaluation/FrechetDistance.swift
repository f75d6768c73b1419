import NumericCore

/// The Fréchet (2-Wasserstein) distance between two Gaussians, the measure behind FID:
///
///     d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)
///
/// Fitted to a classifier's features of real and of generated images, it is small when
/// the generated images resemble the real ones in both quality (the means) and variety
/// (the covariances).
///
/// The usual code takes `sqrtm(Σ₁ Σ₂)` of a non-symmetric product, which can come out
/// complex or wrong for nearly singular covariances. Here both square roots are of
/// symmetric positive semi-definite matrices, through symmetric eigen-decompositions:
/// Σ₁^½ = V √Λ Vᵀ, and the trace of (Σ₁^½ Σ₂ Σ₁^½)^½ is the sum of the square roots of that
/// symmetric matrix's eigenvalues. Eigenvalues that rounding leaves slightly negative are
/// taken as 0. The two traces agree in exact arithmetic, since Σ₁Σ₂ and Σ₁^½Σ₂Σ₁^½ are similar.
public enum FrechetDistance {
    /// d² between two Gaussians of the same dimension.
    public static func squared(_ first: GaussianFit, _ second: GaussianFit) -> Double {
        precondition(first.dimension == second.dimension, "Gaussians of \(first.dimension) and \(second.dimension) dimensions")
        let n = first.dimension
        var meanTerm = 0.0
        for i in 0..<n {
            let difference = first.mean[i] - second.mean[i]
            meanTerm += difference * difference
        }
        let root = SymmetricEigenDecomposition(first.covariance, dimension: n).applying { max($0, 0).squareRoot() }
        let product = multiply(multiply(root, second.covariance, n), root, n)
        let crossTerm = SymmetricEigenDecomposition(product, dimension: n).values.reduce(0) { $0 + max($1, 0).squareRoot() }
        // Rounding can leave a tiny negative total for two identical Gaussians.
        return max(meanTerm + first.trace + second.trace - 2 * crossTerm, 0)
    }

    /// d² between Gaussians fitted to the rows of two feature matrices.
    public static func squared(between first: Matrix, and second: Matrix) -> Double {
        squared(GaussianFit(fitting: first), GaussianFit(fitting: second))
    }

    /// The n × n product a · b of row-major matrices.
    static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var result = [Double](repeating: 0, count: n * n)
        result.withUnsafeMutableBufferPointer { c in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    for i in 0..<n {
                        let target = c.baseAddress! + i * n
                        for k in 0..<n {
                            let aik = a[i * n + k]
                            let source = b.baseAddress! + k * n
                            for j in 0..<n { target[j] += aik * source[j] }
                        }
                    }
                }
            }
        }
        return result
    }
}
