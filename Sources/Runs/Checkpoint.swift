import Storage
import Foundation
import NumericCore
import VAE

/// One file that holds everything needed to continue a training run exactly: the weights
/// (`model.<name>`), the optimizer's state (`optimizer.<name>`), and, in the safetensors
/// metadata, the configuration and the trainer's state as JSON. Being one file written
/// atomically, it is always complete and consistent.
public enum Checkpoint {
    public static func write(_ trainer: any EpochTraining, configuration: RunConfiguration, to url: URL) throws {
        var tensors: [String: SafeTensors.Tensor] = [:]
        for (name, tensor) in trainer.trainedModel.weights { tensors["model." + name] = tensor }
        for (name, tensor) in trainer.optimizer.state { tensors["optimizer." + name] = tensor }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let metadata = [
            "format": "vae-checkpoint/1",
            "configuration": String(decoding: try encoder.encode(configuration), as: UTF8.self),
            "trainer": String(decoding: try encoder.encode(trainer.state), as: UTF8.self),
        ]
        try SafeTensors.write(tensors, metadata: metadata, to: url)
    }

    /// The configuration a checkpoint was written with.
    public static func configuration(at url: URL) throws -> RunConfiguration {
        let configuration = try decode(RunConfiguration.self, key: "configuration", from: SafeTensors.read(url).metadata, url: url)
        do {
            try configuration.validate()
        } catch {
            throw FileError(path: url.path, problem: "its configuration is invalid: \(error.description)")
        }
        return configuration
    }

    /// The epochs a checkpoint holds, oldest first.
    public static func history(at url: URL) throws -> [EpochRecord] {
        try decode(TrainerState.self, key: "trainer", from: SafeTensors.read(url).metadata, url: url).history
    }

    /// Puts a trainer (built from the same configuration) back in the checkpoint's state.
    public static func restore(_ trainer: any EpochTraining, from url: URL) throws {
        let (tensors, metadata) = try SafeTensors.read(url)
        func group(_ prefix: String) -> [String: SafeTensors.Tensor] {
            Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }
                .map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        try trainer.trainedModel.load(group("model."), source: url.path)
        do {
            try trainer.optimizer.restore(group("optimizer."))
        } catch {
            throw FileError(path: url.path, problem: "\(error)")
        }
        let state = try decode(TrainerState.self, key: "trainer", from: metadata, url: url)
        if let problem = state.problem(trainingImages: trainer.trainingCount, stepsPerEpoch: trainer.stepsPerEpoch) {
            throw FileError(path: url.path, problem: "its trainer record is damaged: \(problem)")
        }
        trainer.state = state
    }

    private static func decode<T: Decodable>(_ type: T.Type, key: String, from metadata: [String: String], url: URL) throws -> T {
        guard let json = metadata[key] else { throw FileError(path: url.path, problem: "not a training checkpoint (no \(key))") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch {
            throw FileError(path: url.path, problem: "its \(key) record is damaged: \(describe(error))")
        }
    }
}
