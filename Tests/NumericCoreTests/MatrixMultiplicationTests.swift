import Foundation
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

    /// xoshiro256** seeded by SplitMix64, as its authors publish it: the values a seed
    /// gives never change, or old runs would not resume as they were.
    @Test func theStreamIsXoshiro256StarStar() {
        var generator = SeededGenerator(seed: 42)
        #expect((0..<3).map { _ in generator.next() } == [1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009])
    }

    @Test func stateRoundTripsThroughJSONAndRejectsAWrongLength() throws {
        var generator = SeededGenerator(seed: 5)
        _ = generator.next()
        let data = try JSONEncoder().encode(generator)
        #expect(String(decoding: data, as: UTF8.self).hasPrefix("{\"state\":["))
        var restored = try JSONDecoder().decode(SeededGenerator.self, from: data)
        #expect(restored == generator && restored.next() == generator.next())
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SeededGenerator.self, from: Data(#"{"state":[1,2,3]}"#.utf8))
        }
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

/// The package's own product kernel against OpenBLAS, on shapes that reach every edge of
/// its blocking: row blocks of 8, panels of 48 columns in vectors of 16, slices of k
/// beyond 192, the split between cores by rows and by columns, and transposed operands.
@Suite struct OwnKernelTests {
    static let available = BLAS.implementation == .ownKernel

    static let shapes: [(m: Int, n: Int, k: Int)] = [
        (1, 1, 1), (7, 15, 3), (8, 16, 1), (9, 17, 5), (128, 150, 784), (784, 150, 128), (128, 784, 150),
        (64, 10, 100), (10, 100, 128), (3, 200, 40), (130, 49, 401), (16, 48, 193), (33, 97, 0),
    ]

    @Test(.enabled(if: available, "the processor has neither AVX-512 nor AVX2 with FMA"),
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func agreesWithOpenBLAS(transposeA: Bool, transposeB: Bool) {
        for (index, shape) in Self.shapes.enumerated() {
            let (m, n, k) = shape
            let a = randomMatrix(max(m * k, 1), 1, seed: UInt64(10 + index))
            let b = randomMatrix(max(k * n, 1), 1, seed: UInt64(50 + index))
            for (alpha, beta) in [(Float(1), Float(0)), (0.5, 1), (-2, 0.25)] {
                let ours = randomMatrix(m * n, 1, seed: UInt64(90 + index))
                let reference = randomMatrix(m * n, 1, seed: UInt64(90 + index))
                for (result, implementation) in [(ours, BLAS.Implementation.ownKernel), (reference, .openBLAS)] {
                    BLAS.multiply(m: m, n: n, k: k, a.base, transposeA: transposeA, b.base, transposeB: transposeB,
                                  into: result.base, alpha: alpha, beta: beta, using: implementation)
                }
                #expect(relativeError(ours.values, reference.values) < 1e-5,
                        "\(m)×\(n)×\(k), alpha \(alpha), beta \(beta)")
            }
        }
    }

    /// With beta = 0 the result's old contents are not read: NaNs there must not survive.
    @Test(.enabled(if: available, "the processor has neither AVX-512 nor AVX2 with FMA"))
    func betaZeroIgnoresWhatTheResultHeld() {
        let a = randomMatrix(20, 30, seed: 1), b = randomMatrix(30, 50, seed: 2)
        let c = Matrix(rows: 20, columns: 50)
        c.fill(with: .nan)
        BLAS.multiply(m: 20, n: 50, k: 30, a.base, b.base, into: c.base, using: .ownKernel)
        #expect(c.values.allSatisfy { $0.isFinite })
    }

    /// Products made from several threads at once (the pool serves one; the others run
    /// on their own thread) give each caller its own right answer.
    @Test(.enabled(if: available, "the processor has neither AVX-512 nor AVX2 with FMA"))
    func productsFromSeveralThreadsAtOnce() {
        // Each thread writes only its own result and its own slot of `worst`.
        nonisolated(unsafe) let a = randomMatrix(128, 300, seed: 3), b = randomMatrix(200, 300, seed: 4)
        nonisolated(unsafe) let expected = Matrix(rows: 128, columns: 200)
        BLAS.multiply(m: 128, n: 200, k: 300, a.base, b.base, transposeB: true, into: expected.base, using: .openBLAS)
        nonisolated(unsafe) let results = (0..<4).map { _ in Matrix(rows: 128, columns: 200) }
        nonisolated(unsafe) let worst = Matrix(rows: 1, columns: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for _ in 0..<20 {
                BLAS.multiply(m: 128, n: 200, k: 300, a.base, b.base, transposeB: true, into: results[thread].base,
                              using: .ownKernel)
                worst.base[thread] = max(worst.base[thread], Float(relativeError(results[thread].values, expected.values)))
            }
        }
        #expect(worst.values.allSatisfy { $0 < 1e-5 })
    }
}

@Suite struct ParallelTests {
    @Test func everyPartRunsOnceWithItsIndex() {
        for parts in 1...Parallel.width {
            let seen = Matrix(rows: 1, columns: parts)
            Parallel.forEachPart(parts) { part, count in
                #expect(count == parts)
                seen.base[part] += 1
            }
            #expect(seen.values == [Float](repeating: 1, count: parts))
        }
    }

    @Test func slicesCoverTheRangeWithoutOverlap() {
        for count in [0, 1, 7, 100] {
            for parts in 1...5 {
                let slices = (0..<parts).map { Parallel.slice(count, part: $0, of: parts) }
                #expect(slices.first?.lowerBound == 0 && slices.last?.upperBound == count)
                #expect(zip(slices, slices.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            }
        }
    }
}
