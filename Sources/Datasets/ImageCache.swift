import Storage
import Foundation
import NumericCore

/// Decoded image collections kept on disk, so that a folder is decoded once.
///
/// An entry is keyed by the folder, the target size and background, the decoders' version,
/// and every file's path, size and modification time: change any file, or the decoders,
/// and the folder is decoded anew.
/// It is a folder `<directory>/<key>/` holding `images.idx` (MNIST's IDX format,
/// count × side × side × 3 bytes) and `manifest.json` (names, classes, skipped files),
/// each written atomically, the manifest last, so a half-written entry is never read.
/// The images are the file's bytes after a 20-byte header, uncompressed, so the file is
/// mapped as it is: batches read the images from the mapping.
public struct ImageCache: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `$XDG_CACHE_HOME/vae/images`, or `~/.cache/vae/images`.
    public static var standard: ImageCache { ImageCache(directory: CacheDirectory.standard.appendingPathComponent("images")) }

    /// What an entry is looked up by: two independent 64-bit hashes of the description.
    public struct Key: Sendable, Equatable {
        public let name: String
        let check: String
        /// The side asked for: a manifest of another side is never served, whatever its check says.
        let side: Int

        public init(folder: URL, side: Int, background: Background, entries: [ImageFolderScan.Entry]) {
            var description = "vae-image-cache/1\n\(folder.resolvingSymlinksInPath().path)\n\(side)\n\(background.rawValue)\n"
                + "decoders \(ImageDecoding.version)\n"
            for entry in entries {
                description += "\(entry.relativePath)\t\(entry.size)\t\(entry.modified)\n"
            }
            let bytes = Array(description.utf8)
            name = Fingerprint.hex(Fingerprint.fnv1a(bytes))
            check = Fingerprint.hex(Fingerprint.fnv1a(bytes, basis: 0x8422_2325_cbf2_9ce4)) + "-\(bytes.count)"
            self.side = side
        }
    }

    private struct Manifest: Codable {
        var format = "vae-image-cache/1"
        var check: String
        var side: Int
        var names: [String]
        var classes: [String]
        var labels: [UInt8]?
        var skipped: [ImageCollection.Skipped]
        var hasColour: Bool
    }

    func entry(_ key: Key) -> URL { directory.appendingPathComponent(key.name) }

    /// The cached collection for `key`, or nil when there is none or it does not check out.
    public func read(_ key: Key) -> ImageCollection? {
        let folder = entry(key)
        guard let manifestData = try? readFile(folder.appendingPathComponent("manifest.json")),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: manifestData),
              manifest.check == key.check, manifest.side == key.side,
              let images = try? IDXReader.map(folder.appendingPathComponent("images.idx"), cache: nil),
              images.dimensions == [manifest.names.count, manifest.side, manifest.side, 3],
              manifest.labels == nil || manifest.labels!.count == manifest.names.count,
              manifest.labels?.allSatisfy({ Int($0) < manifest.classes.count }) ?? true
        else { return nil }
        guard let dataset = try? ImageDataset(mapped: images, labels: manifest.labels) else { return nil }
        return ImageCollection(
            images: dataset,
            names: manifest.names, classes: manifest.classes, skipped: manifest.skipped, hasColour: manifest.hasColour)
    }

    /// Stores `collection` (RGB, as `ImageFolder` decodes it) under `key`.
    public func write(_ collection: ImageCollection, key: Key) throws {
        let images = collection.images
        precondition(images.channels == 3 && images.height == images.width, "the cache holds square RGB images")
        let folder = entry(key)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        AtomicFile.removeLeftovers(of: ["images.idx", "manifest.json"], in: folder)
        // The images' own bytes after the header: no copy of them is made to write them.
        try images.withUnsafeBytes { raw in
            let body = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!),
                            count: raw.count, deallocator: .none)
            try AtomicFile.write([IDXWriter.header(dimensions: [images.count, images.height, images.width, 3]), body],
                                 to: folder.appendingPathComponent("images.idx"))
        }
        let manifest = Manifest(check: key.check, side: images.height, names: collection.names, classes: collection.classes,
                                labels: images.labelBytes, skipped: collection.skipped, hasColour: collection.hasColour)
        try AtomicFile.write(JSONEncoder().encode(manifest), to: folder.appendingPathComponent("manifest.json"))
    }
}
