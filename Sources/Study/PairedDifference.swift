import Foundation

/// The difference of one measure between two models trained on the same seeds, seed by
/// seed: the seed fixes the initial weights, the batches and the noise, so much of what
/// varies between seeds cancels in the pair, and the spread of the differences says
/// whether the gap is larger than what a change of seed alone makes.
struct PairedDifference {
    /// a − b for each seed both have.
    let differences: [Double]

    /// The pairs of `a` and `b` measured on the same seeds (their common prefix, as the
    /// study orders seeds alike); nil when they share none.
    init?(_ a: [Double], _ b: [Double]) {
        let count = min(a.count, b.count)
        guard count > 0 else { return nil }
        differences = (0..<count).map { a[$0] - b[$0] }
    }

    var count: Int { differences.count }
    var mean: Double { SeedSummary(differences).mean }
    var spread: Double { SeedSummary(differences).spread }

    /// Two-sided 95% quantiles of Student's t for 1 to 10 degrees of freedom.
    private static let t95: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]

    /// Half the width of the 95% confidence interval of the mean difference; nil with one
    /// pair, whose spread is unknown.
    var margin: Double? {
        guard count > 1 else { return nil }
        let t = count - 1 <= Self.t95.count ? Self.t95[count - 2] : 1.96
        return t * spread / Double(count).squareRoot()
    }

    /// Whether the seeds' own variation could make the gap: the 95% interval holds 0, or
    /// there is a single pair and nothing to tell.
    var isWithinNoise: Bool { margin.map { abs(mean) <= $0 } ?? true }

    /// "3.21 lower (−3.21 ± 0.40 over 3 paired seeds, 95% interval: better)", for a measure
    /// where `lowerIsBetter` says which way is better; `digits` decimals.
    func sentence(_ digits: Int, lowerIsBetter: Bool) -> String {
        let format = "%.\(digits)f"
        let size = String(format: format, abs(mean)) + (mean < 0 ? " lower" : " higher")
        guard let margin else { return size + " (one seed, so no spread to judge it by)" }
        let verdict = isWithinNoise ? "within the seeds' noise" : (mean < 0) == lowerIsBetter ? "better" : "worse"
        return size + " (" + String(format: format, mean) + " ± " + String(format: format, margin)
            + " over \(count) paired seeds, 95% interval: \(verdict))"
    }
}
