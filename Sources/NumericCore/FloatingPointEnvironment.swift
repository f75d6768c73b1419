import CKernels

/// The processor's floating-point mode for the work that needs its own.
public enum FloatingPointEnvironment {
    /// Runs `body` with subnormal floats treated as zero on this thread (flush-to-zero and
    /// denormals-are-zero on x86-64, FZ on arm64), as TensorFlow does on the CPU, then
    /// gives the thread back the mode it had, also when `body` throws.
    ///
    /// Gradients shrink into the subnormal range as training goes on, and each subnormal
    /// costs some hundred cycles on x86: without this, steps slow down. The mode is
    /// restored because it belongs to the caller: left on, it would silently change the
    /// arithmetic of whatever the thread runs next. Products and elementwise passes that
    /// `Parallel` splits between the cores inside `body` run in the same mode, since the
    /// pool's threads take their caller's for each part. Other threads keep their own.
    public static func withSubnormalsFlushedToZero<Result>(_ body: () throws -> Result) rethrows -> Result {
        let saved = vae_floating_point_control()
        vae_set_floating_point_control(vae_subnormals_flushed(saved))
        defer { vae_set_floating_point_control(saved) }
        return try body()
    }
}
