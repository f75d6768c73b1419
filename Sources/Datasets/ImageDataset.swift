import CKernels
import Foundation
import NumericCore
import Storage

/// Images kept as bytes, one after another, with optional class labels.
///
/// Keeping bytes (not floats) holds Fashion-MNIST's 70,000 images in 55 MB; a batch is
/// converted to floats in [0, 1] only when it is needed. The bytes are an array, or a
/// mapping of the file they are stored in (`IDXReader.map`), which costs the process no
/// memory of its own however large the dataset. A subset shares the storage.
public struct ImageDataset: Sendable {
    public let height: Int
    public let width: Int
    public let channels: Int
    /// All images of the underlying collection; this dataset is `first ..< first + count`
    /// of them, in the order `order` gives.
    private var storage: PixelStorage
    /// The collection's image `i` is the storage's `order[i]` (nil: its `i`-th): how a mapped
    /// dataset is rearranged without writing to the mapping, at one integer per image.
    private var order: [Int]?
    /// One per image of the collection, in the collection's order.
    private var labelStorage: [UInt8]?
    private var first: Int
    public let count: Int

    public init(pixels: [UInt8], labels: [UInt8]?, height: Int, width: Int, channels: Int = 1) {
        let size = height * width * channels
        precondition(size > 0 && pixels.count % size == 0, "pixels do not divide into \(height)×\(width)×\(channels) images")
        precondition(labels == nil || labels!.count == pixels.count / size, "one label per image")
        self.height = height
        self.width = width
        self.channels = channels
        storage = .owned(pixels)
        labelStorage = labels
        first = 0
        count = pixels.count / size
    }

    /// The images of an IDX array mapped from its file (count × height × width, with
    /// `channels` as a fourth dimension when there is one), read from the mapping.
    public init(mapped array: IDXReader.MappedArray, labels: [UInt8]?) throws {
        let dimensions = array.dimensions
        guard dimensions.count == 3 || (dimensions.count == 4 && (dimensions[3] == 1 || dimensions[3] == 3)) else {
            throw FileError(path: array.mapping.path, problem: "expected count × rows × columns (× 1 or 3 channels), found \(dimensions)")
        }
        guard dimensions.allSatisfy({ $0 > 0 }) else {
            throw FileError(path: array.mapping.path, problem: "holds no images (\(dimensions.map(String.init).joined(separator: "×")))")
        }
        guard labels == nil || labels!.count == dimensions[0] else {
            throw FileError(path: array.mapping.path, problem: "\(labels!.count) labels for \(dimensions[0]) images")
        }
        height = dimensions[1]
        width = dimensions[2]
        channels = dimensions.count == 4 ? dimensions[3] : 1
        count = dimensions[0]
        storage = .mapped(array.mapping, offset: array.offset, count: array.valueCount)
        labelStorage = labels
        first = 0
    }

    private init(_ parent: ImageDataset, first: Int, count: Int) {
        height = parent.height
        width = parent.width
        channels = parent.channels
        storage = parent.storage
        order = parent.order
        labelStorage = parent.labelStorage
        self.first = first
        self.count = count
    }

    /// Values per image: height × width × channels.
    public var imageSize: Int { height * width * channels }

    public var hasLabels: Bool { labelStorage != nil }

    /// Whether the images are read from a file mapping rather than held in memory.
    public var isMapped: Bool { storage.isMapped }

    /// Where image `index` of this dataset is in the storage, in images.
    @inline(__always)
    private func stored(_ index: Int) -> Int { order?[first + index] ?? first + index }

    public func label(_ index: Int) -> Int? { labelStorage.map { Int($0[first + index]) } }

