import Foundation

/// Writes the unsigned-byte IDX format that `IDXReader` reads: MNIST's own, so a decoded
/// image collection can be cached, or handed to other tools, in the form the field knows.
public enum IDXWriter {
    /// The bytes of an IDX file holding `values` with the given dimensions (row-major).
    public static func bytes(dimensions: [Int], values: [UInt8]) -> Data {
        precondition(!dimensions.isEmpty && dimensions.count < 256, "IDX holds 1 to 255 dimensions")
        precondition(dimensions.allSatisfy { $0 >= 0 && $0 <= Int(UInt32.max) }, "an IDX dimension is 32 bits")
        precondition(dimensions.reduce(1, *) == values.count, "\(values.count) values for dimensions \(dimensions)")
        var data = Data(capacity: 4 + 4 * dimensions.count + values.count)
        data.append(contentsOf: [0, 0, 0x08, UInt8(dimensions.count)])
        for size in dimensions {
            withUnsafeBytes(of: UInt32(size).bigEndian) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: values)
        return data
    }
}
