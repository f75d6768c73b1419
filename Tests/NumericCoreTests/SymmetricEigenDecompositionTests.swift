import Foundation
import NumericCore
import Testing

@Suite struct SymmetricEigenDecompositionTests {
    /// Q diag(values) Qᵀ for an orthogonal Q: a symmetric matrix whose decomposition is known.
    static func compose(_ q: [Double], _ values: [Double]) -> [Double] {
        let n = values.count
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { for k in 0..<n { a[i * n + j] += q[i * n + k] * values[k] * q[j * n + k] } } }
        return a
    }

    /// The Householder reflection I − 2 u uᵀ / uᵀu: orthogonal and symmetric, and dense.
    static func reflection(_ u: [Double]) -> [Double] {
        let n = u.count, norm = u.reduce(0) { $0 + $1 * $1 }
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { q[i * n + j] = (i == j ? 1 : 0) - 2 * u[i] * u[j] / norm } }
        return q
    }

    @Test func twoByTwo() {
        let decomposition = SymmetricEigenDecomposition([2, 1, 1, 2], dimension: 2)
        #expect(abs(decomposition.values[0] - 1) < 1e-14 && abs(decomposition.values[1] - 3) < 1e-14)
        // The eigenvector of 3 is (1, 1)/√2, up to sign.
        let v = decomposition.vectors
        #expect(abs(abs(v[1]) - 0.5.squareRoot()) < 1e-14 && abs(v[1] - v[3]) < 1e-14)
        #expect(abs(v[0] + v[2]) < 1e-14)
    }

    @Test func recoversAKnownDecomposition() {
        let n = 12
        let values = (0..<n).map { Double($0 * $0) / 7 - 3 }       // ascending, one near 0, some negative
        let q = Self.reflection((0..<n).map { sin(Double($0) + 1) })
        let decomposition = SymmetricEigenDecomposition(Self.compose(q, values), dimension: n)
        for (found, expected) in zip(decomposition.values, values) { #expect(abs(found - expected) < 1e-12) }
        // Each eigenvector is ± the matching column of Q.
        for j in 0..<n {
            let dot = (0..<n).reduce(0.0) { $0 + decomposition.vectors[$1 * n + j] * q[$1 * n + j] }
            #expect(abs(abs(dot) - 1) < 1e-12)
        }
    }

    @Test func randomMatrixIsReassembled() {
        let n = 40
        var generator = SeededGenerator(seed: 3)
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { let x = Double(generator.nextNormal()); a[i * n + j] = x; a[j * n + i] = x } }
        let decomposition = SymmetricEigenDecomposition(a, dimension: n)
        let v = decomposition.vectors
        var largestResidual = 0.0, largestOrthogonality = 0.0
        for i in 0..<n {
            for j in 0..<n {
                // (A V − V Λ)[i, j] and (Vᵀ V − I)[i, j]
                var av = 0.0, vtv = 0.0
                for k in 0..<n { av += a[i * n + k] * v[k * n + j]; vtv += v[k * n + i] * v[k * n + j] }
                largestResidual = max(largestResidual, abs(av - v[i * n + j] * decomposition.values[j]))
                largestOrthogonality = max(largestOrthogonality, abs(vtv - (i == j ? 1 : 0)))
            }
        }
        #expect(largestResidual < 1e-12)
        #expect(largestOrthogonality < 1e-13)
        #expect(zip(decomposition.values, decomposition.values.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(decomposition.sweeps < 15)
    }

    @Test func squareRootOfASemiDefiniteMatrix() {
        // Rank 2 in 4 dimensions: the square root squares back to it.
        let values = [0, 0, 0.5, 4.0]
        let a = Self.compose(Self.reflection([1, -2, 0.5, 3]), values)
        let root = SymmetricEigenDecomposition(a, dimension: 4).applying { max($0, 0).squareRoot() }
        for i in 0..<4 {
            for j in 0..<4 {
                let square = (0..<4).reduce(0.0) { $0 + root[i * 4 + $1] * root[$1 * 4 + j] }
                #expect(abs(square - a[i * 4 + j]) < 1e-12)
            }
        }
    }

    @Test func emptyAndDiagonalMatrices() {
        #expect(SymmetricEigenDecomposition([], dimension: 0).values.isEmpty)
        let diagonal = SymmetricEigenDecomposition([3, 0, 0, 0, -1, 0, 0, 0, 2], dimension: 3)
        #expect(diagonal.values == [-1, 2, 3] && diagonal.sweeps == 0)
    }
}
