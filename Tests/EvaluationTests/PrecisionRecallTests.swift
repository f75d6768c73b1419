@testable import Evaluation
import Foundation
import NumericCore
import Testing
import TestSupport

@Suite struct PrecisionRecallTests {
    static func normalMatrix(_ rows: Int, _ columns: Int, seed: UInt64) -> Matrix {
        var generator = SeededGenerator(seed: seed)
        let matrix = Matrix(rows: rows, columns: columns)
        matrix.fillNormal(using: &generator)
        return matrix
    }

    @Test func blocksGiveTheDirectDistances() {
        let a = randomMatrix(23, 5, seed: 1), b = randomMatrix(17, 5, seed: 2)
        var seen = 0
        PairwiseDistances(a, b, blockSize: 7).forEachBlock { rows, columns, distances in
            for i in rows {
                for j in columns {
                    let direct = (0..<5).reduce(Float(0)) { $0 + (a[i, $1] - b[j, $1]) * (a[i, $1] - b[j, $1]) }
                    #expect(abs(distances[(i - rows.lowerBound) * columns.count + j - columns.lowerBound] - direct) < 1e-5)
                    seen += 1
                }
            }
        }
        #expect(seen == 23 * 17)
    }

    @Test func kthNeighbourMatchesASortedList() {
        let set = randomMatrix(30, 4, seed: 3)
        let radii = PairwiseDistances.kthNeighbourSquaredDistances(set, k: 3, blockSize: 8)
        for i in 0..<30 {
            let sorted = (0..<30).filter { $0 != i }.map { j in
                (0..<4).reduce(Float(0)) { $0 + (set[i, $1] - set[j, $1]) * (set[i, $1] - set[j, $1]) }
            }.sorted()
            #expect(abs(radii[i] - sorted[2]) < 1e-5)
        }
    }

    @Test func aSetAgainstItselfIsPerfect() {
        let real = Self.normalMatrix(400, 8, seed: 4)
        let result = PrecisionRecall(real: real, generated: real)
        #expect(result.precision == 1 && result.recall == 1 && result.neighbours == 3)
        // Every point lies in its own ball and in those of the neighbours it counts among its k.
        #expect(result.coverage == 1 && result.density > 1, "\(result)")
    }

    @Test func aShiftedSetLosesBoth() {
        let real = Self.normalMatrix(400, 8, seed: 5)
        let generated = Self.normalMatrix(400, 8, seed: 6)
        let fresh = PrecisionRecall(real: real, generated: generated)
        for i in generated.buffer.indices { generated.base[i] += 1.5 }
        let shifted = PrecisionRecall(real: real, generated: generated)
        #expect(fresh.precision > 0.8 && fresh.recall > 0.8, "\(fresh)")
        #expect(shifted.precision < 0.5 && shifted.recall < 0.5, "\(shifted)")
        #expect(fresh.density > 0.7 && fresh.coverage > 0.8, "\(fresh)")
        #expect(shifted.density < 0.3 && shifted.coverage < 0.5, "\(shifted)")
    }

    @Test func aCollapsedSetIsPreciseButRecallsLittle() {
        let real = Self.normalMatrix(400, 8, seed: 7)
        // 400 samples that are copies of four real points: all look real, little is covered.
        let generated = Matrix(rows: 400, columns: 8)
        for r in 0..<400 { for c in 0..<8 { generated[r, c] = real[r % 4, c] } }
        let result = PrecisionRecall(real: real, generated: generated)
        #expect(result.precision == 1)
        #expect(result.recall < 0.05 && result.coverage < 0.05, "\(result)")
    }
}
