import Foundation

/// A = V Λ Vᵀ for a real symmetric matrix A, by the cyclic Jacobi method, in `Double`.
///
/// Matrix square roots of covariances (the Fréchet distance's) and principal components
/// need eigenvalues of symmetric positive semi-definite matrices that may be nearly
/// singular; it lives here, below both, so the package has one solver. Jacobi rotations
/// are slower than the tridiagonal QR of LAPACK (about ten sweeps of n³ work each), but
/// they compute small eigenvalues to high relative accuracy, need no library,
/// and take a fraction of a second for the 128 to 256 dimensions of classifier features
/// (0.7 s at 256 in a release build).
public struct SymmetricEigenDecomposition: Sendable {
    /// The matrix's order n.
    public let dimension: Int
    /// The eigenvalues λ₀ ≤ λ₁ ≤ … ≤ λₙ₋₁, in ascending order.
    public let values: [Double]
    /// The orthonormal eigenvectors, n × n row-major: column j (elements `j`, `n + j`, …)
    /// belongs to `values[j]`.
    public let vectors: [Double]
    /// Sweeps over all off-diagonal pairs that the method took to converge.
    public let sweeps: Int

    /// Decomposes the n × n symmetric matrix `matrix` (row-major). Only the symmetric part
    /// is used: the upper and lower triangles are averaged first.
    public init(_ matrix: [Double], dimension n: Int) {
        precondition(n >= 0 && matrix.count == n * n, "\(matrix.count) values for a \(n)×\(n) matrix")
        precondition(matrix.allSatisfy(\.isFinite), "an eigen-decomposition needs finite values")
        var a = matrix
        for i in 0..<n {
            for j in (i + 1)..<n {
                let mean = 0.5 * (a[i * n + j] + a[j * n + i])
                a[i * n + j] = mean
                a[j * n + i] = mean
            }
        }
        // The eigenvectors as rows (W = Vᵀ), so that a rotation mixes two contiguous rows.
        var w = [Double](repeating: 0, count: n * n)
        for i in 0..<n { w[i * n + i] = 1 }

        let norm = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var sweeps = 0
        // Each sweep zeroes every off-diagonal pair once; convergence is quadratic once the
        // off-diagonal part is small, so 60 sweeps is far beyond what any matrix needs.
        while sweeps < 60 {
            var offDiagonal = 0.0
            for p in 0..<n { for q in (p + 1)..<n { offDiagonal += a[p * n + q] * a[p * n + q] } }
            if offDiagonal.squareRoot() <= 1e-15 * norm || offDiagonal == 0 { break }
            sweeps += 1
            for p in 0..<n {
                for q in (p + 1)..<n {
                    Self.rotate(&a, &w, n: n, p: p, q: q)
                }
            }
        }

        let order = (0..<n).sorted { a[$0 * n + $0] < a[$1 * n + $1] }
        dimension = n
        values = order.map { a[$0 * n + $0] }
        var sortedVectors = [Double](repeating: 0, count: n * n)
        for (column, source) in order.enumerated() {
            for row in 0..<n { sortedVectors[row * n + column] = w[source * n + row] }
        }
        vectors = sortedVectors
        self.sweeps = sweeps
    }

    /// One Jacobi rotation in the (p, q) plane that zeroes a[p, q]: A ← Jᵀ A J, and the
    /// eigenvectors, kept as the rows of W = Vᵀ, W ← Jᵀ W. The angle is the smaller of
    /// the two that do it, with t = tan θ computed from θ's cotangent in the form that
    /// neither overflows nor cancels. Rows p and q are mixed in place (contiguous, so the
    /// loop vectorises), then copied into columns p and q to keep A symmetric.
    private static func rotate(_ a: inout [Double], _ w: inout [Double], n: Int, p: Int, q: Int) {
        let apq = a[p * n + q]
        guard apq != 0 else { return }
        let app = a[p * n + p], aqq = a[q * n + q]
        let theta = (aqq - app) / (2 * apq)
        let t: Double
        if abs(theta) > 1e150 {
            t = 1 / (2 * theta)
        } else {
            t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
        }
        let c = 1 / (t * t + 1).squareRoot(), s = t * c
        a.withUnsafeMutableBufferPointer { a in
            let a = a.baseAddress!
            mix(a + p * n, a + q * n, count: n, c: c, s: s)
            let rowP = a + p * n, rowQ = a + q * n
            rowP[p] = app - t * apq
            rowQ[q] = aqq + t * apq
            rowP[q] = 0
            rowQ[p] = 0
            for k in 0..<n {
                a[k * n + p] = rowP[k]
                a[k * n + q] = rowQ[k]
            }
        }
        w.withUnsafeMutableBufferPointer { w in
            mix(w.baseAddress! + p * n, w.baseAddress! + q * n, count: n, c: c, s: s)
        }
    }

    /// (x, y) ← (c x − s y, s x + c y), element by element.
    @inline(__always)
    private static func mix(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int, c: Double, s: Double) {
        for k in 0..<count {
            let xk = x[k], yk = y[k]
            x[k] = c * xk - s * yk
            y[k] = s * xk + c * yk
        }
    }

    /// V f(Λ) Vᵀ, row-major: the matrix function f(A), such as √A with f = √.
    public func applying(_ function: (Double) -> Double) -> [Double] {
        let n = dimension
        let mapped = values.map(function)
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var sum = 0.0
                for k in 0..<n { sum += vectors[i * n + k] * mapped[k] * vectors[j * n + k] }
                result[i * n + j] = sum
                result[j * n + i] = sum
            }
        }
        return result
    }
}
