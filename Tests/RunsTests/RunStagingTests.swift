import Foundation
import Optimizers
@testable import Runs
import Storage
import Testing
import TestSupport
import VAE

/// A run that replaces another keeps the earlier one whole until its own first checkpoint,
/// and whatever stops it half-way, the next start or resume finds a whole run.
@Suite struct RunStagingTests {
    static let data = try! IDXFiles.makeDataset(train: 200, test: 20, side: 8)

    func request(epochs: Int = 1, learningRate: Float = 0.001, optimizer: OptimizerKind = .nadam, seed: UInt64 = 42) -> RunRequest {
        RunRequest(model: ModelConfiguration(codingSize: 2, hidden: [8]),
                   training: TrainingOptions(epochs: epochs, batchSize: 32, learningRate: learningRate, optimizer: optimizer),
                   seed: seed, data: Self.data.path, validationCount: 40)
    }

    /// Every file of a run folder, by name, with its bytes.
    func contents(_ folder: RunFolder) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.url.path) where name != ".lock" && name != ".vae-staging" {
            files[name] = try Data(contentsOf: folder.file(name))
        }
        return files
    }

    @Test func aReplacementThatDivergesLeavesTheEarlierRunWhole() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("staging-diverge"))
        try TrainingRun.start(request(epochs: 2), in: folder).train()
        let before = try contents(folder)
        let replacement = try TrainingRun.start(request(learningRate: 1e4, optimizer: .sgd), in: folder, overwrite: true)
        #expect(FileManager.default.fileExists(atPath: folder.staging.configurationURL.path))
        #expect(try contents(folder) == before)
        #expect(throws: TrainingError.self) { try replacement.train() }
        #expect(try contents(folder) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.staging.url.path))
    }

    @Test func aReplacementTakesThePlaceAtItsFirstCheckpoint() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("staging-replace"))
        try TrainingRun.start(request(epochs: 2), in: folder).train()
        try Data("{}".utf8).write(to: folder.evaluationURL)  // the earlier run's evaluation: not the new run's
        let snapshot = try TrainingRun.resume(folder).writeSnapshot()
        let notes = folder.file("model-epoch-final.safetensors")  // not a name a run writes
        try Data("mine".utf8).write(to: notes)
        let run = try TrainingRun.start(request(seed: 7), in: folder, overwrite: true)
        try run.train()
        #expect(!FileManager.default.fileExists(atPath: snapshot.path))
        #expect(FileManager.default.fileExists(atPath: notes.path))
        #expect(try folder.readConfiguration().seed == 7)
        #expect(try Checkpoint.history(at: folder.checkpointURL).count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.evaluationURL.path))
        #expect(!FileManager.default.fileExists(atPath: folder.staging.url.path))
    }

    /// Killed half-way through taking the place: some staged files moved, the rest and the
    /// configuration not. Resuming completes the move and continues the new run.
    @Test func aPromotionCutShortIsCompletedByTheNextResume() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("staging-cut"))
        try TrainingRun.start(request(epochs: 2), in: folder).train()
        let newer = RunFolder(IDXFiles.temporaryFolder("staging-newer"))
        try TrainingRun.start(request(epochs: 3, seed: 9), in: newer).train()
        let expected = try contents(newer)
        // The staged run, recorded as being moved, with its weights already in place.
        try FileManager.default.createDirectory(at: folder.staging.url, withIntermediateDirectories: false)
        var names: [String] = []
        for url in newer.runFiles where FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.copyItem(at: url, to: folder.staging.file(url.lastPathComponent))
            names.append(url.lastPathComponent)
        }
        try names.joined(separator: "\n").write(to: folder.staging.file(".promoting"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: folder.weightsURL)
        try FileManager.default.moveItem(at: folder.staging.weightsURL, to: folder.weightsURL)

        let resumed = try TrainingRun.resume(folder)
        #expect(resumed.configuration.seed == 9 && resumed.epochsDone == 3)
        #expect(try contents(folder).filter { expected[$0.key] != nil } == expected)
        #expect(!FileManager.default.fileExists(atPath: folder.staging.url.path))
    }

    /// A staging folder planted as a link is refused, never followed: the folder it points
    /// to keeps its files.
    @Test func aStagingFolderThatIsALinkIsRefused() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("staging-link"))
        try TrainingRun.start(request(), in: folder).train()
        let other = RunFolder(IDXFiles.temporaryFolder("staging-link-target"))
        try TrainingRun.start(request(seed: 4), in: other).train()
        let kept = try contents(other)
        try FileManager.default.createSymbolicLink(at: folder.staging.url, withDestinationURL: other.url)
        #expect {
            _ = try TrainingRun.start(request(seed: 5), in: folder, overwrite: true)
        } throws: { "\($0)".contains("is not this program's staging folder") }
        #expect(throws: FileError.self) { _ = try TrainingRun.resume(folder) }
        #expect(try contents(other) == kept)
    }

    /// A staged run killed before its first checkpoint is discarded by the next resume,
    /// which continues the earlier run.
    @Test func aStagedRunWithoutACheckpointIsDiscarded() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("staging-early"))
        try TrainingRun.start(request(epochs: 2), in: folder).train()
        let before = try contents(folder)
        do { _ = try TrainingRun.start(request(seed: 3), in: folder, overwrite: true) }  // and dropped, as by a kill
        #expect(FileManager.default.fileExists(atPath: folder.staging.url.path))
        let resumed = try TrainingRun.resume(folder, epochs: 2)
        #expect(resumed.configuration.seed == 42)
        #expect(!FileManager.default.fileExists(atPath: folder.staging.url.path))
        #expect(try contents(folder) == before)
    }
}

