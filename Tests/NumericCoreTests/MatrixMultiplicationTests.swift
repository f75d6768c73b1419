import NumericCore
import Testing
import TestSupport

@Suite struct MatrixMultiplicationTests {
    /// The product by the textbook triple loop, in double precision.
    func naive(_ a: Matrix, _ b: Matrix, transposeA: Bool, transposeB: Bool) -> [Float] {
        let m = transposeA ? a.columns : a.rows, k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        var result = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    sum += Double(transposeA ? a[p, i] : a[i, p]) * Double(transposeB ? b[j, p] : b[p, j])
                }
                result[i * n + j] = Float(sum)
            }
        }
        return result
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func productMatchesTheDefinition(transposeA: Bool, transposeB: Bool) {
        let a = transposeA ? randomMatrix(7, 5, seed: 1) : randomMatrix(5, 7, seed: 1)
        let b = transposeB ? randomMatrix(3, 7, seed: 2) : randomMatrix(7, 3, seed: 2)
        let c = Matrix(rows: 5, columns: 3)
        Matrix.multiply(a, b, into: c, transposeA: transposeA, transposeB: transposeB)
        #expect(relativeError(c.values, naive(a, b, transposeA: transposeA, transposeB: transposeB)) < 1e-6)
    }

    @Test func betaAccumulatesIntoTheResult() {
        let a = randomMatrix(4, 6, seed: 3), b = randomMatrix(6, 2, seed: 4)
        let c = randomMatrix(4, 2, seed: 5)
        let before = c.values
        Matrix.multiply(a, b, into: c, alpha: 2, beta: 1)
        let product = naive(a, b, transposeA: false, transposeB: false)
        #expect(relativeError(c.values, zip(before, product).map { $0 + 2 * $1 }) < 1e-6)
    }

    @Test func rowsShrinkAndGrowWithinCapacity() {
        let m = Matrix(rows: 2, columns: 3, rowCapacity: 10)
        #expect(m.rowCapacity == 10 && m.count == 6)
        m.setRows(10)
        #expect(m.values.count == 30 && m.values.allSatisfy { $0 == 0 })
        let a = randomMatrix(10, 4, seed: 6), b = randomMatrix(4, 3, seed: 7)
        Matrix.multiply(a, b, into: m)
        #expect(m.rows == 10)
    }

    @Test func reductionsMatchPlainSums() {
        let a = randomMatrix(1, 37, seed: 8), b = randomMatrix(1, 37, seed: 9)
        let plainSum = a.values.reduce(0.0) { $0 + Double($1) }
        let plainDistance = zip(a.values, b.values).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        #expect(abs(Double(Reductions.sum(a.base, count: 37)) - plainSum) < 1e-5)
        #expect(abs(Double(Reductions.squaredDistance(a.base, b.base, count: 37)) - plainDistance) < 1e-5)
    }
}

@Suite struct RandomGeneratorTests {
    @Test func theSameSeedGivesTheSameStream() {
        var a = SeededGenerator(seed: 123), b = SeededGenerator(seed: 123), c = SeededGenerator(seed: 124)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
    }

    @Test func normalValuesHaveMeanZeroAndUnitVariance() {
        var generator = SeededGenerator(seed: 9)
        let values = (0..<200_000).map { _ in Double(generator.nextNormal()) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.01)
        let beyondTwo = Double(values.filter { abs($0) > 2 }.count) / Double(values.count)
        #expect(abs(beyondTwo - 0.0455) < 0.003)  // P(|Z| > 2) for a standard normal
    }

    @Test func uniformValuesStayInRange() {
        var generator = SeededGenerator(seed: 10)
        let matrix = Matrix(rows: 100, columns: 100)
        matrix.fillUniform(from: -0.5, to: 0.25, using: &generator)
        #expect(matrix.values.allSatisfy { $0 >= -0.5 && $0 < 0.25 })
        #expect(matrix.values.min()! < -0.49 && matrix.values.max()! > 0.24)
    }
}
