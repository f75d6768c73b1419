import Foundation

/// A small, fast, seedable generator (xoshiro256**), so that a seed fixes a whole run.
///
/// Swift's `SystemRandomNumberGenerator` cannot be seeded; this one can, and its state
/// is four integers that a checkpoint can store.
public struct SeededGenerator: RandomNumberGenerator, Equatable, Sendable {
    // Four words in stored properties rather than an array: `next()` runs for every
    // random number and then needs no bounds checks or uniqueness tests.
    private var s0, s1, s2, s3: UInt64

    /// The four words of the state, as checkpoints store them.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    public init(seed: UInt64) {
        // SplitMix64 spreads the seed over the four words, as the xoshiro authors advise.
        var mix = seed
        func splitMix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        (s0, s1, s2, s3) = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    public mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    /// An independent generator for another purpose (validation noise, sampling), derived
    /// from this one's next output so that one seed still fixes everything.
    public mutating func fork() -> SeededGenerator { SeededGenerator(seed: next()) }

    @inline(__always) private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

extension SeededGenerator: Codable {
    private enum CodingKeys: String, CodingKey { case state }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([UInt64].self, forKey: .state)
        guard words.count == 4 else {
            throw DecodingError.dataCorruptedError(forKey: .state, in: container,
                                                   debugDescription: "a generator state is 4 words, not \(words.count)")
        }
        (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(state, forKey: .state)
    }
}

extension RandomNumberGenerator {
    /// A uniform `Float` in [0, 1) from the top 24 bits, so every value is exact.
    @inlinable public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal value, by the Box–Muller transform in double precision.
    public mutating func nextNormal() -> Float {
        let u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let radius = (-2.0 * log(1.0 - u1)).squareRoot()
        return Float(radius * cos(2.0 * Double.pi * u2))
    }
}

extension Matrix {
    /// Fills the elements in use with standard normal values.
    public func fillNormal<G: RandomNumberGenerator>(using generator: inout G) {
        let values = buffer
        for i in values.indices { values[i] = generator.nextNormal() }
    }

    /// Fills the elements in use with U(−√3, √3): uniform with mean 0 and variance 1, the
    /// uniform counterpart of a standard normal.
    public func fillUniformUnitVariance<G: RandomNumberGenerator>(using generator: inout G) {
        fillUniform(from: -Float(3).squareRoot(), to: Float(3).squareRoot(), using: &generator)
    }

    /// Fills the elements in use with values uniform on [low, high).
    public func fillUniform<G: RandomNumberGenerator>(from low: Float, to high: Float, using generator: inout G) {
        let values = buffer
        let width = high - low
        for i in values.indices { values[i] = low + width * generator.nextUnitFloat() }
    }
}
