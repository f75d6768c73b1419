/// Loads and stores of eight floats at a time, for elementwise loops over several buffers.
///
/// The compiler cannot prove that a layer's buffers do not overlap, so it leaves loops
/// that read and write several of them scalar. Spelling the loop in `SIMD8` makes the
/// vector width explicit; each lane does exactly the scalar arithmetic, so results are
/// bit-for-bit those of the scalar loop.
extension UnsafeMutablePointer where Pointee == Float {
    @inlinable @inline(__always)
    public func load8(_ offset: Int) -> SIMD8<Float> {
        UnsafeRawPointer(self + offset).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inlinable @inline(__always)
    public func store8(_ value: SIMD8<Float>, _ offset: Int) {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
