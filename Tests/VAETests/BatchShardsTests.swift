import Datasets
import Foundation
import NumericCore
import Optimizers
import Testing
import TestSupport
@testable import VAE

/// The trainer computes a batch's gradient in shards, one per core, each on its own
/// replica of the model; the result must be the whole batch's gradient to rounding.
@Suite struct BatchShardsTests {
    /// Two models with the same initial weights, a dataset, a batch of `rows` images of it
    /// and its noise, and the whole batch's loss and gradients computed by the first model.
    func setUp(rows: Int, seed: UInt64) throws
        -> (whole: VariationalAutoencoder, split: VariationalAutoencoder, dataset: ImageDataset,
            indices: ArraySlice<Int>, images: Matrix, noise: Matrix, expected: LossBreakdown) {
        let dataset = try MNISTFormat.load(.train, from: try IDXFiles.makeDataset(train: 200, test: 10, side: 28))
        var generator = SeededGenerator(seed: seed), copyGenerator = SeededGenerator(seed: seed)
        let whole = try VariationalAutoencoder(.book, generator: &generator)
        let split = try VariationalAutoencoder(.book, generator: &copyGenerator)
        let indices = Array((0..<200).shuffled(using: &generator).prefix(rows))[...]
        let noise = Matrix(rows: rows, columns: 10)
        noise.fillNormal(using: &generator)
        let images = Matrix(rows: rows, columns: 784)
        dataset.fill(images, with: indices)
        let expected = whole.computeGradients(images: images, noise: noise)
        return (whole, split, dataset, indices, images, noise, expected)
    }

    func expectSameGradients(_ split: VariationalAutoencoder, _ whole: VariationalAutoencoder) {
        for (a, b) in zip(split.parameters, whole.parameters) {
            #expect(relativeError(a.gradient.values, b.gradient.values) < 1e-5, "\(a.name)")
        }
    }

    @Test(arguments: [(128, 2), (88, 2), (17, 2), (128, 3), (100, 1)])
    func shardsGiveTheWholeBatchsGradient(rows: Int, count: Int) throws {
        let (whole, split, dataset, indices, images, noise, expected) = try setUp(rows: rows, seed: 3)
        let shards = BatchShards(model: split, count: count, batchSize: 128)
        #expect(shards.ranges(rows).count == count)
        let (loss, gradient) = shards.computeGradients(dataset, indices: indices, noise: noise, latentWarmUp: 1)
        gradient.combine(into: split.parameters)

        #expect(abs(loss.total - expected.total) <= 1e-6 * expected.total)
        #expect(abs(loss.divergence - expected.divergence) <= 1e-5 * expected.divergence)
        expectSameGradients(split, whole)
        // A change to the model's weights reaches every replica: they share them.
        split.parameters[0].value.base[0] += 1
        whole.parameters[0].value.base[0] += 1
        let moved = whole.computeGradients(images: images, noise: noise).total
        let again = shards.computeGradients(dataset, indices: indices, noise: noise, latentWarmUp: 1).loss.total
        #expect(abs(again - moved) <= 1e-6 * moved)
    }

