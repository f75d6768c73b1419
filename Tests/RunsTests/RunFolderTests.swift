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
