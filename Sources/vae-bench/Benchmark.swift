import ArgumentParser
import Datasets
import Foundation
import NumericCore
import VAE

/// `vae-bench`: how fast the book's VAE trains and decodes on this machine, and how close
/// that is to what the BLAS library allows. Run it on a release build:
///
///     swift run -c release vae-bench
@main
struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae-bench", abstract: "Measure training and decoding speed of the book's VAE and the other families.")

    @Option(help: "Epochs to time (the first is reported apart).") var epochs = 6
    @Option(help: "A folder in MNIST's IDX layout.") var data = MNISTFormat.fashionMNISTDirectory
    @Option(help: "Images of the convolutional model's timed epoch (0 to skip it).") var convolutionalImages = 6400
    @Option(help: "Pictures of the generated folder whose loading memory is measured (0 to skip it).") var pictures = 20_000
    @Option(help: "Sizes of the generated IDX datasets on which training's anonymous memory is measured (none to skip it).")
    var datasetMemory = "60000,600000"
    @Option(help: .hidden) var measureLoading: String?
    @Option(help: .hidden) var measureTraining: String?
    @Option(help: .hidden) var picturesFolder = ""
    @Option(help: .hidden) var picturesCache = ""

    func run() throws {
        if let measureTraining { return try DatasetMemoryBenchmark.train(folder: measureTraining) }
        if let measureLoading {
            guard let mode = PictureLoadingBenchmark.Mode(rawValue: measureLoading) else { throw ValidationError("no such mode") }
            return try PictureLoadingBenchmark.load(mode, folder: picturesFolder, cache: picturesCache)
        }
        let processStart = Date()
        let full = try MNISTFormat.load(.train, from: URL(fileURLWithPath: data))
        let training = full.subset(0..<(full.count - 5000)), validation = full.subset((full.count - 5000)..<full.count)
        var generator = SeededGenerator(seed: 42)
        let model = try VariationalAutoencoder(.book, generator: &generator)
        let options = TrainingOptions.book
        let trainer = try Trainer(model: model, training: training, validation: validation, options: options, generator: generator)

        var firstStep: Double?
        var seconds: [Double] = []
        var productSeconds: [Double] = []
        BLAS.countProducts(true)
        for _ in 0..<epochs {
            let before = BLAS.totals.seconds
            let record = try trainer.trainEpoch(progress: { _ in
                if firstStep == nil { firstStep = Date().timeIntervalSince(processStart) }
            })
            seconds.append(record.seconds)
            productSeconds.append(BLAS.totals.seconds - before)
        }
        BLAS.countProducts(false)
        // The first epoch pays for start-up; the median is over the others when there are any.
        func steadyEpochs(_ values: [Double]) -> [Double] { values.count > 1 ? values.dropFirst().sorted() : values }
        func middle(_ values: [Double]) -> Double { values[values.count / 2] }
        let steady = steadyEpochs(seconds)
        let productMedian = middle(steadyEpochs(productSeconds))
        let median = middle(steady)
        let flops = epochFLOPs(model, training: training.count, validation: validation.count)

        let codings = Codings.random(count: 10_000, size: 10, generator: &generator)
        let images = Matrix(rows: codings.rows, columns: model.configuration.imageSize)
        model.decode(codings, into: images)
        let decodeStart = Date()
        let decodeRepeats = 5
        for _ in 0..<decodeRepeats { model.decode(codings, into: images) }
        let decodeSeconds = Date().timeIntervalSince(decodeStart) / Double(decodeRepeats)

        let floor = blasOnlyEpochSeconds(model, training: training.count, validation: validation.count)
        let optimizerStart = Date()
        FloatingPointEnvironment.withSubnormalsFlushedToZero {  // as in training: some moments are subnormal
            for _ in 0..<(training.count + 127) / 128 { trainer.optimizer.step() }
        }
        let optimizerSeconds = Date().timeIntervalSince(optimizerStart)
        // Last: OpenBLAS's threads keep spinning for a while after its products.
        let openBLASFloor: Double
        if BLAS.implementation == .openBLAS {
            openBLASFloor = floor
        } else {
            openBLASFloor = blasOnlyEpochSeconds(model, training: training.count, validation: validation.count,
                                                 using: .openBLAS)
        }
        // The logistic likelihood against the book's, each timed the same way, one after the other.
        func likelihoodEpoch(_ likelihood: Likelihood) throws -> Double {
            var generator = SeededGenerator(seed: 42), configuration = ModelConfiguration.book
            configuration.likelihood = likelihood
            return try secondEpochSeconds(try VariationalAutoencoder(configuration, generator: &generator), on: training,
                                          generator: generator)
        }
        let (plain, logistic) = (try likelihoodEpoch(.mse), try likelihoodEpoch(.logistic))
        let convolutional = try convolutionalEpoch(full)
        let quantized = try vectorQuantizedEpochs(full)
        let loading = pictures > 0 ? try PictureLoadingBenchmark.run(pictures: pictures) : nil
        let sizes = datasetMemory == "none" ? [] : datasetMemory.split(separator: ",").compactMap { Int($0) }
        let datasets = try DatasetMemoryBenchmark.run(counts: sizes)
        let mebibyte = 1048576.0
        let datasetRows = datasets.map { result in
            ("anonymous memory (RssAnon), at most, in an epoch on \(result.images) mapped images",
             String(format: "%.1f MiB (epoch %.1f s)", Double(result.anonymousBytes) / mebibyte, result.epochSeconds))
        } + (datasets.count < 2 ? [] : [
            ("its growth from \(datasets.first!.images) to \(datasets.last!.images) images",
             String(format: "%.1f MiB", Double(datasets.last!.anonymousBytes - datasets.first!.anonymousBytes) / mebibyte)),
        ])
        func loadingRow(_ mode: PictureLoadingBenchmark.Mode) -> String {
            guard let loading else { return "–" }
            return String(format: "%.0f MB, %.2f× the decoded bytes (%.1f s)", Double(loading.growth(mode)) / 1e6,
                          Double(loading.growth(mode)) / Double(loading.decodedBytes), loading.seconds[mode]!)
        }
        var usage = rusage()
        #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        #else
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #endif

        let rows: [(String, String)] = [
            ("seconds per epoch, median of epochs 2–\(epochs)", String(format: "%.3f s", median)),
            ("spread (min–max)", epochs < 2 ? "–" : String(format: "%.3f–%.3f s", steady.first!, steady.last!)),
            ("first epoch", String(format: "%.3f s", seconds[0])),
            ("training images per second", String(format: "%.0f", Double(training.count) / median)),
            ("GFLOP per epoch (from the model's shapes)", String(format: "%.1f", flops / 1e9)),
            ("achieved GFLOP/s", String(format: "%.1f", flops / median / 1e9)),
            ("time in matrix products, summed over the cores (median)", BLAS.implementation == .ownKernel
                ? String(format: "%.3f s (%.0f GFLOP/s)", productMedian, flops / productMedian / 1e9) : "–"),
            ("the same products alone, per epoch (\(BLAS.implementation.rawValue))", String(format: "%.3f s (%.0f GFLOP/s)", floor, flops / floor / 1e9)),
            ("the same products alone in OpenBLAS sgemm", String(format: "%.3f s (%.0f GFLOP/s)", openBLASFloor, flops / openBLASFloor / 1e9)),
            ("optimizer steps alone, per epoch", String(format: "%.3f s", optimizerSeconds)),
            ("time to the first step (start-up, data loading)", String(format: "%.3f s", firstStep ?? 0)),
            ("peak resident memory", String(format: "%.0f MB", Double(usage.ru_maxrss) / 1024)),
            ("decode 10,000 codings", String(format: "%.4f s (%.0f images/s)", decodeSeconds, 10_000 / decodeSeconds)),
            ("the book's model with the logistic likelihood: seconds per epoch (the second of two, no validation)",
             String(format: "%.3f s, against %.3f s with the book's measured so (%.1f×)", logistic, plain, logistic / plain)),
            ("convolutional model (32, 64 filters, Bernoulli): seconds per epoch of 55,000 images",
             convolutional.map { String(format: "%.2f s (timed on %d images)", $0.seconds * 55_000 / Double(convolutionalImages), convolutionalImages) } ?? "–"),
            ("convolutional step: achieved GFLOP/s (forward and backward, 3 × the forward's)",
             convolutional.map { String(format: "%.1f", $0.flops / $0.seconds / 1e9) } ?? "–"),
            ("VQ-VAE (32, 64 filters, 128 × 16 codebook): seconds per epoch of 55,000 images",
             quantized.map { String(format: "%.2f s", $0.autoencoder * 55_000 / Double(convolutionalImages)) } ?? "–"),
            ("its PixelCNN prior (64 channels, 4 blocks): seconds per epoch of 55,000 images",
             quantized.map { String(format: "%.2f s", $0.prior * 55_000 / Double(convolutionalImages)) } ?? "–"),
            ("1,000 samples from the prior (49 passes of the PixelCNN) and their decoding",
             quantized.map { String(format: "%.2f s", $0.sampling) } ?? "–"),
            ("pictures loaded from a folder (64 × 48 PNG to 32 × 32 RGB)",
             loading.map { String(format: "%d, %.1f MB decoded", $0.pictures, Double($0.decodedBytes) / 1e6) } ?? "–"),
            ("their peak memory beyond the program's own, decoding (and caching)", loadingRow(.decode)),
            ("their peak memory beyond the program's own, from the cache", loadingRow(.cached)),
        ] + datasetRows + [
            ("instruction set of the kernels", "\(InstructionSet.current)"),
            ("threads per product (the pool's; the system BLAS runs one per call)", String(BLAS.threadsPerProduct)),
            ("final validation loss", String(format: "%.4f", trainer.history.last!.validation!.total)),
        ]
        print("| measure | value |\n|---|---|")
        for (name, value) in rows { print("| \(name) | \(value) |") }
    }

    /// One epoch of the convolutional model (after one to warm up) on the first
    /// `convolutionalImages` images, and its multiply-adds counted from its shapes.
    func convolutionalEpoch(_ full: ImageDataset) throws -> (seconds: Double, flops: Double)? {
        guard convolutionalImages > 0 else { return nil }
        var generator = SeededGenerator(seed: 42)
        let configuration = ModelConfiguration(likelihood: .bernoulli, architecture: .conv, filters: [32, 64])
        let model = try VariationalAutoencoder(configuration, generator: &generator)
        let images = full.subset(0..<min(convolutionalImages, full.count))
        let flops = 3 * 2 * Double(configuration.multiplyAddsPerImage ?? 0) * Double(images.count)
        return (try secondEpochSeconds(model, on: images, generator: generator), flops)
    }

    /// The second of two epochs of `model` on `images`: the first warms up.
    func secondEpochSeconds<Model: TrainableModel>(_ model: Model, on images: ImageDataset,
                                                   generator: SeededGenerator) throws -> Double {
        let trainer = try Trainer(model: model, training: images, validation: nil, options: TrainingOptions(epochs: 2),
                                  generator: generator)
        try trainer.trainEpoch()
        return try trainer.trainEpoch().seconds
    }

    /// An epoch of the VQ-VAE (`vae train --model vq-vae`'s defaults) and of its code prior
    /// on the first `convolutionalImages` images, and 1,000 samples from that prior.
    func vectorQuantizedEpochs(_ full: ImageDataset) throws -> (autoencoder: Double, prior: Double, sampling: Double)? {
        guard convolutionalImages > 0 else { return nil }
        var generator = SeededGenerator(seed: 42)
        let configuration = ModelConfiguration.vqVAE
        let model = try VectorQuantizedAutoencoder(configuration, generator: &generator)
        let images = full.subset(0..<min(convolutionalImages, full.count))
        model.initializeCodebook(from: images.matrix(0..<min(256, images.count)), generator: &generator)
        let autoencoder = try secondEpochSeconds(model, on: images, generator: generator)
        let prior = CodePrior(configuration.codePrior!, grid: model.grid, codebookSize: model.quantizer.codebookSize,
                              generator: &generator)
        let priorSeconds = try secondEpochSeconds(CodePriorTraining(autoencoder: model, prior: prior), on: images,
                                                  generator: generator)
        let start = Date()
        let codes = prior.sample(count: 1000, codebook: model.quantizer.codebook.value, generator: &generator)
        _ = model.decoded(codes: codes, images: 1000)
        return (autoencoder, priorSeconds, Date().timeIntervalSince(start))
    }

    /// Dense products in one epoch: forward 2·in·out per image, the kernel's gradient as
    /// much again, and the input's gradient for every layer but the first (the images'
    /// gradient is never needed); validation is forward only.
    func epochFLOPs(_ model: VariationalAutoencoder, training: Int, validation: Int) -> Double {
        var perTrainingImage = 0.0, perValidationImage = 0.0
        for parameter in model.parameters where parameter.name.hasSuffix("kernel") {
            let product = 2 * Double(parameter.value.rows * parameter.value.columns)
            perValidationImage += product
            perTrainingImage += product * (parameter.name == "encoder.dense1.kernel" ? 2 : 3)
        }
        return perTrainingImage * Double(training) + perValidationImage * Double(validation)
    }

    /// The time an epoch's matrix products take in sgemm with nothing else around them:
    /// the floor for this model with this BLAS library.
    func blasOnlyEpochSeconds(_ model: VariationalAutoencoder, training: Int, validation: Int,
                              using implementation: BLAS.Implementation = BLAS.implementation) -> Double {
        let batch = 128
        let kernels = model.parameters.filter { $0.name.hasSuffix("kernel") }
        let buffers = kernels.map { kernel in
            (input: randomMatrix(batch, kernel.value.rows), output: randomMatrix(batch, kernel.value.columns),
             kernel: kernel.value, gradient: Matrix(rows: kernel.value.rows, columns: kernel.value.columns))
        }
        func step(backward: Bool) {
            for (index, b) in buffers.enumerated() {
                let (rows, columns) = (b.kernel.rows, b.kernel.columns)
                BLAS.multiply(m: batch, n: columns, k: rows, b.input.base, b.kernel.base, into: b.output.base,
                              using: implementation)
                guard backward else { continue }
                BLAS.multiply(m: rows, n: columns, k: batch, b.input.base, transposeA: true, b.output.base,
                              into: b.gradient.base, using: implementation)
                if kernels[index].name != "encoder.dense1.kernel" {
                    BLAS.multiply(m: batch, n: rows, k: columns, b.output.base, b.kernel.base, transposeB: true,
                                  into: b.input.base, using: implementation)
                }
            }
        }
        for _ in 0..<20 { step(backward: true) }
        let start = Date()
        let trainingSteps = (training + batch - 1) / batch, validationSteps = (validation + batch - 1) / batch
        for _ in 0..<trainingSteps { step(backward: true) }
        for _ in 0..<validationSteps { step(backward: false) }
        return Date().timeIntervalSince(start)
    }

    func randomMatrix(_ rows: Int, _ columns: Int) -> Matrix {
        var generator = SeededGenerator(seed: UInt64(rows * 31 + columns))
        let matrix = Matrix(rows: rows, columns: columns)
        matrix.fillUniform(from: -0.1, to: 0.1, using: &generator)
        return matrix
    }
}
