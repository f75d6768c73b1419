import Storage
import Foundation
import Runs
import NumericCore
import Testing
import TestSupport
import VAE
@testable import VAECommands

/// A run survives interruption, resumes exactly, refuses a second writer, and reports a
/// damaged checkpoint.
@Suite(.serialized) struct TrustTests {
    static let data = try! IDXFiles.makeDataset(train: 900, test: 50, side: 8)
    let common = ["--data", TrustTests.data.path, "--validation", "200", "--hidden", "32,16", "--coding-size", "4"]

    func run(_ arguments: [String]) throws {
        var command = try VAECommand.parseAsRoot(arguments)
        try command.run()
    }

    func history(_ folder: URL) throws -> [String] {
        // Every column but the last (seconds), which differs from run to run.
        try String(contentsOf: folder.appendingPathComponent("history.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
    }

    @Test func aResumedRunEndsExactlyAsAnUninterruptedOne() throws {
        let base = IDXFiles.temporaryFolder("resume")
        let whole = base.appendingPathComponent("whole"), parts = base.appendingPathComponent("parts")
        try run(["train", "--epochs", "3", "--out", whole.path] + common)
        try run(["train", "--epochs", "1", "--out", parts.path] + common)
        try run(["train", "--resume", parts.path, "--epochs", "3"])
        #expect(try history(whole) == history(parts))
        #expect(try SafeTensors.read(whole.appendingPathComponent("model.safetensors")).tensors
                == SafeTensors.read(parts.appendingPathComponent("model.safetensors")).tensors)
        #expect(FileManager.default.fileExists(atPath: parts.appendingPathComponent("best.safetensors").path))
    }

    static let configuration = ModelConfiguration(imageHeight: 8, imageWidth: 8, codingSize: 3, hidden: [16])
    static let options = TrainingOptions(epochs: 3, batchSize: 64)
    static let run = RunConfiguration(model: configuration, training: options, data: DataSelection(folder: data.path))

    /// A small trainer on the test dataset; the same seed gives the same run.
    func trainer(seed: UInt64) throws -> Trainer<VariationalAutoencoder> {
        let images = try Datasets_load(Self.data)
        var generator = SeededGenerator(seed: seed)
        let model = try VariationalAutoencoder(Self.configuration, generator: &generator)
        return try Trainer(model: model, training: images.0, validation: images.1, options: Self.options, generator: generator)
    }

    /// Three uninterrupted epochs: what every resumed run must end with.
    func wholeRun(seed: UInt64) throws -> Trainer<VariationalAutoencoder> {
        let whole = try trainer(seed: seed)
        for _ in 0..<3 { try whole.trainEpoch() }
        return whole
    }

    @Test func anAbandonedEpochDoesNotChangeTheResumedResult() throws {
        let whole = try wholeRun(seed: 9)

        let checkpoint = IDXFiles.temporaryFolder("checkpoint").appendingPathComponent("checkpoint.safetensors")
        let first = try trainer(seed: 9)
        try first.trainEpoch()
        try Checkpoint.write(first, configuration: Self.run, to: checkpoint)
        var steps = 0
        #expect(throws: TrainingError.self) {
            try first.trainEpoch(shouldStop: { steps += 1; return steps == 4 })
        }
        let resumed = try trainer(seed: 9)
        try Checkpoint.restore(resumed, from: checkpoint)
        #expect(try Checkpoint.configuration(at: checkpoint) == Self.run)
        while resumed.history.count < 3 { try resumed.trainEpoch() }
        #expect(resumed.model.weights == whole.model.weights)
        #expect(resumed.history.map(\.loss) == whole.history.map(\.loss))
    }

