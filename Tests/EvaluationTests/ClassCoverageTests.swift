import Evaluation
import Foundation
import Testing

@Suite struct ClassCoverageTests {
    @Test func uniformPredictionsHaveTheLargestEntropy() {
        let coverage = ClassCoverage(predictions: (0..<1000).map { $0 % 10 }, classes: 10)
        #expect(coverage.counts == Array(repeating: 100, count: 10))
        #expect(abs(coverage.entropy - log(10)) < 1e-12)
        #expect(abs(coverage.normalizedEntropy - 1) < 1e-12)
        #expect(coverage.classesSeen == 10 && coverage.total == 1000)
    }

    @Test func oneClassHasNone() {
        let coverage = ClassCoverage(predictions: Array(repeating: 7, count: 50), classes: 10)
        #expect(coverage.entropy == 0 && coverage.normalizedEntropy == 0 && coverage.classesSeen == 1)
        #expect(coverage.fractions[7] == 1)
    }

    @Test func twoEqualClassesHaveLogTwo() {
        let coverage = ClassCoverage(predictions: [1, 8, 1, 8], classes: 10)
        #expect(abs(coverage.entropy - log(2)) < 1e-12)
        #expect(abs(coverage.normalizedEntropy - log(2) / log(10)) < 1e-12)
        #expect(ClassCoverage(predictions: [], classes: 3).entropy == 0)
    }
}
