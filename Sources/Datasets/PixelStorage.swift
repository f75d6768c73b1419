import Storage

/// Where a dataset's pixel bytes are: an array of its own, or a part of a read-only file
/// mapping (an uncompressed IDX file, the decoded-picture cache) whose pages the kernel
/// reads as batches touch them, so that a dataset larger than memory trains, and the
/// process's own memory does not grow with it.
enum PixelStorage: Sendable {
    case owned([UInt8])
    case mapped(FileMapping, offset: Int, count: Int)

    var count: Int {
        switch self {
        case .owned(let bytes): bytes.count
        case .mapped(_, _, let count): count
        }
    }

    var isMapped: Bool {
        if case .mapped = self { true } else { false }
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        switch self {
        case .owned(let bytes):
            try bytes.withUnsafeBufferPointer(body)
        case .mapped(let mapping, let offset, let count):
            try mapping.withBytes { try body(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + count)]).bindMemory(to: UInt8.self)) }
        }
    }
}
