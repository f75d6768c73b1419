import Storage
import Foundation
import NumericCore

/// Reads the IDX format of MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST):
/// a big-endian header (two zero bytes, a type code, the number of dimensions, each
/// dimension's size) followed by the values. Gzip-compressed files are read as they are,
/// or, to be mapped, decompressed once into an `IDXCache`.
public enum IDXReader {
    /// An unsigned-byte IDX array: its dimensions and its values in row-major order.
    public struct Array {
        public let dimensions: [Int]
        public let values: [UInt8]
    }

    /// An unsigned-byte IDX file mapped rather than read: its dimensions, and its values
    /// as the part of the mapping after the header.
    public struct MappedArray: Sendable {
        public let dimensions: [Int]
        public let mapping: FileMapping
        /// Where the values start in the mapping.
        public let offset: Int

        /// Calls `body` with the values, which must not be used after it returns.
        public func withValues<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try mapping.withBytes { try body(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
        }

        public var valueCount: Int { mapping.count - offset }
    }

    /// A file read straight into the array the values are returned in (uncompressed, the
    /// header is then moved out in place): the values exist once.
    public static func read(_ url: URL) throws -> Array {
        let bytes = try readBytes(url)
        do {
            return try parse(bytes, compressedName: url.path.hasSuffix(".gz"))
        } catch {
            throw FileError(path: url.path, problem: error.message)
        }
    }

    /// Parses the bytes of an IDX file; `path` names it in errors (a `.gz` name must hold gzip data).
    public static func read(_ data: Data, path: String) throws -> Array {
        do {
            return try parse([UInt8](data), compressedName: path.hasSuffix(".gz"))
        } catch {
            throw FileError(path: path, problem: error.message)
        }
    }

    /// Maps a file: an uncompressed one as it is, a gzip-compressed one through `cache`,
    /// which decompresses it on first use (with no cache, a compressed file is an error).
    /// The header is checked against the file's size before any value is read.
    public static func map(_ url: URL, cache: IDXCache?) throws -> MappedArray {
        let file = try FileMapping(url)
        let mapping: FileMapping
        if file.withBytes({ Gzip.isCompressed($0) }) {
            guard let cache else { throw FileError(path: url.path, problem: "is gzip-compressed where an uncompressed IDX file belongs") }
            mapping = try cache.decompressed(file)
        } else if url.path.hasSuffix(".gz") {
            throw FileError(path: url.path, problem: "named .gz but not gzip data")
        } else {
            mapping = file
        }
        let checked = mapping.withBytes { bytes in Result { () throws(Gzip.Problem) in try header(count: bytes.count) { bytes[$0] } } }
        switch checked {
        case .success(let (dimensions, headerSize)): return MappedArray(dimensions: dimensions, mapping: mapping, offset: headerSize)
        case .failure(let problem): throw FileError(path: url.path, problem: problem.message)
        }
    }

    static func parse(_ file: consuming [UInt8], compressedName: Bool) throws(Gzip.Problem) -> Array {
        guard !file.isEmpty else { throw Gzip.Problem("the file is empty") }
        var bytes: [UInt8]
        if Gzip.isCompressed(file) {
            bytes = try Gzip.decompress(Data(file))
        } else if compressedName {
            throw Gzip.Problem("named .gz but not gzip data")
        } else {
            bytes = file
        }
        let (dimensions, headerSize) = try header(count: bytes.count) { bytes[$0] }
        bytes.removeSubrange(0..<headerSize)  // in place: no second copy of the images
        return Array(dimensions: dimensions, values: bytes)
    }

    /// The dimensions a header declares and the header's size, checked against the `count`
    /// bytes of the whole file (`byte(i)` is its i-th): exactly the declared values must
    /// follow the header.
    static func header(count: Int, byte: (Int) -> UInt8) throws(Gzip.Problem) -> (dimensions: [Int], size: Int) {
        guard count >= 4 else { throw Gzip.Problem("\(count) bytes, too short for an IDX header") }
        guard let (dimensions, headerSize) = try declaredHeader(available: count, byte: byte) else {
            throw Gzip.Problem("truncated in the header")
        }
        let expected = declaredValues(dimensions)
        let present = count - headerSize
        guard expected == present else {
            let shape = dimensions.map(String.init).joined(separator: "×")
            throw Gzip.Problem(expected > present
                ? "truncated: the header promises \(shape) values but \(present) bytes follow"
                : "\(present - expected) bytes beyond the \(shape) values the header declares")
        }
        return (dimensions, headerSize)
    }

    /// What the first `available` bytes of a file declare: its dimensions and the header's
    /// size, or nil while fewer bytes than the header have arrived. An error as soon as the
    /// bytes there are no unsigned-byte IDX header.
    static func declaredHeader(available: Int, byte: (Int) -> UInt8) throws(Gzip.Problem) -> (dimensions: [Int], size: Int)? {
        guard available >= 4 else { return nil }
        guard byte(0) == 0, byte(1) == 0 else {
            throw Gzip.Problem("not an IDX file (magic number \(hex((0..<4).map(byte))))")
        }
        guard byte(2) == 0x08 else {
            throw Gzip.Problem("IDX type code 0x\(String(byte(2), radix: 16)) is not unsigned bytes (0x08)")
        }
        let rank = Int(byte(3))
        guard rank >= 1 else { throw Gzip.Problem("an IDX array with no dimensions") }
        let headerSize = 4 + 4 * rank
        guard available >= headerSize else { return nil }
        let dimensions = (0..<rank).map { d in
            (4 + 4 * d ..< 8 + 4 * d).reduce(0) { $0 << 8 | Int(byte($1)) }
        }
        return (dimensions, headerSize)
    }

    /// The values `dimensions` declare (Int.max where the product overflows).
    static func declaredValues(_ dimensions: [Int]) -> Int {
        var expected = 1
        for size in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            expected = overflow ? Int.max : product
        }
        return expected
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        "0x" + bytes.map { String(format: "%02x", $0) }.joined()
    }
}
