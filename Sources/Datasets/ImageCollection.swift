import Foundation
import NumericCore

/// The usable pictures of a folder, decoded to small square images, with what was skipped.
public struct ImageCollection: Sendable {
    /// Every usable picture, in the order of `names`; RGB until `converted(toChannels:)`.
    public var images: ImageDataset
    /// Each image's file, relative to the folder.
    public var names: [String]
    /// The sub-folder names the labels index, or empty when there is only one kind of image.
    public var classes: [String]
    /// Files that were looked at and left out, each with the reason.
    public var skipped: [Skipped]
    /// Whether any image has colour; a collection of grey pictures trains with one channel.
    public var hasColour: Bool

    public init(images: ImageDataset, names: [String], classes: [String], skipped: [Skipped], hasColour: Bool) {
        self.images = images
        self.names = names
        self.classes = classes
        self.skipped = skipped
        self.hasColour = hasColour
    }

    public struct Skipped: Codable, Equatable, Sendable {
        public var path: String
        public var problem: String
    }

    /// The same images with `channels` channels: 3 keeps RGB, 1 takes the grey level (read
    /// from the RGB bytes where they are, written to storage a third of their size).
    public consuming func converted(toChannels channels: Int) -> ImageCollection {
        precondition(channels == 1 || channels == 3, "1 or 3 channels, not \(channels)")
        guard channels != images.channels else { return self }
        precondition(images.channels == 3, "only RGB images are converted")
        let grey = images.withUnsafeBytes { ImageConversion.grey(fromRGB: $0.bindMemory(to: UInt8.self)) }
        images = ImageDataset(pixels: grey, labels: images.labelBytes, height: images.height, width: images.width, channels: 1)
        return self
    }

    /// The images at `indices`, in that order, with their names: how a split is taken.
    public func selecting(_ indices: [Int]) -> ImageCollection {
        var copy = self
        copy.images = images.selecting(indices)
        copy.names = indices.map { names[$0] }
        return copy
    }
}
