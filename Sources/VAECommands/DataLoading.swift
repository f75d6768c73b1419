import Datasets
import Foundation
import VAE

/// The datasets a run trains and validates on, from either kind of `--data` folder: one
/// in MNIST's IDX layout (Fashion-MNIST by default), or a folder of pictures.
struct DataSplits {
    var training: ImageDataset
    var validation: ImageDataset

    /// The book's split: of the training file, the last `validationCount` images validate
    /// and the rest (or its first `limit` images) train (the test file evaluates: `testImages`).
    static func loadIDX(from path: String, validationCount: Int, limit: Int?) throws -> DataSplits {
        let directory = URL(fileURLWithPath: path)
        let full = try MNISTFormat.load(.train, from: directory)
        guard validationCount < full.count else {
            throw ConfigurationError("--validation \(validationCount) leaves no training images out of \(full.count)")
        }
        let split = full.count - validationCount
        return DataSplits(training: full.subset(0..<split).prefix(limit),
                          validation: full.subset(split..<full.count))
    }

    /// Whether `path` is a folder of pictures rather than an IDX dataset (a folder that
    /// does not exist is left to the IDX reader, whose message says how to install Fashion-MNIST).
    static func isPictureFolder(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path) && !MNISTFormat.holdsDataset(URL(fileURLWithPath: path))
    }

    /// A folder's pictures as RGB images of `side` pixels, decoded or from the cache, with
    /// progress on a terminal and one line for each file left out.
    static func loadPictures(from path: String, side: Int, background: Background,
                             cache: ImageCache? = .standard) throws -> ImageCollection {
        let live = isatty(STDOUT_FILENO) != 0
        let start = Date()
        let (collection, fromCache) = try ImageFolder.load(
            URL(fileURLWithPath: path), side: side, background: background, cache: cache,
            progress: { done, total in
                if live { Console.write("\r\u{1B}[2KDecoding pictures: \(done)/\(total)") }
            })
        if live && !fromCache { Console.write("\r\u{1B}[2K") }
        let shown = 20
        for skipped in collection.skipped.prefix(shown) {
            Console.line("Skipped \(skipped.path): \(skipped.problem)")
        }
        if collection.skipped.count > shown {
            Console.line("… and \(collection.skipped.count - shown) more skipped files.")
        }
        Console.line(String(format: "%@ %d images of %d×%d from %@%@ in %.1fs.",
                            fromCache ? "Read" : "Decoded", collection.images.count, side, side, path,
                            collection.skipped.isEmpty ? "" : " (\(collection.skipped.count) files skipped)",
                            Date().timeIntervalSince(start)))
        return collection
    }

    /// The training and validation images of an existing run, as it was trained.
    static func load(for configuration: RunConfiguration, of run: RunFolder, override path: String? = nil) throws -> DataSplits {
        let folder = path ?? configuration.data
        guard let settings = configuration.images else {
            let splits = try loadIDX(from: folder, validationCount: configuration.training.validationCount,
                                     limit: configuration.training.limit)
            try checkShape(of: splits.training, in: folder, for: configuration.model)
            return splits
        }
        let parts = try pictureParts(settings, of: run, from: folder)
        return DataSplits(training: parts.training.prefix(configuration.training.limit), validation: parts.validation)
    }

    /// The test images of a finished run's dataset.
    static func testImages(of configuration: RunConfiguration, run: RunFolder, override path: String?) throws -> ImageDataset {
        try trainingAndTest(of: configuration, run: run, override: path, training: false).test
    }

    /// The training images (when asked for) and the test images of a finished run's
    /// dataset, read once.
    static func trainingAndTest(of configuration: RunConfiguration, run: RunFolder, override path: String?,
                                training: Bool = true) throws -> (training: ImageDataset?, test: ImageDataset) {
        let folder = path ?? configuration.data
        guard let settings = configuration.images else {
            let test = try MNISTFormat.load(.test, from: URL(fileURLWithPath: folder))
            try checkShape(of: test, in: folder, for: configuration.model)
            return (training ? try load(for: configuration, of: run, override: path).training : nil, test)
        }
        let parts = try pictureParts(settings, of: run, from: folder)
        guard parts.test.count > 0 else { throw ConfigurationError("none of the run's test images are left in \(folder)") }
        return (parts.training.prefix(configuration.training.limit), parts.test)
    }

    /// A picture folder divided as the run's `split.json` says.
    private static func pictureParts(_ settings: ImageFolderSettings, of run: RunFolder, from folder: String) throws
        -> (training: ImageDataset, validation: ImageDataset, test: ImageDataset) {
        let split = try ImageFolderSplit.read(run.splitURL)
        let collection = try loadPictures(from: folder, side: settings.side, background: settings.background)
            .converted(toChannels: settings.channels)
        let parts = split.apply(to: collection)
        if parts.missing > 0 {
            Console.line("Note: \(parts.missing) of the images the run held out are no longer in \(folder).")
        }
        return (parts.training, parts.validation, parts.test)
    }

    /// Refuses images whose shape is not the model's.
    static func checkShape(of images: ImageDataset, in folder: String, for model: ModelConfiguration) throws {
        guard images.height == model.imageHeight, images.width == model.imageWidth, images.channels == model.channels else {
            throw ConfigurationError("the images in \(folder) are \(images.height)×\(images.width)×\(images.channels) but the model expects \(model.imageHeight)×\(model.imageWidth)×\(model.channels)")
        }
    }
}
