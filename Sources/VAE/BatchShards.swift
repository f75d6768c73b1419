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
///
/// Over a `ProcessGroup` (MPI's processes, on one machine or several) the shards are shared
/// out: process r computes shards r·n ..< (r+1)·n of every batch, then every process
/// gathers every shard's gradient and loss, and the optimizer meets them as it meets a
/// single process's shards. So N processes of n shards each take the very steps one
/// process of N·n shards takes, bit for bit, on every process.
public final class BatchShards<Model: TrainableModel> {
    /// `models[0]` is the model trained; the others are its replicas, one per shard this
    /// process computes.
    public let models: [Model]
    private let images: [Matrix]
    private let noise: [Matrix]
    /// Every shard's parameter gradients, in the parameters' order: the shards a step hands
    /// the optimizer. This process's are its models'; the others' arrive by the gather.
    private let gradients: [[Matrix]]
    /// Each shard's loss of the last batch, written by the shards' threads at once.
    private let losses: UnsafeMutablePointer<LossBreakdown>
    /// The shards of every process, and this process's among them.
    private let shardCount: Int
    private let local: Range<Int>
    private let group: (any ProcessGroup)?
    /// What a process sends in a gather (its shards' gradients, then their losses) and
    /// what it receives (every process's, in rank order).
    private let outgoing: UnsafeMutableBufferPointer<Float>, incoming: UnsafeMutableBufferPointer<Float>
    private let gradientValues: Int

    /// Shards for batches of up to `batchSize` images of `model`, at most `count` of them
    /// in this process, and as many in each process of `group`.
    public init(model: Model, count: Int, batchSize: Int, group: (any ProcessGroup)? = nil) {
        let processes = group?.size ?? 1
        let count = max(1, min(count, batchSize / Self.minimumRows / processes))
        let all = count * processes
        let local = (group?.rank ?? 0) * count ..< ((group?.rank ?? 0) + 1) * count
        (shardCount, self.local, self.group) = (all, local, group)
        models = [model] + (1..<count).map { _ in model.replica() }
        let own = models.map { $0.parameters.map(\.gradient) }
        gradients = (0..<all).map { k in
            local.contains(k) ? own[k - local.lowerBound] : own[0].map { Matrix(rows: $0.rows, columns: $0.columns) }
        }
        gradientValues = own[0].reduce(0) { $0 + $1.count }
        outgoing = .allocate(capacity: group == nil ? 0 : count * (gradientValues + 4))
        incoming = .allocate(capacity: group == nil ? 0 : all * (gradientValues + 4))
        outgoing.initialize(repeating: 0)
        incoming.initialize(repeating: 0)
        images = models.map { _ in Matrix(rows: 0, columns: model.inputSize, rowCapacity: batchSize) }
        noise = models.map { _ in Matrix(rows: 0, columns: model.noiseSize, rowCapacity: batchSize) }
        losses = .allocate(capacity: all)
        losses.initialize(repeating: LossBreakdown(total: 0, reconstruction: 0, latent: 0, divergence: 0), count: all)
    }

    deinit {
        losses.deallocate()
        outgoing.deallocate()
        incoming.deallocate()
    }

    /// Shards smaller than this are not worth a core.
    static var minimumRows: Int { 8 }

    /// The rows of a batch of `rows` images each shard takes: all but the last take the
    /// same number, in whole blocks of 8 rows, and no shard takes fewer than 8 (a small
    /// batch is cut into fewer shards).
    public func ranges(_ rows: Int) -> [Range<Int>] {
        var count = shardCount
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
        exchange(ranges.count, gradients: true)
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
            exchange(ranges.count, gradients: false)
            for (k, shard) in ranges.enumerated() { average.add(losses[k], images: shard.count) }
        }
    }

    /// Runs `body` on every shard of a batch this process computes at once, each with its
    /// images and rows of `noise` on its own model; leaves their losses in `losses` and
    /// returns every shard's rows.
    func onShards<Indices: RandomAccessCollection<Int>>(
        _ dataset: ImageDataset, indices: Indices, noise batchNoise: Matrix,
        _ body: (Model, Matrix, Matrix) -> LossBreakdown
    ) -> [Range<Int>] where Indices.Index == Int {
        precondition(batchNoise.rows == indices.count, "one row of noise per image")
        let ranges = ranges(indices.count)
        let start = indices.startIndex, columns = batchNoise.columns
        let mine = local.clamped(to: 0..<ranges.count)
        func work(_ shard: Int) {
            let range = ranges[shard], part = shard - local.lowerBound
            dataset.fill(images[part], with: indices[(start + range.lowerBound)..<(start + range.upperBound)])
            noise[part].setRows(range.count)
            noise[part].base.update(from: batchNoise.base + range.lowerBound * columns, count: range.count * columns)
            losses[shard] = body(models[part], images[part], noise[part])
        }
        if ranges.count == 1 {
            if !mine.isEmpty { work(0) }  // unsplit: the products inside may use every core
        } else {
            // Products inside stay on their thread, as they do when one process computes every shard.
            Parallel.forEachPart(mine.count) { part, _ in work(mine.lowerBound + part) }
        }
        return ranges
    }

    /// Over a group, gives every process every shard's loss (and gradient): each sends its
    /// own shards', and copies the others' from what it gathers. Shards beyond `count` (a
    /// batch too small for all of them) are sent but not read.
    private func exchange(_ count: Int, gradients withGradients: Bool) {
        guard let group else { return }
        let stride = withGradients ? gradientValues + 4 : 4
        for shard in local where shard < count {
            var place = outgoing.baseAddress! + (shard - local.lowerBound) * stride
            if withGradients {
                for gradient in gradients[shard] {
                    place.update(from: gradient.base, count: gradient.count)
                    place += gradient.count
                }
            }
            let loss = losses[shard]
            place[0] = loss.total
            place[1] = loss.reconstruction
            place[2] = loss.latent
            place[3] = loss.divergence
        }
        group.gather(UnsafeBufferPointer(rebasing: outgoing[0..<(local.count * stride)]),
                     into: UnsafeMutableBufferPointer(rebasing: incoming[0..<(shardCount * stride)]))
        for shard in 0..<count where !local.contains(shard) {
            var place = UnsafePointer(incoming.baseAddress! + shard * stride)
            if withGradients {
                for gradient in gradients[shard] {
                    gradient.base.update(from: place, count: gradient.count)
                    place += gradient.count
                }
            }
            losses[shard] = LossBreakdown(total: place[0], reconstruction: place[1], latent: place[2], divergence: place[3])
        }
    }
}
