import CKernels
import Datasets
import Foundation
import NumericCore
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

    func train(seed: UInt64, epochs: Int, training: ImageDataset, validation: ImageDataset) throws -> Trainer {
        let options = TrainingOptions(epochs: epochs, seed: seed)
        var generator = SeededGenerator(seed: seed)
        let model = VariationalAutoencoder(.book, generator: &generator)
        let trainer = Trainer(model: model, training: training, validation: validation, options: options, generator: generator)
        for _ in 0..<epochs { try trainer.trainEpoch() }
        return trainer
    }

    @Test func aShortRunLearns() throws {
        let (training, validation) = try data(training: 3000, validation: 500)
        var generator = SeededGenerator(seed: 1)
        let untrained = VariationalAutoencoder(.book, generator: &generator)
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

    @Test func theLastPartialBatchIsKept() throws {
        let (training, validation) = try data(training: 300, validation: 50)
        var generator = SeededGenerator(seed: 2)
        let model = VariationalAutoencoder(.book, generator: &generator)
        let trainer = Trainer(model: model, training: training, validation: validation,
                              options: TrainingOptions(epochs: 1), generator: generator)
        var steps: [Int] = []
        try trainer.trainEpoch { steps.append($0.step) }
        #expect(trainer.stepsPerEpoch == 3 && steps == [1, 2, 3])
        #expect(trainer.optimizer.iterations == 3)
    }

    @Test func aDivergingRunStopsWithAClearError() throws {
        let (training, validation) = try data(training: 600, validation: 100)
        var generator = SeededGenerator(seed: 3)
        let model = VariationalAutoencoder(.book, generator: &generator)
        let trainer = Trainer(model: model, training: training, validation: validation,
                              options: TrainingOptions(epochs: 3, learningRate: 1e4, optimizer: .sgd), generator: generator)
        #expect {
            for _ in 0..<3 { try trainer.trainEpoch() }
        } throws: { error in
            "\(error)".contains("try a smaller --learning-rate")
        }
    }

    /// Training flushes subnormals to zero, and gives the caller's thread its own mode
    /// back after an epoch, also after one interrupted by a throw.
    @Test func anEpochLeavesTheCallersFloatingPointModeAsItWas() throws {
        let (training, validation) = try data(training: 300, validation: 50)
        var generator = SeededGenerator(seed: 2)
        let model = VariationalAutoencoder(.book, generator: &generator)
        let trainer = Trainer(model: model, training: training, validation: validation,
                              options: TrainingOptions(epochs: 2), generator: generator)
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

@Suite struct RunFolderTests {
    @Test func aRunFolderReopensToTheSameModel() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("run"))
        try folder.create(overwrite: false)
        let configuration = RunConfiguration(model: ModelConfiguration(codingSize: 3, hidden: [7]),
                                             training: TrainingOptions(), data: "/nowhere")
        try folder.write(configuration)
        var generator = SeededGenerator(seed: 1)
        let model = VariationalAutoencoder(configuration.model, generator: &generator)
        try model.saveWeights(to: folder.weightsURL)
        let (reopened, readConfiguration) = try folder.loadModel()
        #expect(readConfiguration == configuration)
        #expect(reopened.weights == model.weights)
        #expect(throws: FileError.self) { try folder.create(overwrite: false) }
        try folder.create(overwrite: true)
    }

    @Test func mismatchedOrCorruptFilesAreReported() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("run"))
        let configuration = RunConfiguration(model: ModelConfiguration(codingSize: 3, hidden: [7]),
                                             training: TrainingOptions(), data: "/nowhere")
        try folder.write(configuration)
        var generator = SeededGenerator(seed: 1)
        try VariationalAutoencoder(ModelConfiguration(codingSize: 4, hidden: [7]), generator: &generator)
            .saveWeights(to: folder.weightsURL)
        #expect { try folder.loadModel() } throws: { "\($0)".contains("the model needs") }
        try AtomicFile.write("{\"model\": 3}", to: folder.configurationURL)
        #expect { try folder.loadModel() } throws: { "\($0)".contains("not a valid run configuration") }
    }
}

@Suite struct ModelConfigurationTests {
    @Test func theBookModelHasItsKnownParameterCount() {
        #expect(ModelConfiguration.book.parameterCount == 269_504)
        var generator = SeededGenerator(seed: 0)
        let model = VariationalAutoencoder(.book, generator: &generator)
        #expect(model.parameters.reduce(0) { $0 + $1.value.count } == 269_504)
    }

