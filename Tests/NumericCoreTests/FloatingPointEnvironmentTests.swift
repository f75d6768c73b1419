import CKernels
import NumericCore
import Testing

/// Subnormals are flushed to zero around the work that asks for it, and only there: the
/// caller's thread, and the pool's, get their own mode back afterwards.
@Suite struct FloatingPointEnvironmentTests {
    struct Failure: Error {}

    /// Half the smallest normal float, computed at run time from a value in memory (so
    /// the compiler cannot fold it): a subnormal, or zero when subnormals are flushed.
    static func halfTheSmallestNormal() -> Float {
        let value = Matrix(rows: 1, columns: 1, values: [.leastNormalMagnitude])
        return value.base[0] * 0.5
    }

    @Test func theScopeFlushesSubnormalsAndRestoresTheMode() {
        let before = vae_floating_point_control()
        #expect(Self.halfTheSmallestNormal() != 0)
        let inside = FloatingPointEnvironment.withSubnormalsFlushedToZero {
            (control: vae_floating_point_control(), half: Self.halfTheSmallestNormal())
        }
        #expect(inside.control == vae_subnormals_flushed(before))
        #if arch(x86_64) || arch(arm64)
        #expect(inside.control != before && inside.half == 0)
        #endif
        #expect(vae_floating_point_control() == before)
        #expect(Self.halfTheSmallestNormal() != 0)
    }

    @Test func theModeIsRestoredWhenTheBodyThrowsAndWhenScopesNest() {
        let before = vae_floating_point_control()
        #expect(throws: Failure.self) {
            try FloatingPointEnvironment.withSubnormalsFlushedToZero { throw Failure() }
        }
        #expect(vae_floating_point_control() == before)
        FloatingPointEnvironment.withSubnormalsFlushedToZero {
            let outer = vae_floating_point_control()
            FloatingPointEnvironment.withSubnormalsFlushedToZero {}
            #expect(vae_floating_point_control() == outer)
        }
        #expect(vae_floating_point_control() == before)
    }

    /// Every part of a split runs in the caller's mode, on the pool's threads too, and a
    /// split made after the scope no longer flushes.
    @Test func thePoolsThreadsTakeTheCallersMode() {
        let before = vae_floating_point_control()
        let controls = UnsafeMutableBufferPointer<UInt>.allocate(capacity: 2)
        defer { controls.deallocate() }
        FloatingPointEnvironment.withSubnormalsFlushedToZero {
            Parallel.forEachPart(2) { part, _ in controls[part] = vae_floating_point_control() }
        }
        #expect(Array(controls) == [vae_subnormals_flushed(before), vae_subnormals_flushed(before)])
        Parallel.forEachPart(2) { part, _ in controls[part] = vae_floating_point_control() }
        #expect(Array(controls) == [before, before])
    }
}