extension RunStagingTests {
    /// A write killed before its rename leaves `.<name>.partial-<pid>`: the next run removes
    /// those of its own files whose process has ended, and nothing else.
    @Test func temporaryFilesOfAKilledRunAreRemovedByTheNext() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("leftovers"))
        try TrainingRun.start(request(), in: folder).train()
        var ended: Int32 = 4_000_000
        while kill(ended, 0) == 0 || errno != ESRCH { ended -= 1 }
        let leftover = folder.file(".checkpoint.safetensors.partial-\(ended)")
        let living = folder.file(".model.safetensors.partial-\(getppid())")
        let others = folder.file(".notes.txt.partial-\(ended)")
        for url in [leftover, living, others] { try Data("half".utf8).write(to: url) }
        try TrainingRun.resume(folder, epochs: 2).train()
        #expect(!FileManager.default.fileExists(atPath: leftover.path))
        #expect(FileManager.default.fileExists(atPath: living.path))
        #expect(FileManager.default.fileExists(atPath: others.path))
    }
}

extension RunStagingTests {
    /// A checkpoint whose picture settings were damaged (`side: 0`, `channels: 2`) or do not
    /// match its model gives an error naming the file, never a trap.
    @Test func aCheckpointWithImpossiblePictureSettingsIsAnError() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("bad-pictures"))
        try TrainingRun.start(request(), in: folder).train()
        let (tensors, metadata) = try SafeTensors.read(folder.checkpointURL)
        for pictures in [#"{"side":0,"channels":3,"background":"white"}"#, #"{"side":8,"channels":2,"background":"white"}"#,
                         #"{"side":16,"channels":1,"background":"white"}"#] {
            var json = try JSONSerialization.jsonObject(with: Data(metadata["configuration"]!.utf8)) as! [String: Any]
            var data = json["data"] as! [String: Any]
            data["pictures"] = try JSONSerialization.jsonObject(with: Data(pictures.utf8))
            json["data"] = data
            var damaged = metadata
            damaged["configuration"] = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
            try SafeTensors.write(tensors, metadata: damaged, to: folder.checkpointURL)
            #expect {
                _ = try TrainingRun.resume(folder, epochs: 2)
            } throws: { error in
                "\(error)".hasPrefix(folder.checkpointURL.path + ": its configuration is invalid")
            }
        }
    }
}
