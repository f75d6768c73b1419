import Storage
import CStb
import Foundation
import Runs
import NumericCore
import Testing
import TestSupport
import VAE
import Visualization
@testable import VAECommands

/// The `vae` command end to end on a tiny dataset it makes itself.
@Suite(.serialized) struct CommandLineTests {
    static let data = try! IDXFiles.makeDataset(train: 700, test: 50, side: 8)

    func run(_ arguments: [String]) throws { try runCommand(arguments) }

    func trainTinyRun() throws -> URL {
        let out = IDXFiles.temporaryFolder("cli").appendingPathComponent("run")
        try run(["train", "--data", Self.data.path, "--epochs", "2", "--validation", "200", "--hidden", "32,16",
                 "--coding-size", "4", "--out", out.path])
        return out
    }

    @Test func trainWritesACompleteRunFolder() throws {
        let out = try trainTinyRun()
        let folder = RunFolder(out)
        let configuration = try folder.readConfiguration()
        #expect(configuration.model.imageHeight == 8 && configuration.model.hidden == [32, 16])

        let history = try String(contentsOf: folder.historyURL, encoding: .utf8).split(separator: "\n")
        #expect(history.first!.hasPrefix("epoch,loss,val_loss,reconstruction,latent"))
        #expect(history.count == 3)

        // The weights file holds exactly the model's tensors, with the documented shapes.
        let (tensors, _) = try SafeTensors.read(folder.weightsURL)
        #expect(tensors["encoder.dense1.kernel"]?.shape == [64, 32])
        #expect(tensors["encoder.mean.bias"]?.shape == [4])
        #expect(tensors["decoder.output.kernel"]?.shape == [32, 64])
        #expect(tensors.count == 14)

        // samples.png: 3 × 7 images of 8×8 scaled 3×, with 2-pixel borders.
        let samples = try #require(PNG.decode(Data(contentsOf: folder.file("samples.png"))))
        #expect(samples.width == 7 * 24 + 8 * 2 && samples.height == 3 * 24 + 4 * 2)
        let interpolation = try #require(PNG.decode(Data(contentsOf: folder.file("interpolation.png"))))
        #expect(interpolation.width == 7 * 24 + 8 * 2 && interpolation.height == 24 + 2 * 2)
        #expect(try String(contentsOf: folder.file("curves.svg"), encoding: .utf8).contains("<polyline"))
    }

