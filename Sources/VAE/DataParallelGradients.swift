import Datasets
import Optimizers
import NumericCore

/// A batch's gradient computed as two halves at once, one per core.
///
/// Splitting every matrix product of a step between the cores costs some twenty
/// hand-overs a step, and each core then reads rows the other computed. Here each core
/// runs the whole forward and backward pass of its own half of the batch, on its own copy
/// of the model, and the halves meet once: the batch's gradient is the images-weighted
/// mean of the two halves' gradients (each of which is already a mean over its images),
/// the same quantity up to rounding. The optimizer combines them in its own pass
/// (`Optimizer.step(_:)` on a `ShardedGradient` of two shards).
public final class DataParallelGradients {
    public let model: VariationalAutoencoder
    /// The second core's model: the same layers and the same weight matrices as `model`,
    /// its own buffers and gradients.
    private let replica: VariationalAutoencoder
    private let images: [Matrix]
    private let noise: [Matrix]
    private let losses: UnsafeMutablePointer<LossBreakdown>
    /// The last batch's gradient as two shards: the first half's in `model`'s parameters,
    /// the second's in the replica's.
    public private(set) var gradient: ShardedGradient

    /// Nil when batches are too small to split. On a single core the halves run one after
    /// the other, so that a seed gives the same numbers on every machine.
    public init?(model: VariationalAutoencoder, batchSize: Int) {
        guard batchSize >= 2 * Self.minimumHalf else { return nil }
        self.model = model
        var unused = SeededGenerator(seed: 0)
        replica = VariationalAutoencoder(model.configuration, generator: &unused)
        for (copy, original) in zip(replica.parameters, model.parameters) { copy.shareValues(with: original) }
        let half = Self.split(batchSize)  // the larger half
        images = (0..<2).map { _ in Matrix(rows: 0, columns: model.configuration.imageSize, rowCapacity: half) }
        noise = (0..<2).map { _ in Matrix(rows: 0, columns: model.configuration.codingSize, rowCapacity: half) }
        losses = .allocate(capacity: 2)
        losses.initialize(repeating: LossBreakdown(total: 0, reconstruction: 0, latent: 0, divergence: 0), count: 2)
        gradient = ShardedGradient(shards: [model.parameters.map(\.gradient), replica.parameters.map(\.gradient)],
                                   shares: [1, 0])
    }

    deinit { losses.deallocate() }

    /// Halves smaller than this are not worth a second core.
    static let minimumHalf = 8

    /// The first half's size: half the batch, in whole blocks of 8 rows.
    static func split(_ rows: Int) -> Int { (rows / 2 + 7) / 8 * 8 }

    /// Whether a batch of `rows` images is split (a smaller last batch may not be).
    public func splits(_ rows: Int) -> Bool { rows - Self.split(rows) >= Self.minimumHalf }

    /// The loss of the images at `indices` of `dataset` with `noise` (one row per image),
    /// leaving the batch's gradient in `gradient`: `model`'s parameters then hold only
    /// the first half's. Step with `step(_:)`, or call `combineGradients()` first.
    public func computeGradients(_ dataset: ImageDataset, indices: ArraySlice<Int>, noise: Matrix) -> LossBreakdown {
        let rows = indices.count
        let firstRows = onHalves(dataset, indices: indices, noise: noise) { model, images, noise in
            model.computeGradients(images: images, noise: noise)
        }
        let weights = (Float(firstRows) / Float(rows), Float(rows - firstRows) / Float(rows))
        if gradient.shares[0] != weights.0 || gradient.shares[1] != weights.1 {  // a new batch size
            gradient = ShardedGradient(shards: gradient.shards, shares: [weights.0, weights.1])
        }
        func mean(_ value: (LossBreakdown) -> Float) -> Float {
            weights.0 * value(losses[0]) + weights.1 * value(losses[1])
        }
        return LossBreakdown(total: mean(\.total), reconstruction: mean(\.reconstruction),
                             latent: mean(\.latent), divergence: mean(\.divergence))
    }

    /// `model.averageLoss(on:batchSize:generator:)` (the same batches and noise), each
    /// batch's halves on the two cores: the trainer's validation.
    public func averageLoss(on dataset: ImageDataset, batchSize: Int, generator: inout SeededGenerator) -> LossBreakdown {
        let batch = Matrix(rows: 0, columns: dataset.imageSize, rowCapacity: batchSize)
        return model.averageLoss(over: dataset.count, batchSize: batchSize, generator: &generator) { range, noise, average in
            guard splits(range.count) else {
                dataset.fill(batch, with: range)
                return average.add(model.loss(images: batch, noise: noise), images: range.count)
            }
            let firstRows = onHalves(dataset, indices: range, noise: noise) { model, images, noise in
                model.loss(images: images, noise: noise)
            }
            average.add(losses[0], images: firstRows)
            average.add(losses[1], images: range.count - firstRows)
        }
    }

    /// Runs `body` on the two halves of a batch at once, the first on `model`, the second
    /// on the replica, each with its images and rows of `noise`; leaves their losses in
    /// `losses` and returns the first half's size.
    private func onHalves<Indices: RandomAccessCollection<Int>>(
        _ dataset: ImageDataset, indices: Indices, noise batchNoise: Matrix,
        _ body: (VariationalAutoencoder, Matrix, Matrix) -> LossBreakdown
    ) -> Int where Indices.Index == Int {
        let rows = indices.count
        precondition(splits(rows) && batchNoise.rows == rows, "a batch of \(rows) images is not split")
        let firstRows = Self.split(rows)
        replica.latentWarmUp = model.latentWarmUp
        Parallel.forEachPart(2) { part, _ in
            let range = part == 0 ? 0..<firstRows : firstRows..<rows
            let start = indices.startIndex
            dataset.fill(images[part], with: indices[(start + range.lowerBound)..<(start + range.upperBound)])
            noise[part].setRows(range.count)
            let columns = batchNoise.columns
            noise[part].base.update(from: batchNoise.base + range.lowerBound * columns, count: range.count * columns)
            losses[part] = body(part == 0 ? model : replica, images[part], noise[part])
        }
        return firstRows
    }

    /// One step of `optimizer` (made for `model`'s parameters) on the last batch's gradient.
    public func step(_ optimizer: any Optimizer) {
        optimizer.step(gradient)
    }

    /// Writes the last batch's gradient into `model`'s parameters.
    public func combineGradients() {
        gradient.combine(into: model.parameters)
    }
}
