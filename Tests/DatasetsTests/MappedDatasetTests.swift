import Datasets
import Foundation
import NumericCore
import Storage
import Testing
import TestSupport

/// Datasets read from a file mapping: the same images as read into memory, rearranged
/// without copies, a compressed file decompressed once, and no memory of the process's own
/// spent on the images.
@Suite struct MappedDatasetTests {
    let folder = IDXFiles.temporaryFolder("mapped")

    func write(_ data: Data, _ name: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    func entries(_ cache: IDXCache) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache.directory.path)) ?? []).sorted()
    }

    @Test func anUncompressedFileIsMappedAsItIs() throws {
        let values: [UInt8] = (0..<48).map { UInt8($0 * 5) }
        let url = try write(IDXFiles.bytes(dimensions: [4, 3, 4], values: values), "plain-idx3-ubyte")
        let mapped = try IDXReader.map(url, cache: nil)
        #expect(mapped.dimensions == [4, 3, 4] && mapped.withValues { Array($0) } == values)
        let packed = try write(IDXFiles.gzip(IDXFiles.bytes(dimensions: [4, 3, 4], values: values)), "packed")
        #expect { try IDXReader.map(packed, cache: nil) } throws: { "\($0)".contains("gzip-compressed") }
        #expect { try IDXReader.map(try write(Data(), "empty"), cache: nil) } throws: { "\($0)".contains("empty") }
        #expect { try IDXReader.map(folder, cache: nil) } throws: { "\($0)".contains("folder") }
    }

    @Test func aCompressedFileIsDecompressedOnceAndItsEarlierCopyRemoved() throws {
        let cache = IDXCache(directory: folder.appendingPathComponent("cache"))
        let first: [UInt8] = (0..<60).map { UInt8($0) }
        let url = try write(IDXFiles.gzip(IDXFiles.bytes(dimensions: [5, 12], values: first)), "data-idx2-ubyte.gz")
        #expect(try IDXReader.map(url, cache: cache).withValues { Array($0) } == first)
        let made = entries(cache)
        #expect(made.count == 1)
        let entry = cache.directory.appendingPathComponent(made[0])
        let madeAt = try FileManager.default.attributesOfItem(atPath: entry.path)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.01)
        #expect(try IDXReader.map(url, cache: cache).withValues { Array($0) } == first)
        #expect(try FileManager.default.attributesOfItem(atPath: entry.path)[.modificationDate] as? Date == madeAt,
                "the copy was made again")
        // A new version of the file: a new copy, and the earlier one gone.
        let second = first.reversed().map { $0 }
        try IDXFiles.gzip(IDXFiles.bytes(dimensions: [6, 10], values: second)).write(to: url)
        let again = try IDXReader.map(url, cache: cache)
        #expect(again.dimensions == [6, 10] && again.withValues { Array($0) } == second)
        #expect(entries(cache).count == 1 && entries(cache) != made)
        // A dataset in MNIST's layout, compressed: mapped through the cache, or without one
        // decompressed into memory; the same images either way.
        let packed = try IDXFiles.makeDataset(train: 12, test: 2, side: 4, compressed: true)
        let viaCache = try MNISTFormat.load(.train, from: packed, cache: cache)
        let inMemory = try MNISTFormat.load(.train, from: packed, cache: nil)
        #expect(viaCache.isMapped && !inMemory.isMapped)
        #expect(viaCache.bytes == inMemory.bytes && viaCache.labelBytes == inMemory.labelBytes && viaCache.count == 12)
    }

    @Test func badCompressedFilesLeaveNothingInTheCache() throws {
        let cache = IDXCache(directory: folder.appendingPathComponent("cache"))
        let good = IDXFiles.bytes(dimensions: [2, 3, 4], values: Array(0..<24))
        let cases: [(Data, String)] = [
            (good.prefix(good.count - 5), "truncated"),
            (good + Data([1, 2]), "more bytes than the header declares"),
            (Data([0x50, 0x4B, 3, 4, 0, 0, 0, 0]), "not an IDX file"),
            // 2³¹ × 2³¹ bytes: more than any disk here holds, refused before a byte is written.
            (Data([0, 0, 8, 2, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 1, 2, 3]), "free in"),
        ]
        for (index, (file, expected)) in cases.enumerated() {
            let url = try write(IDXFiles.gzip(file), "bad-\(index).gz")
            #expect { try IDXReader.map(url, cache: cache) } throws: { error in
                "\(error)".hasPrefix(url.path) && "\(error)".contains(expected)
            }
        }
        #expect(entries(cache).isEmpty, "left: \(entries(cache))")
    }

    @Test func aMappedDatasetReadsAsOneInMemoryDoes() throws {
        let data = try IDXFiles.makeDataset(train: 40, test: 3, side: 5)
        let mapped = try MNISTFormat.load(.train, from: data, cache: nil)
        let read = try MNISTFormat.load(.train, from: data, cache: nil).selecting(Array(0..<40))
        #expect(mapped.isMapped && !read.isMapped)
        #expect(mapped.bytes == read.bytes && mapped.labelBytes == read.labelBytes)
        #expect(mapped.matrix(0..<40).values == read.matrix(0..<40).values)
        var generator = SeededGenerator(seed: 3)
        let order = Array(0..<40).shuffled(using: &generator)
        var (a, b) = (mapped, read)
        a.reorder(order)
        b.reorder(order)
        #expect(a.isMapped && a.bytes == b.bytes && a.labelBytes == b.labelBytes)
        #expect(a.subset(7..<19).bytes == b.subset(7..<19).bytes)
        #expect(a.selecting([3, 1, 30]).bytes == b.selecting([3, 1, 30]).bytes)
        #expect(a.withUnsafeBytes { Array($0) } == b.bytes)
        let batch = Matrix(rows: 8, columns: 25), expected = Matrix(rows: 8, columns: 25)
        a.fill(batch, with: [39, 0, 5, 5, 12, 17, 2, 33])
        b.fill(expected, with: [39, 0, 5, 5, 12, 17, 2, 33])
        #expect(batch.values == expected.values)
        // A part of a rearranged mapping, rearranged again.
        var (c, d) = (a.subset(10..<20), b.subset(10..<20))
        c.reorder(Array((0..<10).reversed()))
        d.reorder(Array((0..<10).reversed()))
        #expect(c.bytes == d.bytes && c.labelBytes == d.labelBytes && (0..<10).map(c.label) == (0..<10).map(d.label))
        // The original is untouched by its copies' rearranging.
        #expect(mapped.bytes == read.selecting(Array(0..<40)).bytes)
    }

    /// The point of mapping: touching every image of a mapped dataset adds pages of the
    /// file to the page cache, not to the process's own memory, where reading the same file
    /// into memory adds all of it.
    @Test(.enabled(if: ProcessMemory.anonymousResidentBytes != nil, "RssAnon is read from /proc (Linux)"))
    func aMappedDatasetCostsNoMemoryOfItsOwn() throws {
        let count = 60_000, side = 28
        var generator = SeededGenerator(seed: 9)
        let pixels = (0..<count * side * side).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let data = folder.appendingPathComponent("large")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try IDXFiles.bytes(dimensions: [count, side, side], values: pixels).write(to: data.appendingPathComponent("train-images-idx3-ubyte"))
        let batch = Matrix(rows: 500, columns: side * side)
        func growth(_ load: () throws -> ImageDataset) throws -> Int {
            let before = ProcessMemory.anonymousResidentBytes!
            let dataset = try load()
            var largest = 0
            for start in stride(from: 0, to: dataset.count, by: 500) {
                dataset.fill(batch, with: start..<(start + 500))
                largest = max(largest, ProcessMemory.anonymousResidentBytes! - before)
            }
            return largest
        }
        let mapped = try growth { try MNISTFormat.load(.train, from: data, cache: IDXCache(directory: folder)) }
        let read = try growth {
            ImageDataset(pixels: try IDXReader.read(data.appendingPathComponent("train-images-idx3-ubyte")).values, labels: nil,
                         height: side, width: side)
        }
        #expect(read > 40 << 20, "reading 47 MB of images into memory added only \(read) bytes: the measure does not see memory")
        #expect(mapped < 4 << 20, "a mapped dataset added \(mapped) bytes of anonymous memory")
    }
}
