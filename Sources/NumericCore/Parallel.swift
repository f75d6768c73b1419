import CKernels

/// Work split between the cores on the threads that compute matrix products. They spin
/// for a couple of milliseconds after each task before they sleep, so a split made within
/// a training step finds them awake.
public enum Parallel {
    /// The number of parts `forEachPart` runs at once: 1 inside a part.
    public static var width: Int { Int(vae_parallel_width_here()) }

    /// Calls `body(part, parts)` for every part in `0..<parts` (`width` by default) and
    /// returns when all are done: at once, one per core, when there are cores enough,
    /// otherwise one after the other on this thread. Parts must not write to the same
    /// memory.
    @inline(__always)
    public static func forEachPart(_ parts: Int = width, _ body: (_ part: Int, _ parts: Int) -> Void) {
        let parts = max(1, parts)
        if parts == 1 { return body(0, 1) }
        withoutActuallyEscaping(body) { body in
            var work = body
            withUnsafeMutablePointer(to: &work) { pointer in
                vae_parallel_for(Int32(parts), { context, part, parts in
                    context!.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee(Int(part), Int(parts))
                }, pointer)
            }
        }
    }

    /// Below this many elements, elementwise work stays on one core: a split costs about
    /// as much as a few thousand elements' work.
    public static let minimumElements = 16_384

    /// Calls `body` with slices of `0..<rows` at once on every core when the batch is
    /// large enough. The slices are the rows each core takes in a matrix product (whole
    /// blocks of 8), so the values a core computed stay in its cache for the next step.
    @inline(__always)
    public static func forEachRowSlice(rows: Int, columns: Int, _ body: (Range<Int>) -> Void) {
        let parts = rows * columns >= minimumElements && rows >= 16 ? width : 1
        forEachPart(parts) { part, parts in
            let slice = rowSlice(rows, part: part, of: parts)
            if !slice.isEmpty { body(slice) }
        }
    }

    /// The rows of `0..<rows` the `part`-th of `parts` cores takes: whole blocks of 8.
    public static func rowSlice(_ rows: Int, part: Int, of parts: Int) -> Range<Int> {
        slice(rows, inBlocksOf: 8, part: part, of: parts)
    }

    /// The `part`-th of `parts` nearly equal slices of `0..<count` in whole blocks of `block`
    /// (the last one may be cut by `count`).
    public static func slice(_ count: Int, inBlocksOf block: Int, part: Int, of parts: Int) -> Range<Int> {
        let blocks = (count + block - 1) / block
        return min(count, block * (blocks * part / parts))..<min(count, block * (blocks * (part + 1) / parts))
    }

    /// The `part`-th of `parts` nearly equal slices of `0..<count`.
    public static func slice(_ count: Int, part: Int, of parts: Int) -> Range<Int> {
        (count * part / parts)..<(count * (part + 1) / parts)
    }
}