    /// One shard is the model's own step: the same bits as computing on the whole batch.
    @Test func oneShardIsTheUnsplitStep() throws {
        let (whole, split, dataset, indices, _, noise, expected) = try setUp(rows: 64, seed: 8)
        let shards = BatchShards(model: split, count: 1, batchSize: 64)
        let (loss, gradient) = shards.computeGradients(dataset, indices: indices, noise: noise, latentWarmUp: 1)
        #expect(loss == expected)
        #expect(gradient.shards.count == 1)
        for (a, b) in zip(split.parameters, whole.parameters) { #expect(a.gradient.values == b.gradient.values) }
    }

    /// Where no second core is free (here: inside a part that already holds the pool),
    /// the shards run one after the other, and all are computed.
    @Test func everyShardIsComputedWithoutASecondCore() throws {
        let (whole, split, dataset, indices, _, noise, expected) = try setUp(rows: 64, seed: 5)
        let shards = BatchShards(model: split, count: 2, batchSize: 64)
        let total = Matrix(rows: 1, columns: 1)
        // Part 0 computes the batch while part 1, holding the pool's other thread, does nothing.
        Parallel.forEachPart(2) { part, _ in
            if part == 0 {
                #expect(Parallel.width == 1)
                let (loss, gradient) = shards.computeGradients(dataset, indices: indices, noise: noise, latentWarmUp: 1)
                total.base[0] = loss.total
                gradient.combine(into: split.parameters)
            }
        }
        #expect(abs(total.base[0] - expected.total) <= 1e-6 * expected.total)
        expectSameGradients(split, whole)
    }

    /// Shards are whole blocks of 8 rows and never smaller than 8: small batches are cut
    /// into fewer shards, the way two halves always were.
    @Test func smallBatchesAreCutIntoFewerShards() throws {
        var generator = SeededGenerator(seed: 4)
        let model = try VariationalAutoencoder(.book, generator: &generator)
        #expect(BatchShards(model: model, count: 2, batchSize: 15).models.count == 1)
        let shards = BatchShards(model: model, count: 2, batchSize: 32)
        #expect(shards.ranges(15).count == 1 && shards.ranges(16) == [0..<8, 8..<16])
        #expect(shards.ranges(88) == [0..<48, 48..<88] && shards.ranges(128) == [0..<64, 64..<128])
        let three = BatchShards(model: model, count: 3, batchSize: 128)
        #expect(three.ranges(128) == [0..<48, 48..<96, 96..<128] && three.ranges(24).count == 3)
        #expect(three.ranges(20).count == 1)
    }

    /// Validation by shards gives the model's own average loss, to rounding, with the same
    /// batches and noise (a last batch of 7 images is not split).
    @Test func validationByShardsGivesTheModelsAverageLoss() throws {
        let dataset = try MNISTFormat.load(.train, from: try IDXFiles.makeDataset(train: 263, test: 10, side: 28))
        var generator = SeededGenerator(seed: 6)
        let model = try VariationalAutoencoder(.book, generator: &generator)
        let shards = BatchShards(model: model, count: 2, batchSize: 128)
        var first = SeededGenerator(seed: 7), second = SeededGenerator(seed: 7)
        let expected = model.averageLoss(on: dataset, batchSize: 128, generator: &first)
        let loss = shards.averageLoss(on: dataset, batchSize: 128, latentWarmUp: 1, generator: &second)
        #expect(first == second)
        #expect(abs(loss.total - expected.total) <= 1e-6 * expected.total)
        #expect(abs(loss.divergence - expected.divergence) <= 1e-5 * expected.divergence)
    }
}

extension BatchShardsTests {
    /// While a batch's shards run at once, each product they start stays on its thread (two
    /// products splitting themselves between the same cores would only wait for each
    /// other). An unsplit batch's products may use every core.
    @Test func productsInsideAShardUseOneThread() throws {
        let (_, split, dataset, indices, _, noise, _) = try setUp(rows: 64, seed: 9)
        let shards = BatchShards(model: split, count: 2, batchSize: 64)
        let seen = Matrix(rows: 1, columns: 2)
        _ = shards.onShards(dataset, indices: indices, noise: noise) { model, images, noise in
            seen.base[model === split ? 0 : 1] = Float(BLAS.threadsPerProduct)
            return model.loss(images: images, noise: noise)
        }
        #expect(seen.values == [1, 1])
        let whole = BatchShards(model: split, count: 1, batchSize: 64)
        _ = whole.onShards(dataset, indices: indices, noise: noise) { model, images, noise in
            seen.base[0] = Float(BLAS.threadsPerProduct)
            return model.loss(images: images, noise: noise)
        }
        #expect(Int(seen.base[0]) == Parallel.width)
    }
}