    @Test func everyCommandReopensTheRun() throws {
        let out = try trainTinyRun()
        let picture = out.appendingPathComponent("check.png")
        try run(["sample", "--run", out.path, "--count", "10", "--columns", "5", "--prior", "uniform", "--out", picture.path])
        #expect(try #require(PNG.decode(Data(contentsOf: picture))).height == 2 * 24 + 3 * 2)
        try run(["interpolate", "--run", out.path, "--axis", "1", "--steps", "5", "--out", picture.path])
        #expect(try #require(PNG.decode(Data(contentsOf: picture))).width == 5 * 24 + 6 * 2)
        try run(["interpolate", "--run", out.path, "--between", "3", "7", "--out", picture.path])
        #expect(try #require(PNG.decode(Data(contentsOf: picture))).width == 9 * 24 + 10 * 2)
        try run(["sample", "--run", out.path, "--prior", "gmm", "--components", "3", "--out", picture.path])
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("gmm-3-full.json").path))
        try run(["sample", "--run", out.path, "--prior", "gmm", "--components", "3", "--out", picture.path])
        let mixtureURL = out.appendingPathComponent("gmm-3-full.json")
        let firstSource = try JSONDecoder().decode(GaussianMixture.self, from: Data(contentsOf: mixtureURL)).source
        try run(["train", "--resume", out.path, "--epochs", "3"])
        try run(["sample", "--run", out.path, "--prior", "gmm", "--components", "3", "--out", picture.path])
        let secondSource = try JSONDecoder().decode(GaussianMixture.self, from: Data(contentsOf: mixtureURL)).source
        #expect(firstSource != nil && secondSource != nil && firstSource != secondSource, "a stale mixture was reused")
        try Data("{}".utf8).write(to: mixtureURL)
        #expect { try run(["sample", "--run", out.path, "--prior", "gmm", "--components", "3"]) } throws: {
            "\($0)".contains("not a valid fitted mixture")
        }
        try run(["traverse", "--run", out.path, "--steps", "5", "--out", picture.path])
        #expect(try #require(PNG.decode(Data(contentsOf: picture))).height == 4 * 24 + 5 * 2)
        #expect { try run(["manifold", "--run", out.path]) } throws: { "\($0)".contains("--coding-size 2") }
        try run(["reconstruct", "--run", out.path, "--count", "6", "--out", picture.path])
        #expect(try #require(PNG.decode(Data(contentsOf: picture))).height == 2 * 24 + 3 * 2)
        try run(["evaluate", "--run", out.path, "--json", "--samples", "100", "--importance-samples", "50"])
    }

    @Test func badInputGetsAClearError() throws {
        let out = IDXFiles.temporaryFolder("cli-bad").appendingPathComponent("run").path
        func expectFailure(_ arguments: [String], _ expected: String) {
            do {
                try run(arguments)
                Issue.record("\(arguments) succeeded")
            } catch {
                let message = VAECommand.message(for: error)
                #expect(message.contains(expected), "\(arguments): \(message)")
            }
        }
        let data = ["--data", Self.data.path, "--validation", "200"]
        expectFailure(["train", "--epochs", "0", "--out", out] + data, "--epochs must be at least 1")
        expectFailure(["train", "--batch-size", "0", "--out", out] + data, "--batch-size must be from 1 to 65536")
        expectFailure(["train", "--learning-rate=-1", "--out", out] + data, "--learning-rate must be a positive")
        expectFailure(["train", "--coding-size", "0", "--out", out] + data, "--coding-size must be at least 1")
        expectFailure(["train", "--hidden", "150,x", "--out", out] + data, "hidden")
        expectFailure(["train", "--validation", "900", "--data", Self.data.path, "--out", out], "leaves no training images")
        expectFailure(["train", "--data", "/no/such/folder", "--out", out], "no such folder")
        expectFailure(["train", "--out", "/proc/forbidden/run"] + data, "/proc/forbidden/run")
        expectFailure(["sample", "--run", "/no/such/run"], "no such file")
        #expect(!FileManager.default.fileExists(atPath: out), "a failed command left a run folder behind")
    }

    @Test func anExistingRunIsNotOverwrittenSilently() throws {
        let out = try trainTinyRun()
        #expect { try run(["train", "--data", Self.data.path, "--epochs", "1", "--validation", "200", "--out", out.path]) }
            throws: { "\($0)".contains("--overwrite") }
    }
}

/// Every architecture with every likelihood trains, samples and evaluates.
@Suite(.serialized) struct VariantTests {
    static let data = try! IDXFiles.makeDataset(train: 700, test: 50, side: 8)

    static let variants = Architecture.allCases.flatMap { architecture in
        Likelihood.allCases.flatMap { likelihood in Noise.allCases.map { (architecture, likelihood, $0) } }
    }

