/// Sums written with explicit SIMD accumulators.
///
/// The compiler may not reorder floating-point additions, so a plain `for` loop that sums
/// runs one element at a time. Sixteen lanes of partial sums let it use vector registers;
/// the result differs from a sequential sum only by rounding.
public enum Reductions {
    /// Σ values[i].
    @inlinable
    public static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            lanes += UnsafeRawPointer(values + i).loadUnaligned(as: SIMD16<Float>.self)
            i += 16
        }
        var total = lanes.sum()
        while i < count { total += values[i]; i += 1 }
        return total
    }

    /// Σ (a[i] − b[i])².
    @inlinable
    public static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            let d = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
                - UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
            lanes += d * d
            i += 16
        }
        var total = lanes.sum()
        while i < count { let d = a[i] - b[i]; total += d * d; i += 1 }
        return total
    }
}
