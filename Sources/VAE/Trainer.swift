import Foundation
import Datasets
import NumericCore
import Optimizers

/// One epoch's numbers, one row of `history.csv`.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var loss: LossBreakdown
    public var validation: LossBreakdown?
    public var seconds: Double

    public init(epoch: Int, loss: LossBreakdown, validation: LossBreakdown?, seconds: Double) {
        self.epoch = epoch
        self.loss = loss
        self.validation = validation
        self.seconds = seconds
    }
}


/// Where training is within an epoch, for a progress bar.
public struct StepProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var step: Int
    public var steps: Int
    /// The running mean loss of the epoch so far.
    public var loss: Float
    public var elapsed: Double
}

public enum TrainingError: Error, CustomStringConvertible {
    case diverged(epoch: Int, step: Int, loss: Float)
    case interrupted(epoch: Int, step: Int)

    public var description: String {
        switch self {
        case let .diverged(epoch, step, loss):
            "the loss became \(loss) at epoch \(epoch), step \(step); try a smaller learning rate"
        case let .interrupted(epoch, step):
            "interrupted at epoch \(epoch), step \(step)"
        }
    }
}

/// What a trainer needs besides the weights and the optimizer to continue exactly where
/// it stopped: the epochs done, the random generators' states, and an interrupted epoch.
public struct TrainerState: Codable, Equatable, Sendable {
    public var history: [EpochRecord]
    public var generator: SeededGenerator
    public var validationGenerator: SeededGenerator
    public var epochInProgress: EpochInProgress?
}

extension TrainerState {
    /// What makes this state unusable for a trainer of this size, if anything.
    public func problem(trainingImages: Int, stepsPerEpoch: Int) -> String? {
        if let epoch = epochInProgress {
            if epoch.stepsDone <= 0 || epoch.stepsDone >= stepsPerEpoch { return "\(epoch.stepsDone) steps done of \(stepsPerEpoch)" }
            if epoch.order.count != trainingImages || Set(epoch.order) != Set(0..<trainingImages) {
                return "the image order is not a permutation of the \(trainingImages) training images"
            }
        }
        return nil
    }
}

/// An epoch stopped between two steps: its image order, the steps done, and the running
/// loss, so that finishing it later gives exactly what an uninterrupted epoch gives.
public struct EpochInProgress: Codable, Equatable, Sendable {
    public var stepsDone: Int
    public var order: [Int]
    public var average: LossAverage
    public var seconds: Double
}

/// Batches are cut into this many shards, one per core of a two-core machine, unless a
/// trainer is asked for another number. The numbers a seed gives depend on it (sums of
/// products come out in another order), not on the cores present.
public let defaultTrainingShards = 2

/// Runs the book's `fit`: shuffled mini-batches, one optimizer step each, then the
/// validation loss. Every buffer is made here once; an epoch allocates nothing else.
public final class Trainer<Model: TrainableModel> {
    public let model: Model
    public let optimizer: any Optimizer
    public let training: ImageDataset
    public let validation: ImageDataset?
    public let options: TrainingOptions
    /// Drives shuffling and the sampling noise of training.
    public private(set) var generator: SeededGenerator
    /// Drives the noise of validation, apart so that validating never changes training.
    public private(set) var validationGenerator: SeededGenerator
    public private(set) var history: [EpochRecord] = []
    /// Set when an epoch was stopped part-way; the next `trainEpoch` finishes it.
    public private(set) var epochInProgress: EpochInProgress?

    /// Everything besides weights and optimizer that a checkpoint must hold.
    public var state: TrainerState {
        get {
            TrainerState(history: history, generator: generator, validationGenerator: validationGenerator,
                         epochInProgress: epochInProgress)
        }
        set {
            history = newValue.history
            generator = newValue.generator
            validationGenerator = newValue.validationGenerator
            epochInProgress = newValue.epochInProgress
        }
    }

    private var order: [Int]
    private let noise: Matrix
    /// The parts of each batch the cores compute at once.
    private let shards: BatchShards<Model>

