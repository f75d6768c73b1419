import CKernels

/// The instruction set of every kernel this process runs (matrix products, optimizers,
/// pixel conversion): the processor's best, or a lower one named by `VAE_CPU`
/// (`avx512`, `avx2` or `baseline`), so that every path can be run and measured on one
/// machine. Each path is deterministic; the AVX-512 and AVX2 product kernels compute each
/// element with the same operations in the same order, OpenBLAS's may differ in the last bits.
public enum InstructionSet: Int, Comparable, Sendable, CustomStringConvertible {
    case baseline = 0, avx2 = 1, avx512 = 2

    /// The one this process uses.
    public static var current: InstructionSet { InstructionSet(rawValue: Int(vae_cpu_level())) ?? .baseline }
    /// The best this processor runs.
    public static var hardware: InstructionSet { InstructionSet(rawValue: Int(vae_cpu_hardware_level())) ?? .baseline }

    public var description: String {
        switch self {
        case .baseline: "baseline"
        case .avx2: "AVX2"
        case .avx512: "AVX-512"
        }
    }

    public static func < (a: InstructionSet, b: InstructionSet) -> Bool { a.rawValue < b.rawValue }

    /// One line for a log: the kernels' instruction set and who computes the products.
    public static var summary: String {
        "Kernels: \(current), matrix products: \(BLAS.implementation.rawValue)"
    }
}
