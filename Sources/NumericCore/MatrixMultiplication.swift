#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif
import CKernels
import Foundation

/// Matrix products through BLAS's `sgemm`: every heavy line of a training step ends here.
extension Matrix {
    /// `result = alpha · op(a) · op(b) + beta · result`, where `op` transposes when asked.
    ///
    /// The result keeps its storage; its row count is set to the product's. With
    /// `beta = 1` the product is added to what `result` holds, which is how gradients
    /// of shared inputs accumulate without a temporary.
    public static func multiply(
        _ a: Matrix, _ b: Matrix, into result: Matrix,
        transposeA: Bool = false, transposeB: Bool = false, alpha: Float = 1, beta: Float = 0
    ) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kB = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kB, "cannot multiply \(m)×\(k) by \(kB)×\(n)")
        precondition(result.columns == n, "the product has \(n) columns, the result \(result.columns)")
        result.setRows(m)
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { result.fill(with: 0) } else { for i in result.buffer.indices { result.base[i] *= beta } }
            return
        }
        BLAS.multiply(m: m, n: n, k: k, a.base, transposeA: transposeA, b.base, transposeB: transposeB,
                      into: result.base, alpha: alpha, beta: beta)
    }
}

/// Matrix products on raw row-major storage, for layers that read one buffer as several
/// shapes (a convolution sees a batch of images as one row per pixel).
///
/// On processors with AVX-512, or AVX2 with FMA, the products run in this package's own
/// kernel (`CKernels`); elsewhere in the system BLAS's `sgemm` (OpenBLAS, or Accelerate on
/// Apple's systems). Setting `VAE_MATRIX_PRODUCTS=openblas` in the environment chooses the
/// system BLAS everywhere.
///
/// Either way a product is split between the cores by the package's own pool, the same
/// split for the same shapes, and the system BLAS runs one thread per call: OpenBLAS's
/// result depends on how many threads it uses, and its thread count is one setting for the
/// whole process, so a count that changed while other work multiplied would make a seeded
/// run give other bits from one run to the next.
public enum BLAS {
    /// Which implementation computes the products in this process.
    public enum Implementation: String, Sendable {
        case ownKernel = "own kernel"
        case openBLAS = "OpenBLAS sgemm"
    }

    public static let implementation: Implementation = {
        // Set once, before any product: the pool gives the system BLAS its parallelism.
        #if !canImport(Accelerate)
        openblas_set_num_threads(1)
        #endif
        let requested = ProcessInfo.processInfo.environment["VAE_MATRIX_PRODUCTS"]?.lowercased()
        if requested == "openblas" || vae_matrix_product_available() == 0 { return .openBLAS }
        return .ownKernel
    }()

    /// The threads a product started here uses: the pool's width, 1 inside a part.
    public static var threadsPerProduct: Int { Parallel.width }

    /// Whether the own kernel counts the time and multiply-adds of its products (off
    /// unless a benchmark turns it on).
    public static func countProducts(_ on: Bool) { vae_matrix_product_count(on ? 1 : 0) }

    /// The time (summed over the cores) and multiply-adds of the products the own kernel
    /// made while counting was on (zero with OpenBLAS).
    public static var totals: (seconds: Double, multiplyAdds: Double) {
        var seconds = 0.0, multiplyAdds = 0.0
        vae_matrix_product_totals(&seconds, &multiplyAdds)
        return (seconds, multiplyAdds)
    }

    /// `c[m×n] = alpha · op(a) · op(b) + beta · c`, where `op(a)` is m×k and `op(b)` is k×n,
    /// every matrix densely packed.
    public static func multiply(
        m: Int, n: Int, k: Int,
        _ a: UnsafePointer<Float>, transposeA: Bool = false,
        _ b: UnsafePointer<Float>, transposeB: Bool = false,
        into c: UnsafeMutablePointer<Float>, alpha: Float = 1, beta: Float = 0,
        using implementation: Implementation = BLAS.implementation
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        switch implementation {
        case .ownKernel:
            vae_matrix_product(Int32(m), Int32(n), Int32(k), a, transposeA ? 1 : 0, b, transposeB ? 1 : 0,
                               c, alpha, beta)
        case .openBLAS:
            _ = BLAS.implementation  // OpenBLAS's threads set to one before its first product
            let product = SystemProduct(m: m, n: n, k: k, a: a, transposeA: transposeA, b: b, transposeB: transposeB,
                                        c: c, alpha: alpha, beta: beta)
            // As the own kernel divides: not below some 100,000 multiply-adds; by rows in
            // blocks of 8 when there are enough, otherwise by columns in blocks of 16.
            let work = Double(m) * Double(n) * Double(k)
            var parts = work < 100_000 ? 1 : Parallel.width
            if parts > 1 && m < 8 * parts && n < 16 * parts { parts = 1 }
            Parallel.forEachPart(parts) { part, parts in
                if parts == 1 { return product.rows(0..<m) }
                if m >= 8 * parts {
                    product.rows(Parallel.rowSlice(m, part: part, of: parts))
                } else {
                    product.columns(Parallel.slice(n, inBlocksOf: 16, part: part, of: parts))
                }
            }
        }
    }
}

/// One call of the system BLAS's `sgemm`, made on a block of rows or of columns of `c`.
private struct SystemProduct {
    let m: Int, n: Int, k: Int
    let a: UnsafePointer<Float>, transposeA: Bool
    let b: UnsafePointer<Float>, transposeB: Bool
    let c: UnsafeMutablePointer<Float>, alpha: Float, beta: Float

    /// Rows `range` of `c`: the same rows of `op(a)`, all of `op(b)`.
    func rows(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        sgemm(m: range.count, n: n, a: a + (transposeA ? range.lowerBound : range.lowerBound * k), b: b,
              c: c + range.lowerBound * n)
    }

    /// Columns `range` of `c`: all of `op(a)`, the same columns of `op(b)`.
    func columns(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        sgemm(m: m, n: range.count, a: a, b: b + (transposeB ? range.lowerBound * k : range.lowerBound),
              c: c + range.lowerBound)
    }

    /// The leading dimensions stay those of the whole matrices: a block is a window on them.
    private func sgemm(m rows: Int, n columns: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                       c: UnsafeMutablePointer<Float>) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(rows), Int32(columns), Int32(k),
            alpha, a, Int32(transposeA ? m : k),
            b, Int32(transposeB ? k : n),
            beta, c, Int32(n))
    }
}
