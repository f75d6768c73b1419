import Datasets
import NumericCore
import Optimizers

/// A batch's loss and gradient computed in N ≥ 1 shards at once, one per core.
///
/// Splitting every matrix product of a step between the cores costs some twenty
/// hand-overs a step, and each core then reads rows another computed. Here each shard runs
/// the whole forward and backward pass of its own rows of the batch, on its own replica of
/// the model (the same weights, its own buffers and gradients), and the shards meet once:
/// in the optimizer, which takes the batch's gradient as the images-weighted mean of
/// theirs (`ShardedGradient`). One shard is the plain, unsplit step.
///
/// How a batch is cut depends only on the number of shards asked for, never on the cores
/// present: on one core the shards run one after the other, so a seed gives the same
/// numbers on every machine.
public final class BatchShards<Model: TrainableModel> {
    /// `models[0]` is the model trained; the others are its replicas.
    public let models: [Model]
    private let images: [Matrix]
    private let noise: [Matrix]
    /// Each model's parameter gradients, in the parameters' order: the shards a step hands
    /// the optimizer.
    private let gradients: [[Matrix]]
    /// Each shard's loss of the last batch, written by the shards' threads at once.
    private let losses: UnsafeMutablePointer<LossBreakdown>

    /// Shards for batches of up to `batchSize` images of `model`, at most `count` of them.
    public init(model: Model, count: Int, batchSize: Int) {
        let count = max(1, min(count, batchSize / Self.minimumRows))
        models = [model] + (1..<max(count, 1)).map { _ in model.replica() }
        gradients = models.map { $0.parameters.map(\.gradient) }
        images = models.map { _ in Matrix(rows: 0, columns: model.inputSize, rowCapacity: batchSize) }
        noise = models.map { _ in Matrix(rows: 0, columns: model.noiseSize, rowCapacity: batchSize) }
        losses = .allocate(capacity: models.count)
        losses.initialize(repeating: LossBreakdown(total: 0, reconstruction: 0, latent: 0, divergence: 0), count: models.count)
    }

    deinit { losses.deallocate() }

    /// Shards smaller than this are not worth a core.
    static var minimumRows: Int { 8 }

    /// The rows of a batch of `rows` images each shard takes: all but the last take the
    /// same number, in whole blocks of 8 rows, and no shard takes fewer than 8 (a small
    /// batch is cut into fewer shards).
    public func ranges(_ rows: Int) -> [Range<Int>] {
        var count = models.count
        while count > 1 {
            let each = (rows / count + 7) / 8 * 8
            if rows - each * (count - 1) >= Self.minimumRows {
                return (0..<count).map { k in k * each ..< (k == count - 1 ? rows : (k + 1) * each) }
            }
            count -= 1
        }
        return [0..<rows]
    }

    /// The loss of the images at `indices` of `dataset` with `noise` (one row per image),
    /// and the batch's gradient, shard by shard, for the optimizer's step.
    public func computeGradients(_ dataset: ImageDataset, indices: ArraySlice<Int>, noise: Matrix,
                                 latentWarmUp: Float) -> (loss: LossBreakdown, gradient: ShardedGradient) {
        let ranges = onShards(dataset, indices: indices, noise: noise) { model, images, noise in
            model.computeGradients(images: images, noise: noise, latentWarmUp: latentWarmUp)
        }
        guard ranges.count > 1 else { return (losses[0], ShardedGradient(shards: [gradients[0]], shares: [1])) }
        let shares = ranges.map { Float($0.count) / Float(indices.count) }
        func mean(_ value: (LossBreakdown) -> Float) -> Float {
            var sum = shares[0] * value(losses[0])
            for k in 1..<ranges.count { sum += shares[k] * value(losses[k]) }
            return sum
        }
        let loss = LossBreakdown(total: mean(\.total), reconstruction: mean(\.reconstruction),
                                 latent: mean(\.latent), divergence: mean(\.divergence))
        return (loss, ShardedGradient(shards: Array(gradients.prefix(ranges.count)), shares: shares))
    }

    /// `VariationalAutoencoder.averageLoss(on:batchSize:generator:)` (the same batches and
    /// noise), each batch's shards on the cores: a trainer's validation.
    public func averageLoss(on dataset: ImageDataset, batchSize: Int, latentWarmUp: Float,
                            generator: inout SeededGenerator) -> LossBreakdown {
        models[0].averageLoss(over: dataset.count, batchSize: batchSize, generator: &generator) { range, noise, average in
            let ranges = onShards(dataset, indices: range, noise: noise) { model, images, noise in
                model.loss(images: images, noise: noise, latentWarmUp: latentWarmUp)
            }
            for (k, shard) in ranges.enumerated() { average.add(losses[k], images: shard.count) }
        }
    }

    /// Runs `body` on every shard of a batch at once, each with its images and rows of
    /// `noise` on its own model; leaves their losses in `losses` and returns the shards' rows.
    func onShards<Indices: RandomAccessCollection<Int>>(
        _ dataset: ImageDataset, indices: Indices, noise batchNoise: Matrix,
        _ body: (Model, Matrix, Matrix) -> LossBreakdown
    ) -> [Range<Int>] where Indices.Index == Int {
        precondition(batchNoise.rows == indices.count, "one row of noise per image")
        let ranges = ranges(indices.count)
        let start = indices.startIndex, columns = batchNoise.columns
        func work(_ part: Int) {
            let range = ranges[part]
            dataset.fill(images[part], with: indices[(start + range.lowerBound)..<(start + range.upperBound)])
            noise[part].setRows(range.count)
            noise[part].base.update(from: batchNoise.base + range.lowerBound * columns, count: range.count * columns)
            losses[part] = body(models[part], images[part], noise[part])
        }
        if ranges.count == 1 {
            work(0)  // unsplit: the products inside may use every core
        } else {
            Parallel.forEachPart(ranges.count) { part, _ in work(part) }  // products inside stay on their thread
        }
        return ranges
    }
}
