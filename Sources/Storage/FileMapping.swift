import Foundation

/// A whole file mapped read-only into memory.
///
/// Its pages are read from the disk when first touched and belong to the page cache, not to
/// the process: the kernel can drop them under pressure and read them again, so a mapped
/// dataset larger than memory is still readable, and the process's anonymous memory does
/// not grow with it.
///
/// The mapping is private: nothing written to the file through this program's own atomic
/// writes (which replace a file by renaming a new one over it) changes what a mapping
/// already made holds. A file truncated in place by another program while it is mapped
/// makes reads beyond its new end fault, as it would for any program that maps files.
public final class FileMapping: @unchecked Sendable {
    /// The file's bytes, valid for as long as this mapping exists: lent out only by
    /// `withBytes`, which keeps the mapping alive while they are read.
    private let bytes: UnsafeRawBufferPointer
    public let path: String

    /// The file's size in bytes.
    public var count: Int { bytes.count }

    /// Calls `body` with the file's bytes, which must not be used after it returns.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(bytes) }
    }

    public init(_ url: URL) throws {
        path = url.path
        bytes = try withFile(url) { descriptor, size in
            guard size > 0 else { throw FileError(path: url.path, problem: "the file is empty") }
            guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
                throw FileError(path: url.path, problem: "cannot map: \(String(cString: strerror(errno)))")
            }
            return UnsafeRawBufferPointer(start: address, count: size)
        }
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress!), bytes.count) }
}
