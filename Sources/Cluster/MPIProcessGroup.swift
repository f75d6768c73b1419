import CProcessGroup
import Foundation
import NumericCore

/// The processes `mpirun` started, through Open MPI loaded at run time: a program that is
/// not started by `mpirun` never touches MPI, and one built where Open MPI is not
/// installed still builds.
public final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    public let rank: Int
    public let size: Int

    /// The group of this process when `mpirun` started it (Open MPI says so in the
    /// environment), started now; nil when it did not. Fails when Open MPI cannot start.
    public static func fromEnvironment() throws -> MPIProcessGroup? {
        let environment = ProcessInfo.processInfo.environment
        guard let declared = environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init) else { return nil }
        return try MPIProcessGroup(expectedSize: declared)
    }

    private init(expectedSize: Int) throws {
        var rank: Int32 = 0, size: Int32 = 0
        var message = [CChar](repeating: 0, count: 512)
        guard vae_group_start(&rank, &size, &message, Int32(message.count)) == 0 else {
            throw ProcessGroupError(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        guard Int(size) == expectedSize else {
            throw ProcessGroupError("MPI reports \(size) processes where mpirun declared \(expectedSize)")
        }
        self.rank = Int(rank)
        self.size = Int(size)
    }

    public func gather(_ values: UnsafeBufferPointer<Float>, into gathered: UnsafeMutableBufferPointer<Float>) {
        precondition(gathered.count == values.count * size && values.count <= Int(Int32.max), "one share of values per process")
        check(vae_group_gather_floats(values.baseAddress, Int32(values.count), gathered.baseAddress))
    }

    public func gather(_ values: UnsafeBufferPointer<Double>, into gathered: UnsafeMutableBufferPointer<Double>) {
        precondition(gathered.count == values.count * size && values.count <= Int(Int32.max), "one share of values per process")
        check(vae_group_gather_doubles(values.baseAddress, Int32(values.count), gathered.baseAddress))
    }

    public func synchronize() { check(vae_group_barrier()) }

    /// Ends MPI in this process, after its last collective call.
    public func finish() { _ = vae_group_finish() }

    public func abort(exitCode: Int32) -> Never {
        vae_group_abort(exitCode)
        fatalError("MPI_Abort returned")
    }

    /// MPI's default error handler stops the whole job on a failed collective; a code that
    /// still comes back is a failure this process cannot go on from.
    private func check(_ status: Int32) {
        if status != 0 { abort(exitCode: 1) }
    }
}

public struct ProcessGroupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