    @Test(arguments: 0..<variants.count)
    func eachVariantTrainsSamplesAndEvaluates(variant: Int) throws {
        let (architecture, likelihood, noise) = Self.variants[variant]
        let out = IDXFiles.temporaryFolder("variant").appendingPathComponent("run")
        var command = try VAECommand.parseAsRoot([
            "train", "--data", Self.data.path, "--epochs", "4", "--validation", "200", "--hidden", "24",
            "--coding-size", "3", "--architecture", architecture.rawValue, "--likelihood", likelihood.rawValue,
            "--noise", noise.rawValue,
            "--batch-size", "32", "--out", out.path])
        try command.run()
        let history = try String(contentsOf: out.appendingPathComponent("history.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[1])! }
        // The Bernoulli loss includes the pixels' own entropy, so it cannot fall as far in relative
        // terms; the Gaussian negative log-likelihood may become negative.
        #expect(history.last! < history.first! - 0.08 * abs(history.first!), "\(architecture) \(likelihood) \(noise): \(history)")
        let picture = out.appendingPathComponent("more.png")
        var sample = try VAECommand.parseAsRoot(["sample", "--run", out.path, "--out", picture.path])
        try sample.run()
        #expect(PNG.decode(try Data(contentsOf: picture)) != nil)
        var evaluate = try VAECommand.parseAsRoot(["evaluate", "--run", out.path, "--samples", "100", "--importance-samples", "50"])
        try evaluate.run()
    }

    @Test func optionsThatDoNotFitTogetherAreRefusedBeforeAnyWork() throws {
        let out = IDXFiles.temporaryFolder("variant-bad").appendingPathComponent("run")
        for (arguments, expected) in [
            (["--filters", "8,16"], "--filters apply to the convolutional architecture only"),
            (["--architecture", "conv", "--filters", "8,8,8,8"], "divisible by 16"),
            (["--architecture", "conv", "--filters", "0"], "--filters"),
            (["--architecture", "conv", "--filters", "9000"], "--filters must be between"),
            (["--deterministic", "--noise", "uniform"], "--deterministic"),
            (["--kl-warmup=-1"], "--kl-warmup must not be negative"),
        ] {
            #expect {
                var command = try VAECommand.parseAsRoot(["train", "--data", Self.data.path, "--validation", "200",
                                                          "--out", out.path] + arguments)
                try command.run()
            } throws: { VAECommand.message(for: $0).contains(expected) }
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}

@Suite struct ManifoldTests {
    @Test func aTwoDimensionalCodingDrawsItsPlane() throws {
        let data = try IDXFiles.makeDataset(train: 400, test: 20, side: 8)
        let out = IDXFiles.temporaryFolder("manifold").appendingPathComponent("run")
        var train = try VAECommand.parseAsRoot(["train", "--data", data.path, "--epochs", "1", "--validation", "100",
                                                "--coding-size", "2", "--hidden", "16", "--out", out.path])
        try train.run()
        var manifold = try VAECommand.parseAsRoot(["manifold", "--run", out.path, "--steps", "6"])
        try manifold.run()
        let picture = try #require(PNG.decode(Data(contentsOf: out.appendingPathComponent("manifold.png"))))
        #expect(picture.width == 6 * 8 + 7 * 2 && picture.height == picture.width)
    }
}

/// `vae classifier` and the sample-quality half of `vae evaluate`.
@Suite(.serialized) struct SampleQualityCommandTests {
    static let data = try! IDXFiles.makeDataset(train: 1000, test: 300, side: 8)

    @Test func theClassifierTrainsOnceAndEvaluateMeasuresSamplesAgainstRealImages() throws {
        let folder = IDXFiles.temporaryFolder("quality")
        let run = folder.appendingPathComponent("run"), classifier = folder.appendingPathComponent("classifier.safetensors")
        var train = try VAECommand.parseAsRoot(["train", "--data", Self.data.path, "--epochs", "3", "--validation", "100",
                                                "--hidden", "32", "--coding-size", "3", "--out", run.path])
        try train.run()
        var classify = try VAECommand.parseAsRoot(["classifier", "--data", Self.data.path, "--epochs", "3", "--out", classifier.path])
        try classify.run()

        let arguments = ["evaluate", "--run", run.path, "--samples", "300", "--importance-samples", "20"]
        let report = try #require(try VAECommand.parseAsRoot(arguments + ["--classifier", classifier.path]) as? Evaluate).makeReport()
        let accuracy = try #require(report.classifierAccuracy)
        // The squares' places tell the classes apart, but for 0 and 9, which share a place.
        #expect(accuracy > 0.75, "accuracy \(accuracy)")
        let samples = try #require(report.samples), real = try #require(report.realData)
        #expect(samples.images == 300 && real.images == 300)
        #expect(try #require(real.frechetDistance) < (try #require(samples.frechetDistance)), "\(real) \(samples)")
        #expect(real.classesSeen! >= 9 && real.recall! > 0.5, "\(real)")
        #expect(report.importanceWeighted!.negativeLogLikelihood <= report.importanceWeighted!.negativeELBO)
        #expect(report.classifierNote == nil)

        // Without a classifier the report says why its measures are missing and still measures sharpness.
        let missing = folder.appendingPathComponent("none.safetensors").path
        let plain = try #require(try VAECommand.parseAsRoot(arguments + ["--classifier", missing]) as? Evaluate).makeReport()
        #expect(plain.samples?.frechetDistance == nil && plain.samples?.sharpnessRatio != nil)
        #expect(plain.classifierNote?.contains("no classifier at") == true)
    }
}

/// Runs `vae` with `arguments`, as the command line would.
func runCommand(_ arguments: [String]) throws {
    var command = try VAECommand.parseAsRoot(arguments)
    try command.run()
}
