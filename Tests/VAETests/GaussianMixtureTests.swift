import Foundation
import NumericCore
import Testing
import TestSupport
@testable import VAE

@Suite struct GaussianMixtureTests {
    /// Two well-separated clusters, 30% and 70%, with different spreads.
    func clusters(seed: UInt64) -> Matrix {
        var generator = SeededGenerator(seed: seed)
        let points = Matrix(rows: 2000, columns: 2)
        for r in 0..<2000 {
            let first = r < 600
            points[r, 0] = (first ? -4 : 3) + (first ? 0.5 : 1.0) * generator.nextNormal()
            points[r, 1] = (first ? 2 : -1) + (first ? 0.5 : 0.3) * generator.nextNormal()
        }
        return points
    }

    @Test(arguments: GaussianMixture.Covariance.allCases)
    func recoversTwoClusters(covariance: GaussianMixture.Covariance) throws {
        var generator = SeededGenerator(seed: 2)
        let mixture = try GaussianMixture.fit(clusters(seed: 1), components: 2, covariance: covariance, generator: &generator)
        let order = mixture.means[0][0] < mixture.means[1][0] ? [0, 1] : [1, 0]
        #expect(abs(mixture.weights[order[0]] - 0.3) < 0.02)
        #expect(abs(mixture.means[order[0]][0] + 4) < 0.1 && abs(mixture.means[order[1]][1] + 1) < 0.1)
        // The second cluster's spread along x is 1.0: L₀₀ is its standard deviation.
        #expect(abs(mixture.choleskyFactors[order[1]][0] - 1.0) < 0.1)
        // EM never lowers the likelihood.
        for (before, after) in zip(mixture.logLikelihoods, mixture.logLikelihoods.dropFirst()) {
            #expect(after >= before - 1e-9)
        }
        try mixture.validate()
    }

    @Test func samplesFollowTheMixture() throws {
        var generator = SeededGenerator(seed: 3)
        let mixture = try GaussianMixture.fit(clusters(seed: 4), components: 2, generator: &generator)
        let samples = mixture.sample(count: 20_000, generator: &generator)
        let left = (0..<samples.rows).filter { samples[$0, 0] < 0 }.count
        #expect(abs(Double(left) / 20_000 - 0.3) < 0.02)
        let density = mixture.logDensity([3, -1], component: mixture.means[0][0] > 0 ? 0 : 1)
        #expect(density > mixture.logDensity([0, 0], component: mixture.means[0][0] > 0 ? 0 : 1))
    }

    @Test func roundTripsAndRejectsBadMixtures() throws {
        var generator = SeededGenerator(seed: 5)
        let mixture = try GaussianMixture.fit(clusters(seed: 6), components: 2, covariance: .diagonal, generator: &generator)
        let decoded = try JSONDecoder().decode(GaussianMixture.self, from: JSONEncoder().encode(mixture))
        #expect(decoded == mixture)
        var broken = mixture
        broken.weights[0] = -1
        #expect(throws: ConfigurationError.self) { try broken.validate() }
        broken = mixture
        broken.choleskyFactors[1] = [1, 0]
        #expect(throws: ConfigurationError.self) { try broken.validate() }
        #expect(throws: ConfigurationError.self) {
            try GaussianMixture.fit(clusters(seed: 7), components: 0, generator: &generator)
        }
    }
}
