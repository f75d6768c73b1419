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
/// kernel (`CKernels`), split between the cores; elsewhere in OpenBLAS's `sgemm`.
/// Setting `VAE_MATRIX_PRODUCTS=openblas` in the environment chooses OpenBLAS everywhere.
public enum BLAS {
    /// Which implementation computes the products in this process.
    public enum Implementation: String, Sendable {
        case ownKernel = "own kernel"
        case openBLAS = "OpenBLAS sgemm"
    }

    public static let implementation: Implementation = {
        let requested = ProcessInfo.processInfo.environment["VAE_MATRIX_PRODUCTS"]?.lowercased()
        if requested == "openblas" || vae_matrix_product_available() == 0 { return .openBLAS }
        // OpenBLAS's own threads would only compete with the pool for the cores.
        BLASThreads.set(1)
        return .ownKernel
    }()

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
            cblas_sgemm(
                CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k),
                alpha, a, Int32(transposeA ? m : k),
                b, Int32(transposeB ? k : n),
                beta, c, Int32(n))
        }
    }
}

/// The number of threads products use: OpenBLAS's own, or the package's pool.
public enum BLASThreads {
    /// The threads a product started here would use.
    public static var count: Int {
        BLAS.implementation == .ownKernel ? Int(vae_parallel_width_here()) : systemThreads
    }

    /// Sets the threads of the system's BLAS (OpenBLAS's; Accelerate chooses its own).
    public static func set(_ count: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(count))
        #endif
    }

    private static var systemThreads: Int {
        #if canImport(Accelerate)
        1
        #else
        Int(openblas_get_num_threads())
        #endif
    }

    /// Runs `body`, whose parts multiply on every core at once, with one thread per
    /// product: OpenBLAS's threads would otherwise oversubscribe the cores (Debian's
    /// OpenBLAS has no per-thread setting, so this switch is process-wide, restored after).
    /// The own kernel needs nothing: inside a part its products stay on their thread.
    public static func single<R>(_ body: () throws -> R) rethrows -> R {
        guard BLAS.implementation == .openBLAS else { return try body() }
        let before = systemThreads
        set(1)
        defer { set(before) }
        return try body()
    }
}
