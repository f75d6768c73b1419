import Storage
import Dispatch
import Foundation
import NumericCore

/// Loads a folder of pictures as training images: every PNG, JPEG, BMP or GIF below it,
/// decoded, flattened on a background, centre-cropped and reduced to `side` × `side` RGB.
///
/// Files that cannot be used are skipped and listed with the reason; only when nothing
/// usable is left is it an error. Decoding runs on every core, one file at a time per
/// core, so memory holds the small images and never more than a few originals. The
/// result is cached (see `ImageCache`), so a second run starts in a moment.
public enum ImageFolder {
    /// Files larger than this are skipped unread (1 GiB): no picture worth training on is.
    public static let maximumFileSize = 1 << 30

    public static func load(_ folder: URL, side: Int, background: Background, cache: ImageCache?,
                            progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> (ImageCollection, fromCache: Bool) {
        precondition(side > 0, "a positive image size")
        let scan = try ImageFolderScan(folder)
        let key = ImageCache.Key(folder: folder, side: side, background: background, entries: scan.entries)
        if let cache, let cached = cache.read(key) {
            return (cached, true)
        }
        var collection = decode(scan, side: side, background: background, progress: progress)
        collection.skipped = scan.problems.map { ImageCollection.Skipped(path: $0.path, problem: $0.problem) } + collection.skipped
        guard collection.images.count > 0 else {
            let reason = scan.entries.isEmpty
                ? "holds no PNG, JPEG, BMP or GIF files" + (scan.problems.isEmpty ? "" : " that can be read")
                : "none of its \(scan.entries.count) picture files could be used"
            throw FileError(path: folder.path, problem: reason)
        }
        // Once written, the cache is mapped in place of the decoded images, which are then
        // freed: training holds no copy of its own.
        if let cache, (try? cache.write(collection, key: key)) != nil, let written = cache.read(key) {
            return (written, false)
        }
        return (collection, false)
    }

    /// Decodes every file of `scan`, in parallel, keeping the usable ones in order.
    ///
    /// Each picture is reduced straight into its slot of the one array that becomes the
    /// collection's storage; the usable ones are then moved together in place. Memory is
    /// that array (the decoded bytes, plus the slots of files that turned out unusable)
    /// and, per core, one original picture at a time.
    static func decode(_ scan: ImageFolderScan, side: Int, background: Background,
                       progress: ((Int, Int) -> Void)?) -> ImageCollection {
        let entries = scan.entries
        let size = side * side * 3
        let outcomes = Outcomes(count: entries.count)
        defer { outcomes.deallocate() }
        var pixels = [UInt8](unsafeUninitializedCapacity: entries.count * size) { buffer, initialized in
            let slots = Slots(base: buffer.baseAddress, size: size)
            let chunk = 64
            for start in stride(from: 0, to: entries.count, by: chunk) {
                let end = min(start + chunk, entries.count)
                DispatchQueue.concurrentPerform(iterations: end - start) { offset in
                    let index = start + offset
                    let slot = slots.slot(index)
                    do {
                        let url = scan.root.appendingPathComponent(entries[index].relativePath)
                        let image = try decodeFile(url, size: entries[index].size, side: side, background: background)
                        image.withUnsafeBufferPointer { slot.update(from: $0.baseAddress!, count: size) }
                        outcomes.colour[index] = hasColour(slot, count: size)
                    } catch {
                        slot.update(repeating: 0, count: size)
                        outcomes.problems[index] = "\(error)"
                    }
                }
                progress?(end, entries.count)
            }
            initialized = entries.count * size
        }
        let kept = entries.indices.filter { outcomes.problems[$0] == nil }
        pixels.withUnsafeMutableBufferPointer { buffer in
            for (row, index) in kept.enumerated() where row != index {
                (buffer.baseAddress! + row * size).update(from: buffer.baseAddress! + index * size, count: size)
            }
        }
        pixels.removeLast((entries.count - kept.count) * size)
        // Many files unusable: the storage is made to fit rather than kept at every file's size.
        if kept.count < entries.count * 3 / 4 { pixels = pixels.withUnsafeBufferPointer { Array($0) } }
        let labelNames = kept.map { entries[$0].label }
        let classes = Array(Set(labelNames)).sorted()
        let labels: [UInt8]? = classes.count > 1 && classes.count <= 256
            ? labelNames.map { UInt8(classes.firstIndex(of: $0)!) } : nil
        let skipped = entries.indices.compactMap { index in
            outcomes.problems[index].map {
                ImageCollection.Skipped(path: scan.root.appendingPathComponent(entries[index].relativePath).path, problem: $0)
            }
        }
        return ImageCollection(
            images: ImageDataset(pixels: pixels, labels: labels, height: side, width: side, channels: 3),
            names: kept.map { entries[$0].relativePath },
            classes: labels == nil ? [] : classes.map { $0.isEmpty ? "(top level)" : $0 },
            skipped: skipped, hasColour: kept.contains { outcomes.colour[$0] })
    }

    /// One file read, decoded and reduced to `side` × `side` RGB.
    private static func decodeFile(_ url: URL, size: Int, side: Int, background: Background) throws(ImageDecoding.Problem) -> [UInt8] {
        guard size <= maximumFileSize else { throw ImageDecoding.Problem("\(size) bytes: too large a file to read") }
        let data: Data
        do {
            data = try readFile(url)
        } catch let error as FileError {
            throw ImageDecoding.Problem(error.problem)
        } catch {
            throw ImageDecoding.Problem("\(error)")
        }
        // Too small a picture is refused from its header, without decoding it.
        let picture = try ImageDecoding.decodeRGB(data, on: background) { header throws(ImageDecoding.Problem) in
            try ImageConversion.checkSize(width: header.width, height: header.height, side: side)
        }
        return try ImageConversion.square(rgb: picture.rgb, width: picture.width, height: picture.height, side: side)
    }

    private static func hasColour(_ rgb: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
        stride(from: 0, to: count, by: 3).contains { rgb[$0] != rgb[$0 + 1] || rgb[$0 + 1] != rgb[$0 + 2] }
    }
}

/// The slots of the images' array, each written by one thread only.
private struct Slots: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>?
    let size: Int
    func slot(_ index: Int) -> UnsafeMutablePointer<UInt8> { base! + index * size }
}

/// What became of each file: one slot per file, each written by one thread only.
private final class Outcomes: @unchecked Sendable {
    let problems: UnsafeMutableBufferPointer<String?>
    let colour: UnsafeMutableBufferPointer<Bool>

    init(count: Int) {
        problems = .allocate(capacity: count)
        problems.initialize(repeating: nil)
        colour = .allocate(capacity: count)
        colour.initialize(repeating: false)
    }

    func deallocate() {
        problems.deinitialize().deallocate()
        colour.deallocate()
    }
}
