import Storage
import CKernels
import Datasets
import Foundation
import NumericCore
import Synchronization
import Testing
import TestSupport
@testable import VAE

@Suite struct TrainingTests {
    /// Real Fashion-MNIST when installed, otherwise a small synthetic set of the same kind.
    func data(training: Int, validation: Int) throws -> (ImageDataset, ImageDataset) {
        let folder = RealData.available ? RealData.fashionMNIST
            : try IDXFiles.makeDataset(train: training + validation, test: 10, side: 28)
        let full = try MNISTFormat.load(.train, from: folder)
        return (full.subset(0..<training), full.subset((full.count - validation)..<full.count))
    }

    /// A trainer of the book's model, seeded, not yet trained.
    func trainer(seed: UInt64, options: TrainingOptions, training: ImageDataset, validation: ImageDataset) throws -> Trainer<VariationalAutoencoder> {
        var generator = SeededGenerator(seed: seed)
        let model = try VariationalAutoencoder(.book, generator: &generator)
        return try Trainer(model: model, training: training, validation: validation, options: options, generator: generator)
    }

    func train(seed: UInt64, epochs: Int, training: ImageDataset, validation: ImageDataset) throws -> Trainer<VariationalAutoencoder> {
        let trainer = try trainer(seed: seed, options: TrainingOptions(epochs: epochs), training: training, validation: validation)
        for _ in 0..<epochs { try trainer.trainEpoch() }
        return trainer
    }

    @Test func aShortRunLearns() throws {
        let (training, validation) = try data(training: 3000, validation: 500)
        var generator = SeededGenerator(seed: 1)
        let untrained = try VariationalAutoencoder(.book, generator: &generator)
        let before = untrained.averageLoss(on: validation, batchSize: 128, generator: &generator).total
        let trainer = try train(seed: 1, epochs: 2, training: training, validation: validation)
        let after = trainer.history.last!.validation!.total
        #expect(trainer.history.count == 2)
        #expect(trainer.history[1].loss.total < trainer.history[0].loss.total)
        #expect(after < 0.6 * before, "validation loss \(before) → \(after)")
        #expect(trainer.history.allSatisfy { $0.loss.divergence > 0 })
    }

    @Test func theSameSeedGivesIdenticalWeightsAndLosses() throws {
        let (training, validation) = try data(training: 600, validation: 200)
        let a = try train(seed: 5, epochs: 2, training: training, validation: validation)
        let b = try train(seed: 5, epochs: 2, training: training, validation: validation)
        let c = try train(seed: 6, epochs: 2, training: training, validation: validation)
        #expect(a.history.map(\.loss) == b.history.map(\.loss))
        #expect(a.history.map(\.validation) == b.history.map(\.validation))
        #expect(a.model.weights == b.model.weights)
        #expect(a.model.weights != c.model.weights)
    }

    /// Two seeded runs at once, as when a program trains several models side by side (or
    /// the tests run in parallel), give the bits one run alone gives: how a product is split
    /// between the cores does not depend on what else the process is doing.
    @Test func seededRunsAtTheSameTimeGiveTheBitsOfOneAlone() throws {
        let (training, validation) = try data(training: 600, validation: 200)
        let alone = try train(seed: 8, epochs: 2, training: training, validation: validation)
        let results = Mutex<[[String: SafeTensors.Tensor]?]>([nil, nil])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let weights = (try? train(seed: 8, epochs: 2, training: training, validation: validation))?.model.weights
            results.withLock { $0[index] = weights }
        }
        let together = results.withLock { $0 }
        #expect(together[0] == alone.model.weights)
        #expect(together[1] == alone.model.weights)
    }

    @Test func theLastPartialBatchIsKept() throws {
        let (training, validation) = try data(training: 300, validation: 50)
        let trainer = try trainer(seed: 2, options: TrainingOptions(epochs: 1), training: training, validation: validation)
        var steps: [Int] = []
        try trainer.trainEpoch { steps.append($0.step) }
        #expect(trainer.stepsPerEpoch == 3 && steps == [1, 2, 3])
        #expect(trainer.optimizer.iterations == 3)
    }

    @Test func aDivergingRunStopsWithAClearError() throws {
        let (training, validation) = try data(training: 600, validation: 100)
        let trainer = try trainer(seed: 3, options: TrainingOptions(epochs: 3, learningRate: 1e4, optimizer: .sgd), training: training, validation: validation)
        #expect {
            for _ in 0..<3 { try trainer.trainEpoch() }
        } throws: { error in
            "\(error)".contains("try a smaller learning rate")
        }
    }

    /// Training flushes subnormals to zero, and gives the caller's thread its own mode
    /// back after an epoch, also after one interrupted by a throw.
    @Test func anEpochLeavesTheCallersFloatingPointModeAsItWas() throws {
        let (training, validation) = try data(training: 300, validation: 50)
        let trainer = try trainer(seed: 2, options: TrainingOptions(epochs: 2), training: training, validation: validation)
        let before = vae_floating_point_control()
        var during: [UInt] = []
        try trainer.trainEpoch { _ in during.append(vae_floating_point_control()) }
        #expect(vae_floating_point_control() == before)
        #expect(!during.isEmpty && during.allSatisfy { $0 == vae_subnormals_flushed(before) })
        #expect(throws: TrainingError.self) { try trainer.trainEpoch(shouldStop: { true }) }
        #expect(vae_floating_point_control() == before)
    }

    @Test func badOptionsAreRejected() {
        #expect(throws: ConfigurationError.self) { try TrainingOptions(epochs: 0).validate() }
        #expect(throws: ConfigurationError.self) { try TrainingOptions(batchSize: 0).validate() }
        #expect(throws: ConfigurationError.self) { try TrainingOptions(learningRate: -1).validate() }
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(codingSize: 0).validate() }
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(hidden: [10, 0]).validate() }
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(beta: -1).validate() }
    }
}

@Suite struct ModelConfigurationTests {
    @Test func theBookModelHasItsKnownParameterCount() throws {
        #expect(ModelConfiguration.book.parameterCount == 269_504)
        var generator = SeededGenerator(seed: 0)
        let model = try VariationalAutoencoder(.book, generator: &generator)
        #expect(model.parameters.reduce(0) { $0 + $1.value.count } == 269_504)
    }

    @Test func hugeModelsAreRefusedBeforeAnyAllocation() {
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(hidden: [1 << 40]).validate() }
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(hidden: [Int.max]).validate() }
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(imageHeight: 1 << 20).validate() }
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(codingSize: Int.max).validate() }
    }
}
