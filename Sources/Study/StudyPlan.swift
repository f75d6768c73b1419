import Foundation
import Runs
import VAE

/// One model the study trains, over one or more seeds: a model configuration and how to
/// train it, as typed values (the image shape comes from the data).
public struct StudyModel: Sendable {
    /// The run folders' stem: `runs/<name>-seed<seed>`.
    public var name: String
    /// How tables and charts name it.
    public var label: String
    public var model: ModelConfiguration
    /// How it is trained; `training.epochs` is its last epoch.
    public var training: TrainingOptions
    /// Epochs whose weights are kept (`model-epoch-N.safetensors`); the last is always kept.
    public var snapshots: [Int]
    public var seeds: [UInt64]
    /// Another dataset than the study's (a folder of pictures), read as `pictures` says.
    public var data: String?
    public var pictures: PictureRequest?
    /// Train on the first `limit` training images, holding out `validationCount`.
    public var limit: Int?
    public var validationCount: Int?

    public var epochs: Int { training.epochs }

    /// Dense epochs of the book's size that one epoch of this model costs, for the
    /// estimate of the time left: its multiply-adds per image against the book's.
    public var cost: Double {
        guard let count = model.multiplyAddsPerImage, let book = ModelConfiguration.book.multiplyAddsPerImage else { return 1 }
        return Double(count) / Double(book)
    }
}

/// What the study runs: the experiments that answer the assignment's questions, full size
/// or quick (a subset of the data, few epochs, one seed).
public struct StudyPlan: Sendable {
    public var quick: Bool
    public var seeds: [UInt64]
    /// A labelled dataset in MNIST's IDX layout.
    public var data: String
    /// A folder of pictures for the last section: the assignment's own dataset.
    public var pictures: String?

    public init(quick: Bool, seeds: [UInt64], data: String, pictures: String? = nil) {
        self.quick = quick
        self.seeds = seeds
        self.data = data
        self.pictures = pictures
    }

    /// Epochs at which the book's model is measured (question 1); the longest is its run.
    var epochSnapshots: [Int] { quick ? [1, 2, 3] : [5, 10, 25, 50, 100] }
    /// The book's epochs, for every other model.
    var standardEpochs: Int { quick ? 3 : 25 }
    /// The convolutional models train as long as the book's, so that a row changes one thing.
    var convolutionalEpochs: Int { standardEpochs }
    /// Epochs of the VQ-VAE and of its code prior. The prior trains 10 epochs, not the
    /// family's recommended 20: the study's time allows three seeds of 10; the report says so.
    var vectorQuantizedEpochs: (autoencoder: Int, prior: Int) { quick ? (2, 2) : (12, 10) }
    var betas: [Float] { quick ? [0, 0.5, 1, 4] : [0, 0.1, 0.5, 1, 2, 4] }

    /// Generated images per measurement, and the importance-weighted bound's size.
    var samples: Int { quick ? 1000 : 10_000 }
    var importanceSamples: Int { quick ? 20 : 100 }
    var importanceImages: Int { quick ? 200 : 1000 }

    static let book = "book"

    public var models: [StudyModel] {
        var models = [variant(Self.book, "the book's VAE", epochs: epochSnapshots.last!, snapshots: epochSnapshots)]
        for beta in betas where beta != 1 {
            models.append(variant(Self.betaName(beta), "β = \(Self.format(beta))") { $0.beta = beta })
        }
        models.append(variant("uniform-noise", "uniform noise in the sampling layer") { $0.noise = .uniform })
        models.append(variant("bernoulli", "Bernoulli likelihood") { $0.likelihood = .bernoulli })
        models.append(variant("gaussian", "learned decoder variance") { $0.likelihood = .gaussian })
        models.append(variant("coding-32", "coding size 32") { $0.codingSize = 32 })
        models.append(contentsOf: sharperFamilies)
        if let pictureModel { models.append(pictureModel) }
        return models
    }

    /// Epochs of the two-stage model's VAEs: the convolutional one's, and the second's.
    var twoStageEpochs: (first: Int, second: Int) { quick ? (2, 3) : (convolutionalEpochs, 30) }

    /// The families built for sharp samples, over the study's seeds like every other row: a
    /// VQ-VAE with its PixelCNN prior, and a two-stage VAE. The two-stage model's first VAE
    /// is the book's with convolutions and a learned decoder variance, so measured through
    /// N(0, I) it is also the study's convolutional row: one change from the dense model
    /// with a learned variance, and the same network under three priors (N(0, I), a fitted
    /// mixture, the second VAE).
    var sharperFamilies: [StudyModel] {
        let filters = quick ? [8, 16] : [32, 64]
        var vq = ModelConfiguration.vqVAE
        vq.filters = filters
        if quick {
            vq.quantizer = VectorQuantizerSettings(codebookSize: 32, codeDimension: 8)
            vq.codePrior = CodePriorSettings(channels: 16, blocks: 1)
        }
        let twoStage = ModelConfiguration(codingSize: ModelConfiguration.book.codingSize, likelihood: .gaussian, architecture: .conv, filters: filters,
                                          family: .twoStage, secondStage: SecondStageSettings(hidden: quick ? [64, 64] : [512, 512]))
        return [
            StudyModel(name: "vq-vae", label: "VQ-VAE with a PixelCNN prior", model: vq,
                       training: TrainingOptions(epochs: vectorQuantizedEpochs.autoencoder, priorEpochs: vectorQuantizedEpochs.prior),
                       snapshots: [], seeds: seeds, limit: quick ? 4000 : nil, validationCount: quick ? 1000 : nil),
            StudyModel(name: "two-stage", label: "two-stage VAE", model: twoStage,
                       training: TrainingOptions(epochs: twoStageEpochs.first, priorEpochs: twoStageEpochs.second),
                       snapshots: [], seeds: seeds, limit: quick ? 4000 : nil, validationCount: quick ? 1000 : nil),
        ]
    }

    /// The convolutional VAE of `make icons` on the folder of pictures, if there is one.
    var pictureModel: StudyModel? {
        pictures.map { folder in
            let model = ModelConfiguration(codingSize: 32, likelihood: .bernoulli, architecture: .conv,
                                           filters: quick ? [8, 16] : [32, 64])
            return StudyModel(name: "pictures", label: "own pictures", model: model,
                              training: TrainingOptions(epochs: quick ? 2 : 50, batchSize: 32), snapshots: [],
                              seeds: [seeds[0]], data: folder, pictures: PictureRequest(side: 32),
                              limit: quick ? 1000 : nil)
        }
    }

    /// The book's model with one change, on the study's dataset.
    private func variant(_ name: String, _ label: String, epochs: Int? = nil, snapshots: [Int] = [],
                         _ change: (inout ModelConfiguration) -> Void = { _ in }) -> StudyModel {
        var model = ModelConfiguration.book
        change(&model)
        return StudyModel(name: name, label: label, model: model, training: TrainingOptions(epochs: epochs ?? standardEpochs),
                          snapshots: snapshots, seeds: seeds, limit: quick ? 4000 : nil, validationCount: quick ? 1000 : nil)
    }

    /// The run of β: the book's model at its standard epochs for β = 1.
    func betaRun(_ beta: Float) -> (model: String, epoch: Int) {
        beta == 1 ? (Self.book, standardEpochs) : (Self.betaName(beta), standardEpochs)
    }

    static func betaName(_ beta: Float) -> String { "beta-" + format(beta) }
    static func format(_ beta: Float) -> String { beta == beta.rounded() ? String(Int(beta)) : String(beta) }
}
