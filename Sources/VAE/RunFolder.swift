import Foundation
import NumericCore

/// What `config.json` holds: enough to rebuild the model and rerun the training.
public struct RunConfiguration: Codable, Equatable, Sendable {
    public var model: ModelConfiguration
    public var training: TrainingOptions
    /// The dataset folder the run was trained on.
    public var data: String
    /// How the images were made from a folder of picture files; nil for an IDX dataset.
    public var images: ImageFolderSettings?
    public var format = "vae-run/1"

    public init(model: ModelConfiguration, training: TrainingOptions, data: String, images: ImageFolderSettings? = nil) {
        self.model = model
        self.training = training
        self.data = data
        self.images = images
    }

    /// Parses and checks the bytes of a `config.json`; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> RunConfiguration {
        let configuration: RunConfiguration
        do {
            configuration = try JSONDecoder().decode(RunConfiguration.self, from: data)
        } catch {
            throw FileError(path: path, problem: "not a valid run configuration: \(RunFolder.describe(error))")
        }
        do {
            try configuration.model.validate()
            try configuration.training.validate()
            try configuration.images?.validate()
        } catch {
            throw FileError(path: path, problem: error.description)
        }
        return configuration
    }
}

/// A folder holding one training run. Every command that trains writes one; every command
/// that samples, interpolates or evaluates reopens one. All files are written atomically.
///
///     config.json             RunConfiguration
///     model.safetensors       the weights after the last epoch (names and shapes as in the README)
///     best.safetensors        the weights of the epoch with the lowest validation loss
///     checkpoint.safetensors  weights, optimizer and trainer state: what `--resume` reads
///     history.csv             one row per epoch
///     split.json              for a folder of pictures: the files held out (ImageFolderSplit)
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

    /// Makes the folder for a new run; a folder that already holds a run is kept unless
    /// `overwrite` says otherwise, so no result is lost by a repeated command.
    public func create(overwrite: Bool) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: configurationURL.path), !overwrite {
            throw FileError(path: url.path, problem: "already holds a run; pass --overwrite to replace it, or choose another --out")
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

    /// Removes what an earlier run left, before a new run is written over it.
    public func removeRunFiles() throws {
        for name in ["config.json", "model.safetensors", "best.safetensors", "checkpoint.safetensors", "history.csv",
                     "split.json", "curves.svg", "samples.png", "interpolation.png", "reconstructions.png"] {
            let path = file(name).path
            if FileManager.default.fileExists(atPath: path) {
                guard unlink(path) == 0 else {
                    throw FileError(path: path, problem: "cannot remove the earlier run's file: \(String(cString: strerror(errno)))")
                }
            }
        }
    }

    public func write(_ configuration: RunConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(encoder.encode(configuration), to: configurationURL)
    }

    public func readConfiguration() throws -> RunConfiguration {
        try RunConfiguration.decode(readFile(configurationURL), path: configurationURL.path)
    }

    /// The trained model, rebuilt from `config.json` and `model.safetensors` (or another
    /// weights file of the same model, such as `best.safetensors`).
    public func loadModel(weights: URL? = nil) throws -> (VariationalAutoencoder, RunConfiguration) {
        let configuration = try readConfiguration()
        var generator = SeededGenerator(seed: 0)
        let model = VariationalAutoencoder(configuration.model, generator: &generator)
        try model.loadWeights(from: weights ?? weightsURL)
        return (model, configuration)
    }

    public func writeHistory(_ records: [EpochRecord]) throws {
        var csv = "epoch,loss,val_loss,reconstruction,latent,kl_nats,val_reconstruction,val_latent,val_kl_nats,seconds\n"
        func number(_ value: Float?) -> String { value.map { String(format: "%.8g", $0) } ?? "" }
        for record in records {
            let v = record.validation
            csv += [String(record.epoch), number(record.loss.total), number(v?.total),
                    number(record.loss.reconstruction), number(record.loss.latent), number(record.loss.divergence),
                    number(v?.reconstruction), number(v?.latent), number(v?.divergence),
                    String(format: "%.4f", record.seconds)].joined(separator: ",") + "\n"
        }
        try AtomicFile.write(csv, to: historyURL)
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): context.debugDescription
        default: "\(error)"
        }
    }
}
