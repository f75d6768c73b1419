import Evaluation
import Foundation
import NumericCore
import Testing
import TestSupport

@Suite struct FrechetDistanceTests {
    static func diagonal(_ values: [Double]) -> [Double] {
        var matrix = [Double](repeating: 0, count: values.count * values.count)
        for (i, value) in values.enumerated() { matrix[i * values.count + i] = value }
        return matrix
    }

    /// R D Rᵀ for the rotation R by `angle` in the plane of axes 0 and 1.
    static func rotated(_ values: [Double], angle: Double) -> [Double] {
        let n = values.count
        var rotation = diagonal([Double](repeating: 1, count: n))
        rotation[0] = cos(angle); rotation[1] = -sin(angle); rotation[n] = sin(angle); rotation[n + 1] = cos(angle)
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { result[i * n + j] += rotation[i * n + k] * values[k] * rotation[j * n + k] } } }
        return result
    }

    @Test func diagonalCovariancesHaveTheirClosedForm() {
        let a = [4.0, 1, 0.25, 9], b = [1.0, 1, 2, 0.5]
        let first = GaussianFit(mean: [0, 1, 2, 3], covariance: Self.diagonal(a))
        let second = GaussianFit(mean: [1, 1, 0, 3], covariance: Self.diagonal(b))
        // ‖μ₁ − μ₂‖² + Σ (√a − √b)²
        let expected = 5 + zip(a, b).reduce(0) { $0 + ($1.0.squareRoot() - $1.1.squareRoot()) * ($1.0.squareRoot() - $1.1.squareRoot()) }
        #expect(abs(FrechetDistance.squared(first, second) - expected) < 1e-12)
        #expect(abs(FrechetDistance.squared(second, first) - expected) < 1e-12)
    }

    @Test func covariancesRotatedTogetherKeepTheDiagonalForm() {
        let a = [4.0, 1, 3], b = [1.0, 2, 3]
        let first = GaussianFit(mean: [0, 0, 0], covariance: Self.rotated(a, angle: 0.7))
        let second = GaussianFit(mean: [0, 0, 0], covariance: Self.rotated(b, angle: 0.7))
        let expected = zip(a, b).reduce(0) { $0 + ($1.0.squareRoot() - $1.1.squareRoot()) * ($1.0.squareRoot() - $1.1.squareRoot()) }
        #expect(abs(FrechetDistance.squared(first, second) - expected) < 1e-12)
    }

    @Test func covariancesThatDoNotCommute() {
        // In two dimensions tr √M = √(tr M + 2 √det M) for M ⪰ 0, and M = Σ₁^½ Σ₂ Σ₁^½ has
        // tr M = tr Σ₁Σ₂ and det M = det Σ₁ det Σ₂.
        let s1 = Self.diagonal([4, 1]), s2 = Self.rotated([9, 0.25], angle: Double.pi / 6)
        let traceProduct = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3]
        let determinants = (s1[0] * s1[3] - s1[1] * s1[2]) * (s2[0] * s2[3] - s2[1] * s2[2])
        let cross = (traceProduct + 2 * determinants.squareRoot()).squareRoot()
        let expected = 2 + (4 + 1) + (9 + 0.25) - 2 * cross
        let distance = FrechetDistance.squared(GaussianFit(mean: [1, 1], covariance: s1), GaussianFit(mean: [0, 0], covariance: s2))
        #expect(abs(distance - expected) < 1e-12)
    }

    @Test func aSetIsAtDistanceZeroFromItself() {
        let features = randomMatrix(500, 16, in: 0...3, seed: 7)
        #expect(FrechetDistance.squared(between: features, and: features) < 1e-9)
        // A singular covariance (a constant column, two equal ones) is no trouble.
        for r in 0..<500 { features[r, 3] = 1; features[r, 5] = features[r, 4] }
        #expect(FrechetDistance.squared(between: features, and: features) < 1e-9)
        let shifted = Matrix(rows: 500, columns: 16)
        shifted.copy(from: features)
        for r in 0..<500 { shifted[r, 0] += 2 }
        #expect(abs(FrechetDistance.squared(between: features, and: shifted) - 4) < 1e-4)
    }

    @Test func fitMatchesTheDefinitions() {
        let features = Matrix(rows: 3, columns: 2, values: [1, 2, 3, 6, 5, 4])
        let fit = GaussianFit(fitting: features)
        #expect(fit.mean == [3, 4] && fit.count == 3)
        // Deviations (−2, −2), (0, 2), (2, 0): Σ = [[8, 4], [4, 8]] / 2.
        #expect(fit.covariance == [4, 2, 2, 4])
        #expect(fit.trace == 8)
    }
}
