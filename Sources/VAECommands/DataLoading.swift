import Datasets
import Foundation
import VAE

/// The datasets a run trains, validates and is evaluated on.
struct DataSplits {
    var training: ImageDataset
    var validation: ImageDataset
    var test: ImageDataset?

    /// The book's split: of the training file, the last `validationCount` images validate
    /// and the rest (or its first `limit` images) train; the test file evaluates.
    static func load(from path: String, validationCount: Int, limit: Int?, needsTest: Bool = false) throws -> DataSplits {
        let directory = URL(fileURLWithPath: path)
        let full = try MNISTFormat.load(.train, from: directory)
        guard validationCount < full.count else {
            throw ConfigurationError("--validation \(validationCount) leaves no training images out of \(full.count)")
        }
        let split = full.count - validationCount
        return DataSplits(training: full.subset(0..<split).prefix(limit),
                          validation: full.subset(split..<full.count),
                          test: needsTest ? try MNISTFormat.load(.test, from: directory) : nil)
    }

    /// The test images of a finished run's dataset.
    static func testImages(of configuration: RunConfiguration, override path: String?) throws -> ImageDataset {
        let test = try MNISTFormat.load(.test, from: URL(fileURLWithPath: path ?? configuration.data))
        guard test.imageSize == configuration.model.imageSize else {
            throw ConfigurationError("the test images are \(test.height)×\(test.width)×\(test.channels) but the model expects \(configuration.model.imageHeight)×\(configuration.model.imageWidth)×\(configuration.model.channels)")
        }
        return test
    }
}
