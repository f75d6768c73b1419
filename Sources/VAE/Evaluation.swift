import Datasets
import NumericCore

/// Sums of batch losses, weighted by batch size, as Keras averages a metric over an epoch.
public struct LossAverage: Codable, Equatable, Sendable {
    private var total = 0.0, reconstruction = 0.0, latent = 0.0, divergence = 0.0
    public private(set) var count = 0

    public init() {}

    public mutating func add(_ loss: LossBreakdown, images: Int) {
        let weight = Double(images)
        total += Double(loss.total) * weight
        reconstruction += Double(loss.reconstruction) * weight
        latent += Double(loss.latent) * weight
        divergence += Double(loss.divergence) * weight
        count += images
    }

    public var mean: LossBreakdown {
        let n = Double(max(count, 1))
        return LossBreakdown(total: Float(total / n), reconstruction: Float(reconstruction / n),
                             latent: Float(latent / n), divergence: Float(divergence / n))
    }
}

extension TrainableModel {
    /// The loss over a whole dataset, with codings sampled as in training (Keras's
    /// `evaluate` and `val_loss` sample too), in batches of `batchSize`.
    public func averageLoss(on dataset: ImageDataset, batchSize: Int, generator: inout SeededGenerator) -> LossBreakdown {
        let batch = Matrix(rows: 0, columns: dataset.imageSize, rowCapacity: batchSize)
        return averageLoss(over: dataset.count, batchSize: batchSize, generator: &generator) { range, noise, average in
            dataset.fill(batch, with: range)
            average.add(loss(images: batch, noise: noise, latentWarmUp: 1), images: range.count)
        }
    }

    /// Batches of `batchSize` over `0..<count`, each with its noise drawn in turn from
    /// `generator`; `addBatch` adds the loss of the images in the range to the average.
    func averageLoss(over count: Int, batchSize: Int, generator: inout SeededGenerator,
                     _ addBatch: (Range<Int>, Matrix, inout LossAverage) -> Void) -> LossBreakdown {
        let noise = Matrix(rows: 0, columns: noiseSize, rowCapacity: batchSize)
        var average = LossAverage()
        for start in stride(from: 0, to: count, by: batchSize) {
            let range = start..<min(start + batchSize, count)
            noise.setRows(range.count)
            fillNoise(noise, using: &generator)
            addBatch(range, noise, &average)
        }
        return average.mean
    }
}

extension VariationalAutoencoder {
    /// The mean coding μ of every image, one row each.
    public func meanCodings(of dataset: ImageDataset, batchSize: Int) -> Matrix {
        let result = Matrix(rows: dataset.count, columns: configuration.codingSize)
        let batch = Matrix(rows: 0, columns: dataset.imageSize, rowCapacity: batchSize)
        for start in stride(from: 0, to: dataset.count, by: batchSize) {
            let range = start..<min(start + batchSize, dataset.count)
            dataset.fill(batch, with: range)
            let mean = encoder(batch).mean
            (result.base + start * result.columns).update(from: mean.base, count: mean.count)
        }
        return result
    }

    /// Mean squared error per image (summed over pixels) of reconstructions from the mean
    /// codings: how much of each image the model keeps, free of sampling noise.
    public func reconstructionError(on dataset: ImageDataset, batchSize: Int) -> Float {
        meanSquaredError(on: dataset, batchSize: batchSize, of: reconstructInPlace)
    }
}

/// Σ over pixels of (reconstruction − image)², averaged over the images of `dataset`.
func meanSquaredError(on dataset: ImageDataset, batchSize: Int, of reconstruct: (Matrix) -> Matrix) -> Float {
    let batch = Matrix(rows: 0, columns: dataset.imageSize, rowCapacity: batchSize)
    var total = 0.0
    for start in stride(from: 0, to: dataset.count, by: batchSize) {
        let range = start..<min(start + batchSize, dataset.count)
        dataset.fill(batch, with: range)
        let output = reconstruct(batch)
        for r in 0..<range.count {
            total += Double(Reductions.squaredDistance(output.base + r * output.columns,
                                                       batch.base + r * batch.columns, count: batch.columns))
        }
    }
    return Float(total / Double(max(dataset.count, 1)))
}

/// How much of the latent space a model uses.
public struct LatentUsage: Codable, Equatable, Sendable {
    /// KL(q(z_i | x) ‖ N(0, 1)) of each dimension, averaged over the images, nats.
    public var divergencePerDimension: [Float]
    /// The variance over the images of each dimension's mean coding μ_i(x).
    public var meanVariancePerDimension: [Float]
    /// Dimensions whose mean coding varies by more than `activeThreshold` in variance
    /// (Burda et al., 2016): the others carry (almost) no information about the image.
    public var activeUnits: Int
    public static let activeThreshold: Float = 0.01
}

extension VariationalAutoencoder {
    public func latentUsage(on dataset: ImageDataset, batchSize: Int) -> LatentUsage {
        let size = configuration.codingSize
        let batch = Matrix(rows: 0, columns: dataset.imageSize, rowCapacity: batchSize)
        var divergence = [Double](repeating: 0, count: size)
        var statistics = MeanCodingStatistics(dimensions: size)
        for start in stride(from: 0, to: dataset.count, by: batchSize) {
            let range = start..<min(start + batchSize, dataset.count)
            dataset.fill(batch, with: range)
            let (mean, logVariance) = encoder(batch)
            let perDimension = LatentLoss.perDimension(mean: mean, logVariance: logVariance)
            for i in 0..<size { divergence[i] += Double(perDimension[i]) * Double(range.count) }
            statistics.add(mean)
        }
        let n = Double(max(dataset.count, 1))
        let variance = statistics.variance
        return LatentUsage(divergencePerDimension: divergence.map { Float($0 / n) }, meanVariancePerDimension: variance,
                           activeUnits: variance.filter { $0 > LatentUsage.activeThreshold }.count)
    }
}

/// The mean and variance over images of each dimension's mean coding μ_i(x), summed in
/// `Double` a batch at a time: what tells an active latent dimension from an idle one.
public struct MeanCodingStatistics: Sendable {
    private var sum: [Double]
    private var sumOfSquares: [Double]
    private var count = 0

    public init(dimensions: Int) {
        sum = [Double](repeating: 0, count: dimensions)
        sumOfSquares = sum
    }

    /// Adds a batch of mean codings, one row per image.
    public mutating func add(_ codings: Matrix) {
        precondition(codings.columns == sum.count)
        for i in 0..<sum.count {
            for r in 0..<codings.rows {
                let mu = Double(codings[r, i])
                sum[i] += mu
                sumOfSquares[i] += mu * mu
            }
        }
        count += codings.rows
    }

    public var mean: [Float] { sum.map { Float($0 / Double(max(count, 1))) } }

    /// E[μ²] − E[μ]², never below 0.
    public var variance: [Float] {
        let n = Double(max(count, 1))
        return (0..<sum.count).map { Float(max(0, sumOfSquares[$0] / n - (sum[$0] / n) * (sum[$0] / n))) }
    }
}
