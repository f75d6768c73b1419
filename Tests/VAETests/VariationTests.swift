import Datasets
import Foundation
import NumericCore
import Testing
import TestSupport
@testable import VAE

@Suite struct VariationTests {
    @Test func priorsStayInTheirRanges() {
        var generator = SeededGenerator(seed: 1)
        let uniform = Codings.random(count: 2000, size: 5, prior: .uniform, generator: &generator).values
        #expect(uniform.allSatisfy { abs($0) <= 1 } && uniform.contains { abs($0) > 0.99 })
        let matched = Codings.random(count: 2000, size: 5, prior: .uniformMatched, generator: &generator).values
        let variance = matched.reduce(0) { $0 + Double($1 * $1) } / Double(matched.count)
        #expect(matched.allSatisfy { abs($0) <= Float(3).squareRoot() } && abs(variance - 1) < 0.05)
        let truncated = Codings.random(count: 2000, size: 5, prior: .truncated, generator: &generator).values
        #expect(truncated.allSatisfy { abs($0) <= 2 } && truncated.contains { abs($0) > 1.9 })
    }

    @Test func noiseKindsHaveUnitVarianceOrNone() {
        var generator = SeededGenerator(seed: 2)
        let matrix = Matrix(rows: 500, columns: 20)
        for (noise, expected) in [(Noise.gaussian, 1.0), (.uniform, 1.0), (.none, 0.0)] {
            noise.fill(matrix, using: &generator)
            let variance = matrix.values.reduce(0) { $0 + Double($1 * $1) } / Double(matrix.count)
            #expect(abs(variance - expected) < 0.05, "\(noise): \(variance)")
        }
    }

    @Test func traversalAndGridPlaceTheirCodings() {
        let traversal = Codings.traversal(size: 3, from: -3, to: 3, steps: 4)
        #expect(traversal.rows == 12)
        #expect(traversal[5, 1] == -1 && traversal[5, 0] == 0 && traversal[11, 2] == 3)
        let grid = Codings.grid(from: -2, to: 2, steps: 3)
        #expect(grid.rows == 9 && grid[0, 0] == -2 && grid[0, 1] == 2 && grid[8, 0] == 2 && grid[8, 1] == -2)
    }

    @Test func klWarmUpGrowsLinearlyFromZero() throws {
        let options = TrainingOptions(epochs: 4, batchSize: 100, klWarmUp: 2)
        #expect(options.warmUpFactor(epoch: 1, step: 0, steps: 10) == 0)
        #expect(options.warmUpFactor(epoch: 1, step: 5, steps: 10) == 0.25)
        #expect(options.warmUpFactor(epoch: 2, step: 10, steps: 10) == 1)
        #expect(options.warmUpFactor(epoch: 3, step: 0, steps: 10) == 1)
        #expect(TrainingOptions().warmUpFactor(epoch: 1, step: 0, steps: 10) == 1)

        let full = try MNISTFormat.load(.train, from: IDXFiles.makeDataset(train: 500, test: 10, side: 8))
        let configuration = ModelConfiguration(imageHeight: 8, imageWidth: 8, codingSize: 3, hidden: [16])
        var generator = SeededGenerator(seed: 3)
        let model = try VariationalAutoencoder(configuration, generator: &generator)
        let trainer = try Trainer(model: model, training: full.subset(0..<400), validation: full.subset(400..<500),
                              options: options, generator: generator)
        let first = try trainer.trainEpoch()
        // In the first epoch β averages half its value, so the latent loss is well below β·KL/64.
        #expect(first.loss.latent < 0.6 * first.loss.divergence / 64)
        // Validation after the first epoch weighs the KL by the warm-up factor reached, ½.
        let validation = try #require(first.validation)
        #expect(abs(validation.latent - 0.5 * model.latentWeight() * validation.divergence) <= 1e-6 * validation.latent)
        let second = try trainer.trainEpoch()
        let warmed = try #require(second.validation)
        #expect(abs(warmed.latent - model.latentWeight() * warmed.divergence) <= 1e-6 * warmed.latent)
    }
}
