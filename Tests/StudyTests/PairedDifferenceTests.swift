import Testing
@testable import Study

/// How the study tells a difference between models from a change of seed.
@Suite struct PairedDifferenceTests {
    /// A gap that every seed shows alike is real however small; one that changes sign with
    /// the seed is noise however large its mean.
    @Test func consistentGapsCountAndSignFlipsDoNot() throws {
        let steady = try #require(PairedDifference([10.2, 12.21, 9.19], [10.0, 12.0, 9.0]))
        #expect(abs(steady.mean - 0.2) < 1e-9 && !steady.isWithinNoise)
        let noisy = try #require(PairedDifference([14, 6, 13], [10, 10, 10]))
        #expect(noisy.mean == 1 && noisy.isWithinNoise)
        // 95% interval of the mean of 3 differences: t(2) = 4.303 × SD / √3.
        #expect(abs(noisy.margin! - 4.303 * noisy.spread / 3.0.squareRoot()) < 1e-9)
    }

    @Test func theSentenceSaysWhichWayAndWhetherItCounts() throws {
        let better = try #require(PairedDifference([8, 9, 10], [10, 11, 12.2]))
        #expect(better.sentence(2, lowerIsBetter: true).hasPrefix("2.07 lower (-2.07 ± "))
        #expect(better.sentence(2, lowerIsBetter: true).hasSuffix("over 3 paired seeds, 95% interval: better)"))
        #expect(better.sentence(2, lowerIsBetter: false).hasSuffix("worse)"))
        let single = try #require(PairedDifference([3], [1]))
        #expect(single.isWithinNoise && single.sentence(1, lowerIsBetter: true) == "2.0 higher (one seed, so no spread to judge it by)")
        #expect(PairedDifference([], [1]) == nil)
    }
}
