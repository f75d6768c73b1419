import Foundation
import Runs
import Testing
import TestSupport
import VAE
import Visualization
@testable import VAECommands

@Suite(.serialized) struct FamilyCommandTests {
    static let data = try! IDXFiles.makeDataset(train: 700, test: 50, side: 8)

    func run(_ arguments: [String]) throws { try runCommand(arguments) }

    /// `--model vq-vae` trains the autoencoder and its prior; every command that reopens a
    /// run works on it or says why it does not apply.
    @Test func aVQVAERunWorksWithEveryCommandOrSaysWhyNot() throws {
        let out = IDXFiles.temporaryFolder("cli-vq").appendingPathComponent("run")
        let base = ["train", "--data", Self.data.path, "--validation", "200", "--model", "vq-vae", "--filters", "4,6",
                    "--codebook-size", "8", "--code-dim", "3", "--prior-channels", "6", "--prior-blocks", "1", "--out", out.path]
        try run(base + ["--epochs", "2", "--prior-epochs", "0"])
        let folder = RunFolder(out)
        #expect(try folder.readConfiguration().model.quantizer == VectorQuantizerSettings(codebookSize: 8, codeDimension: 3))
        let picture = out.appendingPathComponent("check.png")
        #expect { try run(["sample", "--run", out.path, "--out", picture.path]) } throws: {
            VAECommand.message(for: $0).contains("no trained code prior yet")
        }
        #expect { try run(["interpolate", "--run", out.path]) } throws: { VAECommand.message(for: $0).contains("--between") }
        #expect { try run(["traverse", "--run", out.path]) } throws: { VAECommand.message(for: $0).contains("discrete symbols") }
        try run(["reconstruct", "--run", out.path, "--count", "4", "--out", picture.path])
        try run(["interpolate", "--run", out.path, "--between", "3", "7", "--steps", "5", "--out", picture.path])
        #expect(try #require(PNG.decode(Data(contentsOf: picture))).width == 7 * 24 + 8 * 2)

        try run(["train", "--resume", out.path, "--prior-epochs", "1"])
        try run(["sample", "--run", out.path, "--count", "6", "--columns", "3", "--out", picture.path])
        #expect(try #require(PNG.decode(Data(contentsOf: picture))).height == 2 * 24 + 3 * 2)
        #expect { try run(["sample", "--run", out.path, "--prior", "gmm"]) } throws: {
            VAECommand.message(for: $0).contains("does not apply to a vq-vae run")
        }
        #expect { try run(base + ["--overwrite", "--codebook-size", "1"]) } throws: {
            VAECommand.message(for: $0).contains("--codebook-size must be from 2 to 4096")
        }
        #expect { try run(base + ["--overwrite", "--beta", "2"]) } throws: {
            VAECommand.message(for: $0).contains("--beta applies to a VAE's continuous codings")
        }
        #expect { try run(["train", "--data", Self.data.path, "--prior-epochs", "3"]) } throws: {
            VAECommand.message(for: $0).contains("--model vq-vae")
        }
    }

    @Test func twoStageAndRAERunsSampleThroughTheirOwnPriors() throws {
        let out = IDXFiles.temporaryFolder("cli-two-stage").appendingPathComponent("run")
        try run(["train", "--data", Self.data.path, "--validation", "200", "--model", "two-stage", "--hidden", "16",
                 "--second-stage-hidden", "8", "--epochs", "1", "--prior-epochs", "1", "--out", out.path])
        let configuration = try RunFolder(out).readConfiguration()
        #expect(configuration.model.likelihood == .gaussian && configuration.model.codingSize == 16
                && configuration.model.secondStage == SecondStageSettings(hidden: [8]) && configuration.training.priorEpochs == 1)
        let picture = out.appendingPathComponent("check.png")
        try run(["sample", "--run", out.path, "--count", "4", "--columns", "2", "--out", picture.path])
        try run(["sample", "--run", out.path, "--count", "4", "--prior", "gaussian", "--out", picture.path])
        try run(["interpolate", "--run", out.path, "--axis", "0", "--out", picture.path])

        let rae = IDXFiles.temporaryFolder("cli-rae").appendingPathComponent("run")
        try run(["train", "--data", Self.data.path, "--validation", "200", "--model", "rae", "--hidden", "16",
                 "--coding-size", "3", "--epochs", "1", "--out", rae.path])
        #expect(try RunFolder(rae).readConfiguration().model.beta == 0)
        try run(["sample", "--run", rae.path, "--count", "4", "--components", "2", "--out", picture.path])
        #expect(FileManager.default.fileExists(atPath: rae.appendingPathComponent("gmm-2-full.json").path))
        #expect { try run(["train", "--data", Self.data.path, "--validation", "200", "--model", "rae", "--beta", "1"]) } throws: {
            VAECommand.message(for: $0).contains("--beta must be 0 for rae")
        }
    }
}