    /// Images `range` of this dataset, sharing its storage.
    public func subset(_ range: Range<Int>) -> ImageDataset {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "subset \(range) of \(count) images")
        return ImageDataset(self, first: first + range.lowerBound, count: range.count)
    }

    /// The first `limit` images, or all of them.
    public func prefix(_ limit: Int?) -> ImageDataset {
        guard let limit, limit < count else { return self }
        return subset(0..<limit)
    }

    /// Writes images `indices` into the rows of `batch`, scaled to [0, 1] as x / 255.
    public func fill(_ batch: Matrix, with indices: some RandomAccessCollection<Int>) {
        // Read through a buffer: indexing a generic collection from another module goes
        // through its witness table, which allocates for every element.
        let filled: Void? = indices.withContiguousStorageIfAvailable { buffer in
            fill(batch, count: buffer.count) { buffer[$0] }
        }
        if filled != nil { return }
        if let range = indices as? Range<Int> {
            return fill(batch, count: range.count) { range.lowerBound + $0 }
        }
        let copy = Array(indices)
        copy.withUnsafeBufferPointer { buffer in fill(batch, count: buffer.count) { buffer[$0] } }
    }

    /// Fills `batch` with `count` images, the `row`-th being image `index(row)`, split
    /// between the cores by rows.
    private func fill(_ batch: Matrix, count rows: Int, index: (Int) -> Int) {
        precondition(batch.columns == imageSize, "a batch of \(batch.columns) columns for images of \(imageSize)")
        batch.setRows(rows)
        let size = imageSize
        storage.withBytes { bytes in
            Parallel.forEachRowSlice(rows: rows, columns: size) { slice in
                for row in slice {
                    let image = index(row)
                    precondition(image >= 0 && image < count, "image \(image) of \(count)")
                    vae_scale_pixels(bytes.baseAddress! + stored(image) * size, batch.base + row * size, size)
                }
            }
        }
    }

    /// This dataset's pixel bytes, image after image.
    public var bytes: [UInt8] {
        if order == nil {
            return storage.withBytes { Array($0[first * imageSize ..< (first + count) * imageSize]) }
        }
        return gathered(0..<count)
    }

    /// The bytes of images `indices`, one after another, in a new array.
    private func gathered(_ indices: some Collection<Int>) -> [UInt8] {
        let size = imageSize
        var pixels = [UInt8](repeating: 0, count: indices.count * size)
        pixels.withUnsafeMutableBufferPointer { target in
            storage.withBytes { source in
                for (row, index) in indices.enumerated() {
                    precondition(index >= 0 && index < count, "image \(index) of \(count)")
                    (target.baseAddress! + row * size).update(from: source.baseAddress! + stored(index) * size, count: size)
                }
            }
        }
        return pixels
    }

    /// This dataset's labels, one byte per image, if it has labels.
    public var labelBytes: [UInt8]? { labelStorage.map { Array($0[first ..< first + count]) } }

    /// A new dataset of the images at `indices`, in that order (a copy, not a view).
    public func selecting(_ indices: [Int]) -> ImageDataset {
        let labels = labelStorage.map { labels in indices.map { labels[first + $0] } }
        return ImageDataset(pixels: gathered(indices), labels: labels, height: height, width: width, channels: channels)
    }

    /// Rearranges the images so that image `i` is the one that was at `order[i]`; `order`
    /// names every image once. A mapped dataset keeps the new order as one index per image
    /// and its mapping as it is. One in memory is rearranged in place, one image at a time
    /// along the permutation's cycles, when it is all of a storage it alone holds: no second
    /// copy of the images exists at any moment; one sharing its storage is copied first.
    public mutating func reorder(_ order: [Int]) {
        precondition(order.count == count, "an order of \(order.count) for \(count) images")
        var placed = [Bool](repeating: false, count: count)
        for index in order {
            precondition(index >= 0 && index < count && !placed[index], "an order that names every image once")
            placed[index] = true
        }
        if storage.isMapped {
            let positions = order.map { self.stored($0) }
            labelStorage = labelStorage.map { labels in order.map { labels[first + $0] } }
            self.order = positions
            first = 0
            return
        }
        guard first == 0, self.order == nil, case .owned(var pixels) = storage, pixels.count == count * imageSize else {
            self = selecting(order)
            return
        }
        storage = .owned([])  // `pixels` is now the only reference: rearranged in place
        defer { storage = .owned(pixels) }
        placed = [Bool](repeating: false, count: count)
        let size = imageSize
        let saved = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        defer { saved.deallocate() }
        pixels.withUnsafeMutableBufferPointer { pixels in
            let base = pixels.baseAddress!
            for start in 0..<count where !placed[start] {
                saved.update(from: base + start * size, count: size)
                var position = start
                while true {
                    placed[position] = true
                    let source = order[position]
                    if source == start {
                        (base + position * size).update(from: saved, count: size)
                        break
                    }
                    (base + position * size).update(from: base + source * size, count: size)
                    position = source
                }
            }
        }
        labelStorage = labelStorage.map { labels in order.map { labels[$0] } }
    }

    /// Calls `body` with the bytes of this dataset's images, one after another: without
    /// copying them, unless a mapped dataset has been rearranged.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if order != nil { return try bytes.withUnsafeBytes(body) }
        return try storage.withBytes { bytes in
            try body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[(first * imageSize)..<((first + count) * imageSize)]))
        }
    }

    /// Images `range` as a new matrix.
    public func matrix(_ range: Range<Int>) -> Matrix {
        let result = Matrix(rows: range.count, columns: imageSize)
        fill(result, with: range)
        return result
    }
}
