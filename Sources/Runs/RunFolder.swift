import Storage
import Foundation
import NumericCore
import VAE

/// A folder holding one training run. Every command that trains writes one; every command
/// that samples, interpolates or evaluates reopens one. All files are written atomically.
///
///     config.json             RunConfiguration
///     model.safetensors       the weights after the last epoch (names and shapes as in the README)
///     best.safetensors        the weights of the epoch with the lowest validation loss
///     checkpoint.safetensors  weights, optimizer and trainer state: what `--resume` reads
///     history.csv             one row per epoch
///     split.json              for a folder of pictures: the files held out (ImageFolderSplit)
///     evaluation.json         the last `RunEvaluation` report
///     prior.safetensors, prior-checkpoint.safetensors, prior-history.csv
///                             the second model of a vq-vae or two-stage run (code prior, second
///                             VAE): weights (paired with model.safetensors), checkpoint, history
///     samples.png, interpolation.png, curves.svg   the pictures a training ends with
public struct RunFolder: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }
    public init(path: String) { self.init(URL(fileURLWithPath: path)) }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    public var configurationURL: URL { file("config.json") }
    public var weightsURL: URL { file("model.safetensors") }
    public var bestWeightsURL: URL { file("best.safetensors") }
    public var checkpointURL: URL { file("checkpoint.safetensors") }
    public var historyURL: URL { file("history.csv") }
    public var splitURL: URL { file("split.json") }
    public var evaluationURL: URL { file("evaluation.json") }
    /// The weights after `epoch` epochs, kept by `TrainingRun.writeSnapshot()`.
    public func snapshotURL(epoch: Int) -> URL { file("model-epoch-\(epoch).safetensors") }

    /// Whether `name` is that of a snapshot `snapshotURL` makes.
    static func isSnapshot(_ name: String) -> Bool {
        name.hasPrefix("model-epoch-") && name.hasSuffix(".safetensors")
            && Int(name.dropFirst(12).dropLast(12)).map { $0 >= 0 } == true
    }
    public var samplesURL: URL { file("samples.png") }
    public var interpolationURL: URL { file("interpolation.png") }
    public var curvesURL: URL { file("curves.svg") }
    public var reconstructionsURL: URL { file("reconstructions.png") }
    public var priorWeightsURL: URL { file("prior.safetensors") }
    public var priorCheckpointURL: URL { file("prior-checkpoint.safetensors") }
    public var priorHistoryURL: URL { file("prior-history.csv") }

    /// The pictures the folder holds, of those a training writes.
    public var pictureURLs: [URL] {
        [samplesURL, reconstructionsURL, interpolationURL, curvesURL].filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Every file a run's tools write into the folder under a fixed name.
    var runFiles: [URL] {
        [configurationURL, weightsURL, bestWeightsURL, checkpointURL, historyURL, splitURL, evaluationURL,
         samplesURL, interpolationURL, curvesURL, reconstructionsURL, priorWeightsURL, priorCheckpointURL, priorHistoryURL]
    }

    /// Makes the folder for a new run; a folder that already holds a run is kept unless
    /// `overwrite` says otherwise, so no result is lost by a repeated command, and a folder
    /// that holds anything else (files of the user's) is never written into.
    public func create(overwrite: Bool) throws {
        let manager = FileManager.default
        if holdsRun {
            if !overwrite { throw RunFolderError.holdsRun(url.path) }
        } else if let other = try? manager.contentsOfDirectory(atPath: url.path).first(where: { !Self.isRunBookkeeping($0) }) {
            throw RunFolderError.holdsOtherFiles(url.path, example: other)
        }
        do {
            try manager.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: url.path, problem: "cannot create the run folder: \(error.localizedDescription)")
        }
        guard manager.isWritableFile(atPath: url.path) else {
            throw FileError(path: url.path, problem: "the run folder is not writable")
        }
    }

    /// Whether the folder holds a run: its `config.json`.
    public var holdsRun: Bool { FileManager.default.fileExists(atPath: configurationURL.path) }

    /// The lock, the temporary files of atomic writes and the staging folder of a replacing
    /// run: what a run leaves in a folder even when it stopped before its configuration
    /// was written.
    static func isRunBookkeeping(_ name: String) -> Bool {
        name == ".lock" || name == stagingName || (name.hasPrefix(".") && name.contains(".partial-"))
    }

    public func write(_ configuration: RunConfiguration) throws {
        try AtomicFile.write(configuration.encoded(), to: configurationURL)
    }

    public func readConfiguration() throws -> RunConfiguration {
        try RunConfiguration.decode(readFile(configurationURL), path: configurationURL.path)
    }

    /// The trained VAE, rebuilt from `config.json` and `model.safetensors` (or another
    /// weights file of the same model, such as `best.safetensors`). A run of another
    /// family throws: its codes are not a VAE's continuous codings.
    public func loadModel(weights: URL? = nil) throws -> (VariationalAutoencoder, RunConfiguration) {
        let (model, configuration) = try loadTrainedModel(weights: weights)
        switch model {
        case .vae(let vae), .twoStage(let vae, _): return (vae, configuration)
        case .vqVAE: throw FileError(path: url.path, problem: "holds a \(configuration.model.family.rawValue), whose codes are a grid of discrete symbols: there are no continuous codings to draw from a distribution or to walk along")
        }
    }

    /// The trained model of the run's family, with its code prior once trained.
    public func loadTrainedModel(weights: URL? = nil) throws -> (TrainedModel, RunConfiguration) {
        let configuration = try readConfiguration()
        var generator = SeededGenerator(seed: 0)
        switch configuration.model.family {
        case .vae, .rae:
            let model = try VariationalAutoencoder(configuration.model, generator: &generator)
            try model.loadWeights(from: weights ?? weightsURL)
            return (.vae(model), configuration)
        case .twoStage:
            let model = try VariationalAutoencoder(configuration.model, generator: &generator)
            try model.loadWeights(from: weights ?? weightsURL)
            guard let secondConfiguration = configuration.model.secondStageConfiguration,
                  let tensors = try priorTensors(for: model, weights: weights ?? weightsURL) else { return (.twoStage(model, second: nil), configuration) }
            let second = try VariationalAutoencoder(secondConfiguration, generator: &generator)
            try second.load(tensors, source: priorWeightsURL.path)
            return (.twoStage(model, second: second), configuration)
        case .vqVAE:
            let model = try VectorQuantizedAutoencoder(configuration.model, generator: &generator)
            try model.loadWeights(from: weights ?? weightsURL)
            guard let settings = configuration.model.codePrior, let tensors = try priorTensors(for: model, weights: weights ?? weightsURL) else {
                return (.vqVAE(model, prior: nil), configuration)
            }
            let prior = CodePrior(settings, grid: model.grid, codebookSize: model.quantizer.codebookSize, generator: &generator)
            try CodePriorTraining(autoencoder: model, prior: prior).load(tensors, source: priorWeightsURL.path)
            return (.vqVAE(model, prior: prior), configuration)
        }
    }
}

