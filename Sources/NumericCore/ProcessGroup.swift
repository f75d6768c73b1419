/// The processes of one data-parallel training (MPI's ranks): which one this is, and the
/// one collective a step needs, a gather of every process's values in rank order, from
/// which every process computes the same sums in the same order, so the result is the same
/// on all of them and does not depend on timing.
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's place, 0 ..< size; process 0 alone writes files.
    var rank: Int { get }
    var size: Int { get }
    /// Every process's `values` (each the same count), in rank order, into `gathered`.
    func gather(_ values: UnsafeBufferPointer<Float>, into gathered: UnsafeMutableBufferPointer<Float>)
    func gather(_ values: UnsafeBufferPointer<Double>, into gathered: UnsafeMutableBufferPointer<Double>)
    /// Returns once every process of the group has called it.
    func synchronize()
    /// Stops every process of the group: what one process cannot finish, none can.
    func abort(exitCode: Int32) -> Never
}

extension ProcessGroup {
    /// A gather of one value: what a group with no barrier of its own waits with.
    public func synchronize() {
        var mine: Float = 0
        var all = [Float](repeating: 0, count: size)
        withUnsafePointer(to: &mine) { value in
            all.withUnsafeMutableBufferPointer { gather(UnsafeBufferPointer(start: value, count: 1), into: $0) }
        }
    }
}
