import ArgumentParser
import Foundation
import Runs
import VAE

/// `vae`: train, sample and study variational autoencoders on images.
public struct VAECommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract: "Train, sample and study variational autoencoders on images.",
        discussion: """
        `vae train` with no options reproduces the VAE of Géron's "Hands-On Machine Learning", \
        chapter 17, on Fashion-MNIST, and writes a run folder that every other command reopens.
        """,
        subcommands: [Train.self, Sample.self, Interpolate.self, Traverse.self, Manifold.self, Reconstruct.self,
                      Evaluate.self, Classifier.self, StudyCommand.self, ServeCommand.self])

    public init() {}
}

/// The options every command that reads a finished run takes.
struct RunOption: ParsableArguments {
    @Option(name: .long, help: "The run folder written by `vae train`.")
    var run: String
    @Option(help: "A weights file to use instead of the run's model.safetensors (its best.safetensors, a snapshot).")
    var weights: String?

    var folder: RunFolder { RunFolder(path: run) }
    var weightsURL: URL { weights.map { URL(fileURLWithPath: $0) } ?? folder.weightsURL }

    /// The run's model with the chosen weights, and its configuration.
    func load() throws -> (RunFolder, VariationalAutoencoder, RunConfiguration) {
        let (model, configuration) = try CommandErrors.translating { try folder.loadModel(weights: weightsURL) }
        return (folder, model, configuration)
    }
}
