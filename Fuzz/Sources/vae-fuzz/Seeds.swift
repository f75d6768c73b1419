import Datasets
import Foundation
import NumericCore
import Runs
import TestSupport
import VAE

/// The first inputs of each target's corpus: valid files of every kind the reader takes,
/// and a few it must refuse, made here rather than kept as fixtures.
enum Seeds {
    static func write(_ target: String, to corpus: URL) throws {
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        for (index, seed) in try seeds(target).enumerated() {
            try seed.write(to: corpus.appendingPathComponent("seed-\(index)"))
        }
    }

    static func seeds(_ target: String) throws -> [Data] {
        switch target {
        case "image": return pictures()
        case "manifest":
            _ = Files.manifest
            return [try Data(contentsOf: Files.manifest)]
        case "split":
            let split = try ImageFolderSplit.make(names: Files.collection.names, classes: Files.collection.classes,
                                                  validation: 1, test: 1, seed: 3)
            try split.write(to: Files.scratch)
            return [try Data(contentsOf: Files.scratch)]
        case "mixture":
            var generator = SeededGenerator(seed: 2)
            let points = Matrix(rows: 40, columns: 2)
            for i in 0..<points.buffer.count { points.base[i] = Float(i % 7) + Float(i % 3) * 0.25 }
            let encoder = JSONEncoder()
            return try [.full, .diagonal].map { covariance in
                try encoder.encode(GaussianMixture.fit(points, components: 2, covariance: covariance, generator: &generator))
            }
        case "checkpoint":
            let model = ModelConfiguration(imageHeight: 2, imageWidth: 2, channels: 1, codingSize: 1, hidden: [2])
            let options = TrainingOptions(epochs: 1, batchSize: 2)
            var generator = SeededGenerator(seed: 4)
            let images = ImageDataset(pixels: (0..<16).map { UInt8($0 * 13) }, labels: nil, height: 2, width: 2)
            let trainer = try Trainer(model: VariationalAutoencoder(model, generator: &generator), training: images,
                                      validation: nil, options: options, generator: generator)
            try trainer.trainEpoch()
            let configuration = RunConfiguration(model: model, training: options, data: DataSelection(folder: "data"))
            try Checkpoint.write(trainer, configuration: configuration, to: Files.scratch)
            return [try Data(contentsOf: Files.scratch)]
        default:
            return []
        }
    }

    /// Every PNG colour type, interlaced and not, JPEG, BMP, GIF, a small decompression
    /// bomb, and formats that are refused.
    static func pictures() -> [Data] {
        var files: [Data] = []
        for channels in 1...4 {
            let pixels = PictureFiles.pixels(width: 9, height: 5, channels: channels, seed: channels)
            files.append(PictureFiles.encode(pixels, width: 9, height: 5, channels: channels, as: .png))
            if channels != 2 {
                files.append(PictureFiles.encode(pixels, width: 9, height: 5, channels: channels, as: .jpeg))
                files.append(PictureFiles.encode(pixels, width: 9, height: 5, channels: channels, as: .bmp))
            }
        }
        files.append(PictureFiles.interlacedPNG(PictureFiles.pixels(width: 6, height: 5, channels: 4), width: 6, height: 5))
        files.append(PictureFiles.palettePNG(width: 7, height: 3, palette: [(1, 2, 3), (200, 100, 0)]))
        files.append(PictureFiles.onePixelGIF)
        files.append(PictureFiles.pngBomb(side: 4, inflatedBytes: 2 << 20))
        files.append(PictureFiles.encode(PictureFiles.pixels(width: 4, height: 4, channels: 3), width: 4, height: 4,
                                         channels: 3, as: .tga))
        files.append(PictureFiles.pnm(side: 3))
        return files
    }
}
