import Foundation

/// One model the study trains, over one or more seeds: the book's options plus `options`.
struct StudyModel {
    /// The run folders' stem: `runs/<name>-seed<seed>`.
    var name: String
    /// How tables and charts name it.
    var label: String
    var options: [String]
    var epochs: Int
    /// Epochs whose weights are kept (`model-epoch-N.safetensors`); the last is always kept.
    var snapshots: [Int]
    var seeds: [UInt64]
    /// Another dataset than the study's, trained without the study's common options.
    var data: String? = nil
}

/// What `vae study` runs: the experiments that answer the assignment's questions, full
/// size or `--quick` (a subset of the data, few epochs, one seed).
struct StudyPlan {
    var quick: Bool
    var seeds: [UInt64]
    var data: String
    /// A folder of pictures for the last section: the assignment's own dataset.
    var pictures: String? = nil

    /// Epochs at which the book's model is measured (question 1); the longest is its run.
    var epochSnapshots: [Int] { quick ? [1, 2, 3] : [5, 10, 25, 50, 100] }
    /// The book's epochs, for every other model.
    var standardEpochs: Int { quick ? 3 : 25 }
    /// A convolutional epoch costs about 15 dense ones here: fewer epochs, one seed.
    var convolutionalEpochs: Int { quick ? 2 : 15 }
    var betas: [Float] { quick ? [0, 0.5, 1, 4] : [0, 0.1, 0.5, 1, 2, 4] }
    /// Options every training gets (the quick study trains on part of the data).
    var common: [String] { quick ? ["--limit", "4000", "--validation", "1000"] : [] }

    /// Generated images per measurement, and the importance-weighted bound's size.
    var samples: Int { quick ? 1000 : 10_000 }
    var importanceSamples: Int { quick ? 20 : 100 }
    var importanceImages: Int { quick ? 200 : 1000 }

    static let book = "book"

    var models: [StudyModel] {
        var models = [StudyModel(name: Self.book, label: "the book's VAE", options: [], epochs: epochSnapshots.last!,
                                 snapshots: epochSnapshots, seeds: seeds)]
        for beta in betas where beta != 1 {
            models.append(standard(Self.betaName(beta), "β = \(Self.format(beta))", ["--beta", Self.format(beta)]))
        }
        models.append(standard("uniform-noise", "uniform noise in the sampling layer", ["--noise", "uniform"]))
        models.append(standard("bernoulli", "Bernoulli likelihood", ["--likelihood", "bernoulli"]))
        models.append(standard("gaussian", "learned decoder variance", ["--likelihood", "gaussian"]))
        models.append(standard("coding-32", "coding size 32", ["--coding-size", "32"]))
        models.append(StudyModel(name: "conv-bernoulli", label: "convolutional, Bernoulli",
                                 options: ["--architecture", "conv", "--likelihood", "bernoulli"] + (quick ? ["--filters", "8,16"] : []),
                                 epochs: convolutionalEpochs, snapshots: [], seeds: [seeds[0]]))
        if let pictureModel { models.append(pictureModel) }
        return models
    }

    /// The convolutional VAE of `make icons` on the folder of pictures, if there is one.
    var pictureModel: StudyModel? {
        pictures.map { folder in
            StudyModel(name: "pictures", label: "own pictures",
                       options: ["--image-size", "32", "--architecture", "conv", "--coding-size", "32", "--batch-size", "32",
                                 "--likelihood", "bernoulli"] + (quick ? ["--limit", "1000", "--filters", "8,16"] : []),
                       epochs: quick ? 2 : 50, snapshots: [], seeds: [seeds[0]], data: folder)
        }
    }

    private func standard(_ name: String, _ label: String, _ options: [String]) -> StudyModel {
        StudyModel(name: name, label: label, options: options, epochs: standardEpochs, snapshots: [], seeds: seeds)
    }

    /// The run of β: the book's model at its standard epochs for β = 1.
    func betaRun(_ beta: Float) -> (model: String, epoch: Int) {
        beta == 1 ? (Self.book, standardEpochs) : (Self.betaName(beta), standardEpochs)
    }

    static func betaName(_ beta: Float) -> String { "beta-" + format(beta) }
    static func format(_ beta: Float) -> String { beta == beta.rounded() ? String(Int(beta)) : String(beta) }
}