    /// A trainer for `model` on `training`, validated on `validation` after every epoch;
    /// `generator` drives the shuffling and the noise. Options that cannot train, or
    /// images that are not the model's, throw. With a `group`, every process of it runs
    /// this trainer on the same data with the same seed and computes its share of every
    /// batch; all take the same steps.
    public init(model: Model, training: ImageDataset, validation: ImageDataset?,
                options: TrainingOptions, generator: SeededGenerator, shards: Int = defaultTrainingShards,
                group: (any ProcessGroup)? = nil) throws {
        try options.validate()
        for dataset in [training] + (validation.map { [$0] } ?? []) where dataset.imageSize != model.inputSize {
            throw ConfigurationError(.imageShape, "\(dataset.height)×\(dataset.width)×\(dataset.channels)",
                                     "of the images does not have the model's \(model.inputSize) values")
        }
        if training.count == 0 { throw ConfigurationError(.limit, 0, "leaves no training images") }
        self.model = model
        self.training = training
        self.validation = validation.flatMap { $0.count > 0 ? $0 : nil }
        self.options = options
        self.generator = generator
        validationGenerator = self.generator.fork()
        optimizer = options.optimizer.make(for: model.parameters, learningRate: options.learningRate)
        order = Array(0..<training.count)
        noise = Matrix(rows: 0, columns: model.noiseSize, rowCapacity: options.batchSize)
        // Over a group, the shards are shared out: two processes of one shard each take the
        // steps one process of two takes.
        let processes = group?.size ?? 1
        self.shards = BatchShards(model: model, count: max(1, shards / processes), batchSize: options.batchSize, group: group)
    }

    /// Steps per epoch; the last batch may be smaller.
    public var stepsPerEpoch: Int { (training.count + options.batchSize - 1) / options.batchSize }

    /// Trains one epoch (or finishes an interrupted one), then measures the validation loss.
    ///
    /// `shouldStop` is asked after every step; when it answers true the trainer records
    /// the epoch as in progress (a checkpoint written now resumes exactly) and throws
    /// `TrainingError.interrupted`.
    @discardableResult
    public func trainEpoch(progress: ((StepProgress) -> Void)? = nil,
                           shouldStop: (() -> Bool)? = nil) throws -> EpochRecord {
        try FloatingPointEnvironment.withSubnormalsFlushedToZero {
            try trainEpochFlushingSubnormals(progress: progress, shouldStop: shouldStop)
        }
    }

    /// `trainEpoch`'s work, in the floating-point mode that it sets and then restores.
    private func trainEpochFlushingSubnormals(progress: ((StepProgress) -> Void)?,
                                              shouldStop: (() -> Bool)?) throws -> EpochRecord {
        let epoch = history.count + 1
        let start = Date()
        var average = LossAverage()
        var firstStep = 0, earlierSeconds = 0.0
        if let resumed = epochInProgress, resumed.order.count == training.count {
            (order, average, firstStep, earlierSeconds) = (resumed.order, resumed.average, resumed.stepsDone, resumed.seconds)
        } else {
            shuffle()
        }
        epochInProgress = nil
        let steps = stepsPerEpoch
        for step in firstStep..<steps {
            let range = (step * options.batchSize)..<min((step + 1) * options.batchSize, training.count)
            noise.setRows(range.count)
            model.fillNoise(noise, using: &generator)
            let warmUp = options.warmUpFactor(epoch: epoch, step: step, steps: steps)
            let (loss, gradient) = shards.computeGradients(training, indices: order[range], noise: noise, latentWarmUp: warmUp)
            guard loss.total.isFinite else { throw TrainingError.diverged(epoch: epoch, step: step + 1, loss: loss.total) }
            optimizer.step(gradient)
            average.add(loss, images: range.count)
            progress?(StepProgress(epoch: epoch, epochs: options.epochs, step: step + 1, steps: steps,
                                   loss: average.mean.total, elapsed: Date().timeIntervalSince(start)))
            if step + 1 < steps, shouldStop?() == true {
                epochInProgress = EpochInProgress(stepsDone: step + 1, order: order, average: average,
                                                  seconds: earlierSeconds + Date().timeIntervalSince(start))
                throw TrainingError.interrupted(epoch: epoch, step: step + 1)
            }
        }
        let warmUp = options.warmUpFactor(epoch: epoch, step: steps, steps: steps)
        let validationLoss = validation.map {
            shards.averageLoss(on: $0, batchSize: options.batchSize, latentWarmUp: warmUp, generator: &validationGenerator)
        }
        let record = EpochRecord(epoch: epoch, loss: average.mean, validation: validationLoss,
                                 seconds: earlierSeconds + Date().timeIntervalSince(start))
        history.append(record)
        return record
    }

    /// Fisher–Yates from the natural order, written out so that the order depends only on
    /// the generator's state (which a checkpoint stores), not on the standard library's version.
    private func shuffle() {
        for i in order.indices { order[i] = i }
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
    }
}
