import Foundation
import Runs
import NumericCore
import Testing
import TestSupport
import VAE
import Visualization
@testable import VAECommands

/// `vae` on a folder of pictures: training, the held-out split, and every command after it.
@Suite(.serialized) struct PictureFolderTests {
    /// 60 pictures of 12 × 12 in three sub-folders, each kind a coloured square in its own place.
    static let pictures: URL = {
        let folder = IDXFiles.temporaryFolder("pictures")
        for index in 0..<60 {
            let kind = index % 3
            var rgba = [UInt8](repeating: 255, count: 12 * 12 * 4)
            for y in 0..<6 {
                for x in 0..<6 {
                    let pixel = ((y + 3 * kind / 2) * 12 + x + 3 * kind) * 4
                    rgba[pixel + kind] = UInt8(100 + index)
                    rgba[pixel + (kind + 1) % 3] = 30
                }
            }
            let data = PictureFiles.encode(rgba, width: 12, height: 12, channels: 4, as: .png)
            let url = folder.appendingPathComponent(["circles", "squares", "stars"][kind] + "/\(index).png")
            try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try! data.write(to: url)
        }
        return folder
    }()
    static let cache = IDXFiles.temporaryFolder("cache")

    func run(_ arguments: [String]) throws {
        var command = try VAECommand.parseAsRoot(arguments)
        try command.run()
    }

    func train(_ extra: [String] = [], data: URL = pictures) throws -> URL {
        let out = IDXFiles.temporaryFolder("pictures-run").appendingPathComponent("run")
        try run(["train", "--data", data.path, "--image-size", "8", "--epochs", "2", "--hidden", "32",
                 "--coding-size", "3", "--batch-size", "16", "--cache", Self.cache.path, "--out", out.path] + extra)
        return out
    }

    @Test func aColourFolderTrainsAndEveryCommandReopensIt() throws {
        let out = try train(["--architecture", "conv", "--filters", "8"])
        let folder = RunFolder(out)
        let configuration = try folder.readConfiguration()
        #expect(configuration.data.pictures == ImageFolderSettings(side: 8, channels: 3, background: .white))
        #expect(configuration.model.imageHeight == 8 && configuration.model.channels == 3)
        let split = try ImageFolderSplit.read(folder.splitURL)
        #expect(split.test.count == 6 && split.validation.count == 6 && Set(split.test).isDisjoint(with: split.validation))
        #expect(split.classes == ["circles", "squares", "stars"])
        #expect(configuration.data.validationCount == 6)

        let samples = try #require(PNG.decode(Data(contentsOf: folder.file("samples.png"))))
        #expect(samples.channels == 3 && samples.width == 7 * 24 + 8 * 2)
        let picture = out.appendingPathComponent("check.png")
        try run(["reconstruct", "--run", out.path, "--count", "6", "--out", picture.path])
        #expect(try #require(PNG.decode(Data(contentsOf: picture))).width == 6 * 24 + 7 * 2)
        try run(["interpolate", "--run", out.path, "--between", "0", "5", "--out", picture.path])
        try run(["sample", "--run", out.path, "--prior", "gmm", "--components", "2", "--out", picture.path])
        try run(["evaluate", "--run", out.path, "--json", "--samples", "100", "--importance-samples", "50"])
        #expect { try run(["reconstruct", "--run", out.path, "--count", "7"]) } throws: { "\($0)".contains("6 test images") }

        // A run on pictures resumes like any other.
        try run(["train", "--resume", out.path, "--epochs", "3"])
        #expect(try String(contentsOf: folder.historyURL, encoding: .utf8).split(separator: "\n").count == 4)
    }

    @Test func theSplitIsSeededAndGreyPicturesTrainWithOneChannel() throws {
        let first = try ImageFolderSplit.read(RunFolder(try train(["--seed", "7"])).splitURL)
        let again = try ImageFolderSplit.read(RunFolder(try train(["--seed", "7"])).splitURL)
        let other = try ImageFolderSplit.read(RunFolder(try train(["--seed", "8", "--test", "10", "--validation", "5"])).splitURL)
        #expect(first == again)
        #expect(other.test.count == 10 && other.validation.count == 5 && other.test != first.test)

        let grey = try RunFolder(try train(["--channels", "1"])).readConfiguration()
        #expect(grey.data.pictures?.channels == 1 && grey.model.channels == 1)
    }

    @Test func foldersThatCannotTrainAreRefusedClearly() throws {
        let single = IDXFiles.temporaryFolder("single")
        try PictureFiles.encode(PictureFiles.pixels(width: 9, height: 9, channels: 3), width: 9, height: 9, channels: 3, as: .png)
            .write(to: single.appendingPathComponent("only.png"))
        #expect { try train(data: single) } throws: { "\($0)".contains("1 usable images cannot hold out") }
        let empty = IDXFiles.temporaryFolder("empty")
        #expect { try train(data: empty) } throws: { "\($0)".contains("holds no PNG, JPEG, BMP or GIF files") }
        #expect { try train(["--image-size", "0"]) } throws: { "\($0)".contains("--image-size must be from 1") }
        #expect { try train(["--channels", "2"]) } throws: { "\($0)".contains("--channels must be 1 or 3") }
        let idx = try IDXFiles.makeDataset(train: 30, test: 5, side: 8)
        #expect { try train(data: idx) } throws: { "\($0)".contains("apply to a folder of pictures") }
    }
}
