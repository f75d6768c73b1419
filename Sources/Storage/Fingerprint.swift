/// FNV-1a, a fast 64-bit hash: enough to notice that a file or a file list changed (it
/// is not a defence against anyone crafting a collision, and is not used as one).
public enum Fingerprint {
    public static let standardBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    public static func fnv1a(_ bytes: some Sequence<UInt8>, basis: UInt64 = standardBasis) -> UInt64 {
        bytes.reduce(basis) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }

    /// Sixteen hexadecimal digits.
    public static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
