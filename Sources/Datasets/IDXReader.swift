import Storage
import Foundation
import NumericCore

/// Reads the IDX format of MNIST and its relatives (Fashion-MNIST, KMNIST, EMNIST):
/// a big-endian header (two zero bytes, a type code, the number of dimensions, each
/// dimension's size) followed by the values. Gzip-compressed files are read as they are.
public enum IDXReader {
    /// An unsigned-byte IDX array: its dimensions and its values in row-major order.
    public struct Array {
        public let dimensions: [Int]
        public let values: [UInt8]
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
        guard bytes.count >= 4 else { throw Gzip.Problem("\(bytes.count) bytes, too short for an IDX header") }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw Gzip.Problem("not an IDX file (magic number \(hex(bytes[0..<4])))")
        }
        guard bytes[2] == 0x08 else {
            throw Gzip.Problem("IDX type code 0x\(String(bytes[2], radix: 16)) is not unsigned bytes (0x08)")
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else { throw Gzip.Problem("an IDX array with no dimensions") }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else { throw Gzip.Problem("truncated in the header") }
        let dimensions = (0..<rank).map { d in
            bytes[(4 + 4 * d)..<(8 + 4 * d)].reduce(0) { $0 << 8 | Int($1) }
        }
        var expected = 1
        for size in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: size)
            expected = overflow ? Int.max : product
        }
        let present = bytes.count - headerSize
        guard expected == present else {
            let shape = dimensions.map(String.init).joined(separator: "×")
            throw Gzip.Problem(expected > present
                ? "truncated: the header promises \(shape) values but \(present) bytes follow"
                : "\(present - expected) bytes beyond the \(shape) values the header declares")
        }
        bytes.removeSubrange(0..<headerSize)  // in place: no second copy of the images
        return Array(dimensions: dimensions, values: bytes)
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        "0x" + bytes.map { String(format: "%02x", $0) }.joined()
    }
}
