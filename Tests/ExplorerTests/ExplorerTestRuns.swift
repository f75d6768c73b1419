import Explorer
import Foundation
import Runs
import TestSupport
import VAE

/// Small trained runs under one root, made once for every test of the explorer.
enum ExplorerTestRuns {
    static let data = try! IDXFiles.makeDataset(train: 300, test: 40, side: 8)

    /// A root with a dense VAE (`dense`), a convolutional VAE of colour pictures in two
    /// classes (`colour`), a two-stage model (`nested/two-stage`) and a VQ-VAE (`vq`).
    static let root: URL = {
        let root = IDXFiles.temporaryFolder("explorer-runs")
        let dense = ModelConfiguration(codingSize: 3, hidden: [16])
        try! train(dense, epochs: 2, into: root.appendingPathComponent("dense"))
        try! trainOnColourPictures(into: root.appendingPathComponent("colour"))
        let twoStage = ModelConfiguration(codingSize: 3, hidden: [16], likelihood: .gaussian, family: .twoStage,
                                          secondStage: SecondStageSettings(hidden: [12]))
        try! train(twoStage, epochs: 2, priorEpochs: 2, into: root.appendingPathComponent("nested/two-stage"))
        let vq = ModelConfiguration(hidden: [], likelihood: .bernoulli, architecture: .conv, filters: [4, 6], family: .vqVAE,
                                    quantizer: VectorQuantizerSettings(codebookSize: 8, codeDimension: 3),
                                    codePrior: CodePriorSettings(channels: 6, blocks: 1))
        try! train(vq, epochs: 1, priorEpochs: 1, into: root.appendingPathComponent("vq"))
        return root
    }()

    static func train(_ model: ModelConfiguration, epochs: Int, priorEpochs: Int? = nil, into url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let request = RunRequest(model: model, training: TrainingOptions(epochs: epochs, batchSize: 32, priorEpochs: priorEpochs),
                                 seed: 3, data: data.path, validationCount: 60)
        try TrainingRun.start(request, in: RunFolder(url)).train()
    }

    static func trainOnColourPictures(into url: URL) throws {
        let pictures = IDXFiles.temporaryFolder("explorer-pictures")
        for index in 0..<40 {
            let folder = pictures.appendingPathComponent(index % 2 == 0 ? "red" : "blue")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try PictureFiles.encode(PictureFiles.pixels(width: 8, height: 8, channels: 3, seed: index), width: 8, height: 8,
                                    channels: 3, as: .png).write(to: folder.appendingPathComponent("\(index).png"))
        }
        let model = ModelConfiguration(codingSize: 3, hidden: [], likelihood: .bernoulli, architecture: .conv, filters: [4, 6])
        let request = RunRequest(model: model, training: TrainingOptions(epochs: 1, batchSize: 16), seed: 3, data: pictures.path,
                                 pictures: PictureRequest(side: 8, channels: 3, validationCount: 4, testCount: 6), cache: nil)
        try TrainingRun.start(request, in: RunFolder(url)).train()
    }

    static let api = DashboardAPI(catalog: try! RunCatalog(root: root))

    static func get(_ path: String, _ query: [String: String] = [:]) -> DashboardResponse {
        api.respond(to: DashboardRequest(path: path, query: query))
    }
}
