import Storage
import Datasets
import Foundation
import NumericCore
import VAE

/// How a run made its images from a folder of picture files (kept in `config.json`).
public struct ImageFolderSettings: Codable, Equatable, Sendable {
    /// Images are `side` × `side` pixels.
    public var side: Int
    /// 1 (grey) or 3 (RGB).
    public var channels: Int
    public var background: Background

    public init(side: Int, channels: Int, background: Background) {
        self.side = side
        self.channels = channels
        self.background = background
    }

    public func validate() throws(ConfigurationError) {
        guard (1...4096).contains(side) else { throw ConfigurationError(.imageSize, side, "must be from 1 to 4096") }
        guard channels == 1 || channels == 3 else { throw ConfigurationError(.channels, channels, "must be 1 or 3") }
    }
}

/// Which files of an image folder validate and test a run, chosen by a seeded shuffle
/// and kept in the run folder (`split.json`) by name, so every later command, and a
/// resumed run, holds out exactly the same images even if files are added meanwhile.
public struct ImageFolderSplit: Codable, Equatable, Sendable {
    public var seed: UInt64
    public var classes: [String]
    public var validation: [String]
    public var test: [String]

    /// Shuffles `names` with `seed` and takes the first `test`, then `validation` of them.
    public static func make(names: [String], classes: [String], validation: Int, test: Int, seed: UInt64) throws -> ImageFolderSplit {
        guard validation >= 0, test >= 0, validation + test < names.count else {
            throw ConfigurationError("\(names.count) usable images cannot hold out \(validation) for validation and \(test) for testing and still train on some; hold out fewer, or add images")
        }
        var generator = SeededGenerator(seed: seed)
        var order = Array(names.indices)
        order.shuffle(using: &generator)
        return ImageFolderSplit(seed: seed, classes: classes,
                                validation: order[test ..< test + validation].map { names[$0] }.sorted(),
                                test: order[0 ..< test].map { names[$0] }.sorted())
    }

    /// The collection's images in three parts. Names the split lists that the folder no
    /// longer has are counted in `missing`; images the split does not list train. An image
    /// listed twice, or for both validation and testing, is held out once, to validate.
    ///
    /// The images are rearranged in place (validation, test, then training, each in its
    /// order) and the parts share that one storage: a collection handed over whole is
    /// never copied.
    public func apply(to collection: consuming ImageCollection)
        -> (training: ImageDataset, validation: ImageDataset, test: ImageDataset, missing: Int) {
        var index: [String: Int] = [:]
        for (position, name) in collection.names.enumerated() { index[name] = position }
        let listedValidation = validation.compactMap { index[$0] }, listedTest = test.compactMap { index[$0] }
        let missing = validation.count + test.count - listedValidation.count - listedTest.count
        var taken = Set<Int>()
        let validationIndices = listedValidation.filter { taken.insert($0).inserted }
        let testIndices = listedTest.filter { taken.insert($0).inserted }
        let trainingIndices = collection.names.indices.filter { !taken.contains($0) }
        var images = collection.images
        collection.images = ImageDataset(pixels: [], labels: nil, height: 1, width: 1)  // the only reference left is `images`
        images.reorder(validationIndices + testIndices + trainingIndices)
        let (v, t) = (validationIndices.count, testIndices.count)
        return (images.subset((v + t)..<images.count), images.subset(0..<v), images.subset(v..<(v + t)), missing)
    }

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(encoder.encode(self), to: url)
    }

    public static func read(_ url: URL) throws -> ImageFolderSplit {
        try readJSON(ImageFolderSplit.self, from: url, what: "split")
    }
}
