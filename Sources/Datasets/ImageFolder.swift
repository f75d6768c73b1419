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
        try? cache?.write(collection, key: key)
        return (collection, false)
    }

    /// Decodes every file of `scan`, in parallel, keeping the usable ones in order.
    static func decode(_ scan: ImageFolderScan, side: Int, background: Background,
                       progress: ((Int, Int) -> Void)?) -> ImageCollection {
        let entries = scan.entries
        let size = side * side * 3
        let results = DecodedBatch(count: entries.count, imageSize: size)
        defer { results.deallocate() }
        let chunk = 64
        for start in stride(from: 0, to: entries.count, by: chunk) {
            let end = min(start + chunk, entries.count)
            DispatchQueue.concurrentPerform(iterations: end - start) { offset in
                let index = start + offset
                let url = scan.root.appendingPathComponent(entries[index].relativePath)
                do {
                    guard entries[index].size <= maximumFileSize else {
                        throw ImageDecoding.Problem("\(entries[index].size) bytes: too large a file to read")
                    }
                    let data: Data
                    do {
                        data = try readFile(url)
                    } catch let error as FileError {
                        throw ImageDecoding.Problem(error.problem)
                    }
                    let pixels = try ImageConversion.square(ImageDecoding.decode(data), side: side, background: background)
                    results.store(pixels, at: index)
                } catch let problem as ImageDecoding.Problem {
                    results.problems[index] = problem.description
                } catch {
                    results.problems[index] = "\(error)"
                }
            }
            progress?(end, entries.count)
        }
        return results.collection(entries: entries, root: scan.root, side: side)
    }
}

/// Where the parallel decoding writes: one slot per file, each written by one thread only.
private final class DecodedBatch: @unchecked Sendable {
    let pixels: UnsafeMutableBufferPointer<UInt8>
    let problems: UnsafeMutableBufferPointer<String?>
    let colour: UnsafeMutableBufferPointer<Bool>
    let imageSize: Int

    init(count: Int, imageSize: Int) {
        self.imageSize = imageSize
        pixels = .allocate(capacity: count * imageSize)
        problems = .allocate(capacity: count)
        problems.initialize(repeating: nil)
        colour = .allocate(capacity: count)
        colour.initialize(repeating: false)
    }

    func store(_ image: [UInt8], at index: Int) {
        let target = pixels.baseAddress! + index * imageSize
        image.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: imageSize) }
        var coloured = false
        for i in stride(from: 0, to: imageSize, by: 3) where image[i] != image[i + 1] || image[i + 1] != image[i + 2] {
            coloured = true
            break
        }
        colour[index] = coloured
    }

    func collection(entries: [ImageFolderScan.Entry], root: URL, side: Int) -> ImageCollection {
        let kept = entries.indices.filter { problems[$0] == nil }
        var bytes = [UInt8](repeating: 0, count: kept.count * imageSize)
        bytes.withUnsafeMutableBufferPointer { target in
            for (row, index) in kept.enumerated() {
                (target.baseAddress! + row * imageSize).update(from: pixels.baseAddress! + index * imageSize, count: imageSize)
            }
        }
        let labelNames = kept.map { entries[$0].label }
        let classes = Array(Set(labelNames)).sorted()
        let labels: [UInt8]? = classes.count > 1 && classes.count <= 256
            ? labelNames.map { UInt8(classes.firstIndex(of: $0)!) } : nil
        let skipped = entries.indices.compactMap { index in
            problems[index].map { ImageCollection.Skipped(path: root.appendingPathComponent(entries[index].relativePath).path, problem: $0) }
        }
        return ImageCollection(
            images: ImageDataset(pixels: bytes, labels: labels, height: side, width: side, channels: 3),
            names: kept.map { entries[$0].relativePath },
            classes: labels == nil ? [] : classes.map { $0.isEmpty ? "(top level)" : $0 },
            skipped: skipped, hasColour: kept.contains { colour[$0] })
    }

    func deallocate() {
        pixels.deallocate()
        problems.deinitialize().deallocate()
        colour.deallocate()
    }
}