extension RunFolder {
    /// The prior's weights when it was trained on `first`'s weights as they are now (read
    /// from `weights`); nil when there is none, or when it belongs to other weights of the
    /// run (a snapshot, the best epoch's), whose codes it did not model. A prior written
    /// without that record goes with the run's final weights.
    func priorTensors(for first: any TrainableModel, weights: URL) throws -> [String: SafeTensors.Tensor]? {
        guard FileManager.default.fileExists(atPath: priorWeightsURL.path) else { return nil }
        let (tensors, metadata) = try SafeTensors.read(priorWeightsURL)
        guard let recorded = metadata[PriorStage.firstWeightsKey] else {
            return weights.standardizedFileURL == weightsURL.standardizedFileURL ? tensors : nil
        }
        return recorded == first.weightsFingerprint ? tensors : nil
    }
}

/// A run's trained model, of its family.
public enum TrainedModel {
    case vae(VariationalAutoencoder)
    /// A two-stage model's first VAE and its second one (nil until one is trained).
    case twoStage(VariationalAutoencoder, second: VariationalAutoencoder?)
    /// A VQ-VAE and its code prior (nil until one is trained).
    case vqVAE(VectorQuantizedAutoencoder, prior: CodePrior?)

    /// The VAE whose continuous codings the model samples and walks (a two-stage model's
    /// first); nil for a VQ-VAE.
    public var continuousModel: VariationalAutoencoder? {
        switch self {
        case .vae(let model), .twoStage(let model, _): model
        case .vqVAE: nil
        }
    }

    /// The fingerprint of every weight the model samples with: its first model's, and its
    /// second's where it has one.
    public var weightsFingerprint: String {
        switch self {
        case .vae(let model): model.weightsFingerprint
        case .twoStage(let model, let second): model.weightsFingerprint + (second.map { "+" + $0.weightsFingerprint } ?? "")
        case .vqVAE(let model, let prior): model.weightsFingerprint + (prior.map { "+" + $0.parameters.fingerprint } ?? "")
        }
    }

    /// Images through the model's codes, in a new matrix.
    public func reconstructed(_ images: Matrix) -> Matrix {
        switch self {
        case .vae(let model), .twoStage(let model, _): model.reconstructed(images)
        case .vqVAE(let model, _): model.reconstructed(images)
        }
    }

    /// `steps` images on the way from one image to another (rows 0 and 1 of `pair`): the
    /// straight line between their mean codings, decoded; for a VQ-VAE, between its
    /// encoder's outputs, each step quantized.
    public func interpolated(between pair: Matrix, steps: Int) -> Matrix {
        precondition(pair.rows == 2 && steps >= 1)
        switch self {
        case .vae(let model), .twoStage(let model, _):
            let mean = model.encoded(pair).mean
            return model.decoded(Codings.between(Array(mean.row(0)), Array(mean.row(1)), steps: steps))
        case .vqVAE(let model, _):
            return model.interpolated(between: pair, steps: steps)
        }
    }
}

/// Why a folder cannot take a new run.
public enum RunFolderError: Error, CustomStringConvertible, Equatable {
    /// The folder already holds a run, and replacing it was not asked for.
    case holdsRun(String)
    /// The folder holds files that are not a run's (`example` is one of them).
    case holdsOtherFiles(String, example: String)

    public var description: String {
        switch self {
        case .holdsRun(let path): "\(path): already holds a run"
        case let .holdsOtherFiles(path, example): "\(path): holds files that are not a run's (such as \(example)), which a run would mix with its own"
        }
    }
}
