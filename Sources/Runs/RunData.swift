import Datasets
import Foundation
import Storage
import VAE

/// The images a run trains and validates on, from either kind of dataset folder: one in
/// MNIST's IDX layout (Fashion-MNIST by default), or a folder of pictures. This is the
/// run's data policy: the book's split of an IDX training file, and for pictures a seeded
/// split kept by name in the run folder.
public struct RunData {
    public var training: ImageDataset
    public var validation: ImageDataset

    public init(training: ImageDataset, validation: ImageDataset) {
        self.training = training
        self.validation = validation
    }

    /// The book's split: of the training file, the last `validationCount` images validate
    /// and the rest (or its first `limit` images) train; the test file evaluates.
    public static func idx(_ selection: DataSelection) throws -> RunData {
        let full = try MNISTFormat.load(.train, from: URL(fileURLWithPath: selection.folder))
        guard selection.validationCount < full.count else {
            throw ConfigurationError(.validationCount, selection.validationCount, "leaves no training images out of \(full.count)")
        }
        let split = full.count - selection.validationCount
        return RunData(training: full.subset(0..<split).prefix(selection.limit),
                       validation: full.subset(split..<full.count))
    }

    /// Whether `path` is a folder of pictures rather than an IDX dataset (a folder that
    /// does not exist is left to the IDX reader, whose message says how to install Fashion-MNIST).
    public static func isPictureFolder(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path) && !MNISTFormat.holdsDataset(URL(fileURLWithPath: path))
    }

    /// A folder's pictures as RGB images of `side` pixels, decoded or from the cache.
    static func loadPictures(from path: String, side: Int, background: Background, cache: ImageCache?,
                             observer: RunObserver?) throws -> ImageCollection {
        let start = Date()
        let (collection, fromCache) = try ImageFolder.load(
            URL(fileURLWithPath: path), side: side, background: background, cache: cache,
            progress: { done, total in observer?.decodingPictures(done: done, total: total) })
        observer?.picturesLoaded(PictureLoading(folder: path, images: collection.images.count, side: side,
                                                skipped: collection.skipped, fromCache: fromCache,
                                                seconds: Date().timeIntervalSince(start)))
        return collection
    }

    /// The images of a new run on a folder of pictures: the settings they are read with
    /// (channels chosen from the pictures when not given), the files held out, and the data.
    static func newPictureRun(_ folder: String, _ request: PictureRequest, seed: UInt64, limit: Int?,
                              cache: ImageCache?, observer: RunObserver?)
        throws -> (data: RunData, settings: ImageFolderSettings, split: ImageFolderSplit) {
        var settings = ImageFolderSettings(side: request.side, channels: request.channels ?? 3, background: request.background)
        try settings.validate()
        let rgb = try loadPictures(from: folder, side: settings.side, background: settings.background, cache: cache,
                                   observer: observer)
        settings.channels = request.channels ?? (rgb.hasColour ? 3 : 1)
        let heldOut = max(1, rgb.images.count / 10)
        let split = try ImageFolderSplit.make(names: rgb.names, classes: rgb.classes,
                                              validation: request.validationCount ?? heldOut,
                                              test: request.testCount ?? heldOut, seed: seed)
        let parts = split.apply(to: (consume rgb).converted(toChannels: settings.channels))
        return (RunData(training: parts.training.prefix(limit), validation: parts.validation), settings, split)
    }

    /// The training and validation images of an existing run, as it was trained; `folder`
    /// reads the same dataset from another place.
    public static func load(for configuration: RunConfiguration, of run: RunFolder, folder: String? = nil,
                            observer: RunObserver? = nil) throws -> RunData {
        var selection = configuration.data
        selection.folder = folder ?? selection.folder
        guard let settings = selection.pictures else {
            let data = try idx(selection)
            try checkShape(of: data.training, in: selection.folder, for: configuration.model)
            return data
        }
        let parts = try pictureParts(settings, of: run, from: selection.folder, observer: observer)
        return RunData(training: parts.training.prefix(selection.limit), validation: parts.validation)
    }

    /// The training images (when asked for) and the test images of a finished run's
    /// dataset, read once.
    public static func trainingAndTest(of configuration: RunConfiguration, run: RunFolder, folder: String? = nil,
                                       training: Bool = true, observer: RunObserver? = nil)
        throws -> (training: ImageDataset?, test: ImageDataset) {
        let path = folder ?? configuration.data.folder
        guard let settings = configuration.data.pictures else {
            let test = try MNISTFormat.load(.test, from: URL(fileURLWithPath: path))
            try checkShape(of: test, in: path, for: configuration.model)
            return (training ? try load(for: configuration, of: run, folder: path).training : nil, test)
        }
        let parts = try pictureParts(settings, of: run, from: path, observer: observer)
        guard parts.test.count > 0 else { throw ConfigurationError("none of the run's test images are left in \(path)") }
        return (parts.training.prefix(configuration.data.limit), parts.test)
    }

    /// A picture folder divided as the run's `split.json` says.
    private static func pictureParts(_ settings: ImageFolderSettings, of run: RunFolder, from folder: String,
                                     observer: RunObserver?)
        throws -> (training: ImageDataset, validation: ImageDataset, test: ImageDataset) {
        let split = try ImageFolderSplit.read(run.splitURL)
        let collection = try loadPictures(from: folder, side: settings.side, background: settings.background,
                                          cache: .standard, observer: observer)
            .converted(toChannels: settings.channels)
        let parts = split.apply(to: consume collection)
        if parts.missing > 0 {
            observer?.note("\(parts.missing) of the images the run held out are no longer in \(folder).")
        }
        return (parts.training, parts.validation, parts.test)
    }

    /// Refuses images whose shape is not the model's.
    static func checkShape(of images: ImageDataset, in folder: String, for model: ModelConfiguration) throws {
        guard images.height == model.imageHeight, images.width == model.imageWidth, images.channels == model.channels else {
            throw ConfigurationError(.imageShape, "\(images.height)×\(images.width)×\(images.channels)",
                                     "of the images in \(folder) is not the model's \(model.imageHeight)×\(model.imageWidth)×\(model.channels)")
        }
    }
}

/// How a new run reads a folder of pictures; what is nil is chosen from the pictures.
public struct PictureRequest: Sendable {
    /// Pictures are centre-cropped and reduced to `side` × `side` pixels.
    public var side: Int
    /// 1 (grey) or 3 (RGB); nil: 3 if any picture has colour.
    public var channels: Int?
    public var background: Background
    /// Pictures held out to validate and to test; nil: a tenth each.
    public var validationCount: Int?
    public var testCount: Int?

    public init(side: Int = 32, channels: Int? = nil, background: Background = .white,
                validationCount: Int? = nil, testCount: Int? = nil) {
        self.side = side
        self.channels = channels
        self.background = background
        self.validationCount = validationCount
        self.testCount = testCount
    }
}