    @Test func hugeModelsAreRefusedBeforeAnyAllocation() {
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(hidden: [1 << 40]).validate() }
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(hidden: [Int.max]).validate() }
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(imageHeight: 1 << 20).validate() }
        #expect(throws: ConfigurationError.self) { try ModelConfiguration(codingSize: Int.max).validate() }
    }
}

/// The trainer computes a batch's gradient as two halves, one per core, each on its own
/// copy of the model; the result must be the whole batch's gradient to rounding.
@Suite struct DataParallelGradientsTests {
    /// Two models with the same initial weights, a dataset, a batch of `rows` images of it
    /// and its noise, and the whole batch's loss and gradients computed by the first model.
    func setUp(rows: Int, seed: UInt64) throws
        -> (whole: VariationalAutoencoder, split: VariationalAutoencoder, dataset: ImageDataset,
            indices: ArraySlice<Int>, images: Matrix, noise: Matrix, expected: LossBreakdown) {
        let dataset = try MNISTFormat.load(.train, from: try IDXFiles.makeDataset(train: 200, test: 10, side: 28))
        var generator = SeededGenerator(seed: seed), copyGenerator = SeededGenerator(seed: seed)
        let whole = VariationalAutoencoder(.book, generator: &generator)
        let split = VariationalAutoencoder(.book, generator: &copyGenerator)
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

    @Test(arguments: [128, 88, 17])
    func halvesGiveTheWholeBatchsGradient(rows: Int) throws {
        let (whole, split, dataset, indices, images, noise, expected) = try setUp(rows: rows, seed: 3)
        let halves = try #require(DataParallelGradients(model: split, batchSize: 128))
        #expect(halves.splits(rows))
        let loss = halves.computeGradients(dataset, indices: indices, noise: noise)
        halves.combineGradients()

        #expect(abs(loss.total - expected.total) <= 1e-6 * expected.total)
        #expect(abs(loss.divergence - expected.divergence) <= 1e-5 * expected.divergence)
        expectSameGradients(split, whole)
        // A change to the model's weights reaches both halves.
        split.parameters[0].value.base[0] += 1
        whole.parameters[0].value.base[0] += 1
        #expect(halves.computeGradients(dataset, indices: indices, noise: noise).total
                == halves.computeGradients(dataset, indices: indices, noise: noise).total)
        let moved = whole.computeGradients(images: images, noise: noise).total
        #expect(abs(halves.computeGradients(dataset, indices: indices, noise: noise).total - moved) <= 1e-6 * moved)
    }

    /// Where no second core is free (here: inside a part that already holds the pool),
    /// the two halves run one after the other, and both are computed.
    @Test func bothHalvesAreComputedWithoutASecondCore() throws {
        let (whole, split, dataset, indices, _, noise, expected) = try setUp(rows: 64, seed: 5)
        let halves = try #require(DataParallelGradients(model: split, batchSize: 64))
        let total = Matrix(rows: 1, columns: 1)
        Parallel.forEachPart(2) { part, _ in
            guard part == 0 else { return }
            #expect(Parallel.width == 1)
            total.base[0] = halves.computeGradients(dataset, indices: indices, noise: noise).total
            halves.combineGradients()
        }
        #expect(abs(total.base[0] - expected.total) <= 1e-6 * expected.total)
        expectSameGradients(split, whole)
    }

    @Test func smallBatchesAreNotSplit() throws {
        var generator = SeededGenerator(seed: 4)
        let model = VariationalAutoencoder(.book, generator: &generator)
        #expect(DataParallelGradients(model: model, batchSize: 15) == nil)
        let halves = try #require(DataParallelGradients(model: model, batchSize: 32))
        #expect(!halves.splits(15) && halves.splits(16) && halves.splits(32))
    }
}

extension DataParallelGradientsTests {
    /// The trainer's validation by halves gives the model's own average loss, to rounding,
    /// with the same batches and noise (a last batch of 7 images is not split).
    @Test func validationByHalvesGivesTheModelsAverageLoss() throws {
        let dataset = try MNISTFormat.load(.train, from: try IDXFiles.makeDataset(train: 263, test: 10, side: 28))
        var generator = SeededGenerator(seed: 6)
        let model = VariationalAutoencoder(.book, generator: &generator)
        let halves = try #require(DataParallelGradients(model: model, batchSize: 128))
        var first = SeededGenerator(seed: 7), second = SeededGenerator(seed: 7)
        let expected = model.averageLoss(on: dataset, batchSize: 128, generator: &first)
        let loss = halves.averageLoss(on: dataset, batchSize: 128, generator: &second)
        #expect(first == second)
        #expect(abs(loss.total - expected.total) <= 1e-6 * expected.total)
        #expect(abs(loss.divergence - expected.divergence) <= 1e-5 * expected.divergence)
    }
}
