import Foundation
import NumericCore
import Testing
import Visualization

@Suite struct PrincipalComponentsTests {
    static let diagonal = [(0.5).squareRoot(), (0.5).squareRoot(), 0]         // (1, 1, 0)/√2
    static let antidiagonal = [(0.5).squareRoot(), -(0.5).squareRoot(), 0]    // (1, −1, 0)/√2
    static let offset = [5.0, -2, 1]

    /// Points a (1,1,0)/√2 + b (1,−1,0)/√2 + c (0,0,1) + offset for every combination of
    /// a = ±3, b = ±1, c = ±0.5: a design whose sample covariance is exactly diagonal in
    /// that basis, with variances in the ratio 9 : 1 : 0.25.
    static func stretchedAlongTheDiagonal() -> (data: Matrix, coefficients: [(a: Double, b: Double)]) {
        var values: [Float] = [], coefficients: [(a: Double, b: Double)] = []
        for a in [-3.0, 3] {
            for b in [-1.0, 1] {
                for c in [-0.5, 0.5] {
                    for d in 0..<3 { values.append(Float(a * diagonal[d] + b * antidiagonal[d] + c * (d == 2 ? 1 : 0) + offset[d])) }
                    coefficients.append((a, b))
                }
            }
        }
        return (Matrix(rows: 8, columns: 3, values: values), coefficients)
    }

    @Test func findsTheDirectionOfLargestVariance() {
        let (data, _) = Self.stretchedAlongTheDiagonal()
        let pca = PrincipalComponents(fitting: data, count: 2)
        #expect(pca.components.count == 2 && pca.components[0].count == 3)
        func dot(_ u: [Double], _ v: [Double]) -> Double { zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } }
        // Both elements of (1, 1, 0)/√2 are positive, as the sign convention asks.
        #expect(abs(dot(pca.components[0], Self.diagonal) - 1) < 1e-6)
        #expect(abs(abs(dot(pca.components[1], Self.antidiagonal)) - 1) < 1e-6)
        let total = 9 + 1 + 0.25
        #expect(abs(pca.explainedVarianceRatio[0] - 9 / total) < 1e-6)
        #expect(abs(pca.explainedVarianceRatio[1] - 1 / total) < 1e-6)
        // Variances divide by rows − 1: 8 points of ±3 have 9 · 8/7.
        #expect(abs(pca.variances[0] - 9 * 8 / 7) < 1e-5)
        for (found, expected) in zip(pca.mean, Self.offset) { #expect(abs(found - expected) < 1e-6) }
    }

    @Test func projectionGivesTheCoordinatesAlongTheComponents() {
        let (data, coefficients) = Self.stretchedAlongTheDiagonal()
        let pca = PrincipalComponents(fitting: data, count: 2)
        let projected = pca.project(data)
        #expect(projected.rows == 8 && projected.columns == 2)
        let sign = Double(projected[0, 1]) * coefficients[0].b > 0 ? 1.0 : -1.0
        for (row, coefficient) in coefficients.enumerated() {
            #expect(abs(Double(projected[row, 0]) - coefficient.a) < 1e-5)
            #expect(abs(Double(projected[row, 1]) - sign * coefficient.b) < 1e-5)
        }
    }

    @Test func recoversADirectionFromNoisySamples() {
        // 5,000 Gaussian points, standard deviation 3 along (1, 1)/√2 and 1 across it.
        var generator = SeededGenerator(seed: 11)
        let data = Matrix(rows: 5000, columns: 2)
        for row in 0..<5000 {
            let along = 3 * Double(generator.nextNormal()), across = Double(generator.nextNormal())
            data[row, 0] = Float((along + across) * (0.5).squareRoot() + 2)
            data[row, 1] = Float((along - across) * (0.5).squareRoot() - 1)
        }
        let pca = PrincipalComponents(fitting: data, count: 2)
        #expect(abs(pca.components[0][0] - (0.5).squareRoot()) < 0.01 && abs(pca.components[0][1] - (0.5).squareRoot()) < 0.01)
        #expect(abs(pca.explainedVarianceRatio[0] - 0.9) < 0.01)
        #expect(abs(pca.explainedVarianceRatio.reduce(0, +) - 1) < 1e-9)
        // Two components of two dimensions turn the plane: distances stay as they were.
        let projected = pca.project(data)
        for (i, j) in [(0, 1), (2, 3999), (17, 4242)] {
            func distance(_ m: Matrix) -> Float { Reductions.squaredDistance(m.base + i * 2, m.base + j * 2, count: 2).squareRoot() }
            #expect(abs(distance(projected) - distance(data)) < 1e-4)
        }
    }

    @Test func constantDataHasNoExplainedVariance() {
        let data = Matrix(rows: 4, columns: 2, values: [1, 2, 1, 2, 1, 2, 1, 2])
        let pca = PrincipalComponents(fitting: data, count: 1)
        #expect(pca.variances == [0] && pca.explainedVarianceRatio == [0])
        #expect(pca.project(data).values == [0, 0, 0, 0])
    }
}
