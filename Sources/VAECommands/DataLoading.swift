import Datasets
import Foundation
import VAE

/// The datasets a run trains and validates on.
struct DataSplits {
    var training: ImageDataset
    var validation: ImageDataset

    /// The book's split: of the training file, the last `validationCount` images validate
    /// and the rest (or its first `limit` images) train (the test file evaluates: `testImages`).
    static func load(from path: String, validationCount: Int, limit: Int?) throws -> DataSplits {
        let directory = URL(fileURLWithPath: path)
        let full = try MNISTFormat.load(.train, from: directory)
        guard validationCount < full.count else {
            throw ConfigurationError("--validation \(validationCount) leaves no training images out of \(full.count)")
        }
        let split = full.count - validationCount
        return DataSplits(training: full.subset(0..<split).prefix(limit),
                          validation: full.subset(split..<full.count))
    }

    /// The test images of a finished run's dataset.
    static func testImages(of configuration: RunConfiguration, override path: String?) throws -> ImageDataset {
        let folder = path ?? configuration.data
        let test = try MNISTFormat.load(.test, from: URL(fileURLWithPath: folder))
        try checkShape(of: test, in: folder, for: configuration.model)
        return test
    }

    /// Refuses images whose shape is not the model's.
    static func checkShape(of images: ImageDataset, in folder: String, for model: ModelConfiguration) throws {
        guard images.height == model.imageHeight, images.width == model.imageWidth, images.channels == model.channels else {
            throw ConfigurationError("the images in \(folder) are \(images.height)×\(images.width)×\(images.channels) but the model expects \(model.imageHeight)×\(model.imageWidth)×\(model.channels)")
        }
    }
}
