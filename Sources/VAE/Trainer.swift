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
            "the loss became \(loss) at epoch \(epoch), step \(step); try a smaller --learning-rate"
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
    func problem(trainingImages: Int, stepsPerEpoch: Int) -> String? {
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

/// Runs the book's `fit`: shuffled mini-batches, one optimizer step each, then the
/// validation loss. Every buffer is made here once; an epoch allocates nothing else.
public final class Trainer {
    public let model: VariationalAutoencoder
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
    private let batch: Matrix
    private let noise: Matrix
    /// Each core's half of a batch.
    private let dataParallel: DataParallelGradients?

    public init(model: VariationalAutoencoder, training: ImageDataset, validation: ImageDataset?,
                options: TrainingOptions, generator: SeededGenerator) {
        self.model = model
        self.training = training
        self.validation = validation.flatMap { $0.count > 0 ? $0 : nil }
        self.options = options
        self.generator = generator
        validationGenerator = self.generator.fork()
        optimizer = options.optimizer.make(for: model.parameters, learningRate: options.learningRate)
        order = Array(0..<training.count)
        batch = Matrix(rows: 0, columns: training.imageSize, rowCapacity: options.batchSize)
        noise = Matrix(rows: 0, columns: model.configuration.codingSize, rowCapacity: options.batchSize)
        dataParallel = DataParallelGradients(model: model, batchSize: options.batchSize)
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
            model.configuration.noise.fill(noise, using: &generator)
            model.latentWarmUp = options.warmUpFactor(epoch: epoch, step: step, steps: steps)
            let loss: LossBreakdown
            let halves = dataParallel.flatMap { $0.splits(range.count) ? $0 : nil }
            if let halves {
                loss = halves.computeGradients(training, indices: order[range], noise: noise)
            } else {
                training.fill(batch, with: order[range])
                loss = model.computeGradients(images: batch, noise: noise)
            }
            guard loss.total.isFinite else { throw TrainingError.diverged(epoch: epoch, step: step + 1, loss: loss.total) }
            if let halves { halves.step(optimizer) } else { optimizer.step() }
            average.add(loss, images: range.count)
            progress?(StepProgress(epoch: epoch, epochs: options.epochs, step: step + 1, steps: steps,
                                   loss: average.mean.total, elapsed: Date().timeIntervalSince(start)))
            if step + 1 < steps, shouldStop?() == true {
                epochInProgress = EpochInProgress(stepsDone: step + 1, order: order, average: average,
                                                  seconds: earlierSeconds + Date().timeIntervalSince(start))
                throw TrainingError.interrupted(epoch: epoch, step: step + 1)
            }
        }
        model.latentWarmUp = options.warmUpFactor(epoch: epoch, step: steps, steps: steps)
        let validationLoss = validation.map {
            dataParallel?.averageLoss(on: $0, batchSize: options.batchSize, generator: &validationGenerator)
                ?? model.averageLoss(on: $0, batchSize: options.batchSize, generator: &validationGenerator)
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
