import NeuralNetwork
import NumericCore
import Optimizers

/// What a trainer needs of a model: its parameters, the noise a step draws, the loss and
/// gradients of a batch, and replicas for the other cores.
///
/// The book's VAE, the VQ-VAE, a VQ-VAE's code prior (`CodePriorTraining`) and a two-stage
/// model's second VAE (`SecondStageTraining`) are all trained by the same `Trainer`: the
/// same shuffling, shards, optimizer, checkpoints and history.
public protocol TrainableModel: AnyObject {
    /// Values per input row (an image's pixels).
    var inputSize: Int { get }
    /// Values of noise each input row takes in a step (0 for a deterministic model).
    var noiseSize: Int { get }
    /// Every trainable parameter, in the order its weights file lists them.
    var parameters: [Parameter] { get }
    /// Draws a step's noise (one row per image) from `generator`.
    func fillNoise(_ noise: Matrix, using generator: inout SeededGenerator)
    /// A model on the same weights (shared, not copied) with buffers and gradients of its own.
    func replica() -> Self
    /// The loss of a batch for the given noise, and every parameter's gradient.
    func computeGradients(images: Matrix, noise: Matrix, latentWarmUp: Float) -> LossBreakdown
    /// The loss of a batch for the given noise, without gradients.
    func loss(images: Matrix, noise: Matrix, latentWarmUp: Float) -> LossBreakdown
}

extension VariationalAutoencoder: TrainableModel {
    public var inputSize: Int { configuration.imageSize }
    public var noiseSize: Int { configuration.codingSize }

    public func fillNoise(_ noise: Matrix, using generator: inout SeededGenerator) {
        configuration.noise.fill(noise, using: &generator)
    }
}

/// A trainer seen without its model's type: what a run's checkpoints and epochs need.
public protocol EpochTraining: AnyObject {
    var history: [EpochRecord] { get }
    /// Everything besides weights and optimizer that a checkpoint must hold.
    var state: TrainerState { get set }
    var optimizer: any Optimizer { get }
    var trainedModel: any TrainableModel { get }
    var trainingCount: Int { get }
    var stepsPerEpoch: Int { get }
    @discardableResult
    func trainEpoch(progress: ((StepProgress) -> Void)?, shouldStop: (() -> Bool)?) throws -> EpochRecord
}

extension Trainer: EpochTraining {
    public var trainedModel: any TrainableModel { model }
    public var trainingCount: Int { training.count }
}
