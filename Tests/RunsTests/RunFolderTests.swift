import Foundation
import NumericCore
import Runs
import Storage
import Testing
import TestSupport
import VAE

@Suite struct RunFolderTests {
    @Test func aRunFolderReopensToTheSameModel() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("run"))
        try folder.create(overwrite: false)
        let configuration = RunConfiguration(model: ModelConfiguration(codingSize: 3, hidden: [7]),
                                             training: TrainingOptions(), data: DataSelection(folder: "/nowhere"))
        try folder.write(configuration)
        var generator = SeededGenerator(seed: 1)
        let model = try VariationalAutoencoder(configuration.model, generator: &generator)
        try model.saveWeights(to: folder.weightsURL)
        let (reopened, readConfiguration) = try folder.loadModel()
        #expect(readConfiguration == configuration)
        #expect(reopened.weights == model.weights)
        #expect(throws: RunFolderError.self) { try folder.create(overwrite: false) }
        try folder.create(overwrite: true)
    }

    @Test func mismatchedOrCorruptFilesAreReported() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("run"))
        let configuration = RunConfiguration(model: ModelConfiguration(codingSize: 3, hidden: [7]),
                                             training: TrainingOptions(), data: DataSelection(folder: "/nowhere"))
        try folder.write(configuration)
        var generator = SeededGenerator(seed: 1)
        try VariationalAutoencoder(ModelConfiguration(codingSize: 4, hidden: [7]), generator: &generator)
            .saveWeights(to: folder.weightsURL)
        #expect { try folder.loadModel() } throws: { "\($0)".contains("the model needs") }
        try AtomicFile.write("{\"model\": 3}", to: folder.configurationURL)
        #expect { try folder.loadModel() } throws: { "\($0)".contains("not a valid run configuration") }
    }
}


@Suite struct RunConfigurationTests {
    /// A `config.json` of the first format (seed, validation count and limit among the
    /// training options, the folder as `data`) still opens, as the current format.
    @Test func theFirstFormatStillReads() throws {
        let first = """
            {"format": "vae-run/1", "data": "/data/fashion", "images": {"side": 16, "channels": 1, "background": "white"},
             "model": {"imageHeight": 16, "imageWidth": 16, "channels": 1, "codingSize": 3, "hidden": [7],
                       "activation": "relu", "likelihood": "mse", "beta": 1},
             "training": {"epochs": 2, "batchSize": 32, "learningRate": 0.001, "optimizer": "nadam", "seed": 9,
                          "validationCount": 12, "limit": 50}}
            """
        let configuration = try RunConfiguration.decode(Data(first.utf8), path: "config.json")
        #expect(configuration.seed == 9)
        #expect(configuration.data == DataSelection(folder: "/data/fashion", validationCount: 12, limit: 50,
                                                    pictures: ImageFolderSettings(side: 16, channels: 1, background: .white)))
        let again = try RunConfiguration.decode(configuration.encoded(), path: "config.json")
        #expect(again == configuration)
    }

    /// A model whose images are not the pictures' is refused with the setting named.
    @Test func aModelThatDoesNotFitItsPicturesIsRefused() throws {
        var configuration = RunConfiguration(model: ModelConfiguration(imageHeight: 8, imageWidth: 8, channels: 1),
                                             training: TrainingOptions(),
                                             data: DataSelection(folder: "/p", pictures: ImageFolderSettings(side: 16, channels: 1, background: .white)))
        #expect { try configuration.validate() } throws: { ($0 as? ConfigurationError)?.setting == .imageShape }
        configuration.model.imageHeight = 16
        configuration.model.imageWidth = 16
        try configuration.validate()
    }
}

/// A run never deletes or overwrites what it did not write.
@Suite struct UserFilesTests {
    static let data = try! IDXFiles.makeDataset(train: 200, test: 20, side: 8)

    func request() -> RunRequest {
        RunRequest(model: ModelConfiguration(codingSize: 2, hidden: [8]), training: TrainingOptions(epochs: 1, batchSize: 32),
                   data: Self.data.path, validationCount: 40)
    }

    /// A folder with a user's `samples.png` and `history.csv` but no run is refused, with or
    /// without overwriting, and both files stay as they were.
    @Test func aFolderOfSomeoneElsesFilesIsRefused() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("users"))
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        try Data("my picture".utf8).write(to: folder.samplesURL)
        try Data("my history".utf8).write(to: folder.historyURL)
        for overwrite in [false, true] {
            #expect(throws: RunFolderError.self) { try TrainingRun.start(request(), in: folder, overwrite: overwrite) }
        }
        #expect(try String(contentsOf: folder.samplesURL, encoding: .utf8) == "my picture")
        #expect(try String(contentsOf: folder.historyURL, encoding: .utf8) == "my history")
        #expect(!FileManager.default.fileExists(atPath: folder.configurationURL.path))
    }

    /// Replacing a run removes the run's own files by name; a file the user added stays.
    @Test func replacingARunKeepsOtherFiles() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("replaced"))
        try TrainingRun.start(request(), in: folder).train()
        let notes = folder.file("notes.txt")
        try Data("mine".utf8).write(to: notes)
        try TrainingRun.start(request(), in: folder, overwrite: true).train()
        #expect(try String(contentsOf: notes, encoding: .utf8) == "mine")
    }

    /// A `.lock` planted as a symbolic or a hard link is refused; the file it names is unchanged.
    @Test func aLockThatIsALinkIsRefused() throws {
        let folder = RunFolder(IDXFiles.temporaryFolder("planted"))
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        let victim = IDXFiles.temporaryFolder("victim").appendingPathComponent("victim.txt")
        try FileManager.default.createDirectory(at: victim.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: victim)
        try FileManager.default.createSymbolicLink(at: folder.file(".lock"), withDestinationURL: victim)
        #expect { try RunLock(folder) } throws: { "\($0)".contains("symbolic link") }
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious")
        // A hard link is another name of the same file: refused too, the file unchanged.
        try FileManager.default.removeItem(at: folder.file(".lock"))
        try FileManager.default.linkItem(at: victim, to: folder.file(".lock"))
        #expect { try RunLock(folder) } throws: { "\($0)".contains("another name of a file") }
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious")
    }

    /// A temporary file of an atomic write planted as a link is replaced, never followed.
    @Test func aPlantedTemporaryFileIsNotFollowed() throws {
        let folder = IDXFiles.temporaryFolder("atomic")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let victim = folder.appendingPathComponent("victim.txt")
        try Data("precious".utf8).write(to: victim)
        let target = folder.appendingPathComponent("out.txt")
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent(".out.txt.partial-\(getpid())"),
                                                   withDestinationURL: victim)
        try AtomicFile.write("new", to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "precious")
    }
}
