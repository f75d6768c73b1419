import Foundation

/// Writes the unsigned-byte IDX format that `IDXReader` reads: MNIST's own, so a decoded
/// image collection can be cached, or handed to other tools, in the form the field knows.
public enum IDXWriter {
    /// The bytes of an IDX file holding `values` with the given dimensions (row-major).
    public static func bytes(dimensions: [Int], values: [UInt8]) -> Data {
        precondition(dimensions.reduce(1, *) == values.count, "\(values.count) values for dimensions \(dimensions)")
        return header(dimensions: dimensions) + Data(values)
    }

    /// The header alone (the values follow it unchanged), so that a large array can be
    /// written after it without a joined copy.
    public static func header(dimensions: [Int]) -> Data {
        precondition(!dimensions.isEmpty && dimensions.count < 256, "IDX holds 1 to 255 dimensions")
        precondition(dimensions.allSatisfy { $0 >= 0 && $0 <= Int(UInt32.max) }, "an IDX dimension is 32 bits")
        var data = Data([0, 0, 0x08, UInt8(dimensions.count)])
        for size in dimensions {
            withUnsafeBytes(of: UInt32(size).bigEndian) { data.append(contentsOf: $0) }
        }
        return data
    }
}