    @Test func anEpochInterruptedPartWayResumesExactly() throws {
        let whole = try wholeRun(seed: 11)
        let checkpoint = IDXFiles.temporaryFolder("midway").appendingPathComponent("checkpoint.safetensors")
        let first = try trainer(seed: 11)
        try first.trainEpoch()
        var steps = 0
        #expect(throws: TrainingError.self) { try first.trainEpoch(shouldStop: { steps += 1; return steps == 5 }) }
        #expect(first.epochInProgress?.stepsDone == 5)
        try Checkpoint.write(first, configuration: Self.run, to: checkpoint)
        let resumed = try trainer(seed: 11)
        try Checkpoint.restore(resumed, from: checkpoint)
        while resumed.history.count < 3 { try resumed.trainEpoch() }
        #expect(resumed.model.weights == whole.model.weights)
        #expect(resumed.history.map(\.loss) == whole.history.map(\.loss))
        #expect(resumed.history.map(\.validation) == whole.history.map(\.validation))
    }

    @Test func aSecondTrainingIntoTheSameFolderIsRefused() throws {
        let out = IDXFiles.temporaryFolder("locked").appendingPathComponent("run")
        try run(["train", "--epochs", "1", "--out", out.path] + common)
        let lock = try RunLock(RunFolder(out))
        #expect { try run(["train", "--resume", out.path, "--epochs", "2"]) } throws: {
            "\($0)".contains("another training is writing")
        }
        #expect { try run(["train", "--epochs", "1", "--overwrite", "--out", out.path] + common) } throws: {
            "\($0)".contains("another training is writing")
        }
        withExtendedLifetime(lock) {}
    }

    @Test func aDamagedCheckpointIsReportedNotUsed() throws {
        let out = IDXFiles.temporaryFolder("damaged").appendingPathComponent("run")
        try run(["train", "--epochs", "1", "--out", out.path] + common)
        let checkpoint = out.appendingPathComponent("checkpoint.safetensors")
        let bytes = try Data(contentsOf: checkpoint)
        try bytes.prefix(bytes.count / 2).write(to: checkpoint)
        #expect { try run(["train", "--resume", out.path, "--epochs", "2"]) } throws: {
            "\($0)".contains("checkpoint.safetensors") && "\($0)".contains("not a valid safetensors file")
        }
    }

    @Test func aDivergingRunStopsAndKeepsNothingHalfWritten() throws {
        let out = IDXFiles.temporaryFolder("diverge").appendingPathComponent("run")
        #expect(throws: (any Error).self) {
            try run(["train", "--epochs", "3", "--learning-rate", "10000", "--optimizer", "sgd", "--out", out.path] + common)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    /// The real program, interrupted by SIGINT as Ctrl-C would: it stops after a step,
    /// says how to resume, exits with 130, and the resumed run completes.
    @Test func ctrlCStopsCleanlyAndTheRunResumes() throws {
        let executable = try ChildProcess.builtProgram("vae")
        let out = IDXFiles.temporaryFolder("signal").appendingPathComponent("run")
        let process = Process()
        process.executableURL = executable
        process.arguments = ["train", "--epochs", "100000", "--out", out.path] + common
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let history = out.appendingPathComponent("history.csv")
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: history.path) && process.isRunning && Date() < deadline { usleep(20_000) }
        kill(process.processIdentifier, SIGINT)
        let stopBy = Date().addingTimeInterval(60)
        while process.isRunning && Date() < stopBy { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("the training did not stop within a minute of SIGINT")
        }
        process.waitUntilExit()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 130, "\(printed)")
        #expect(printed.contains("vae train --resume \(out.path)"), "\(printed)")
        let epochs = try Checkpoint.configuration(at: out.appendingPathComponent("checkpoint.safetensors"))
        #expect(epochs.training.epochs == 100000)
        // Whether the signal came mid-epoch or at its end, the resumed run completes the next epoch.
        let done = try String(contentsOf: history, encoding: .utf8).split(separator: "\n").count - 1
        try run(["train", "--resume", out.path, "--epochs", String(done + 1)])
        #expect(try String(contentsOf: history, encoding: .utf8).split(separator: "\n").count == done + 2)
    }
}

import Datasets

/// The training and validation parts of a small IDX dataset.
func Datasets_load(_ folder: URL) throws -> (ImageDataset, ImageDataset) {
    let full = try MNISTFormat.load(.train, from: folder)
    return (full.subset(0..<(full.count - 200)), full.subset((full.count - 200)..<full.count))
}
