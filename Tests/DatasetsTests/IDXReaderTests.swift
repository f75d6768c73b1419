import Datasets
import Foundation
import NumericCore
import Testing
import TestSupport

@Suite struct IDXReaderTests {
    let folder = IDXFiles.temporaryFolder("idx-bad")

    func write(_ data: Data, _ name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        try! data.write(to: url)
        return url
    }

    func expectProblem(_ url: URL, _ expected: String) {
        do {
            _ = try IDXReader.read(url)
            Issue.record("\(url.lastPathComponent) was read without complaint")
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix(url.path) && message.contains(expected), "\(message)")
        }
    }

    @Test func readsCompressedAndPlainFiles() throws {
        let values: [UInt8] = Array(0..<24)
        let plain = IDXFiles.bytes(dimensions: [2, 3, 4], values: values)
        for url in [write(plain, "plain-idx3-ubyte"), write(try IDXFiles.gzip(plain), "packed-idx3-ubyte.gz")] {
            let array = try IDXReader.read(url)
            #expect(array.dimensions == [2, 3, 4])
            #expect(array.values == values)
        }
    }

    @Test func reportsEachKindOfBadFile() throws {
        let good = IDXFiles.bytes(dimensions: [2, 3, 4], values: Array(0..<24))
        expectProblem(write(Data(), "empty"), "empty")
        expectProblem(write(Data([0x50, 0x4B, 3, 4, 0, 0, 0, 0]), "zip"), "not an IDX file")
        expectProblem(write(Data([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]), "floats"), "type code")
        expectProblem(write(good.prefix(good.count - 5), "short"), "truncated")
        expectProblem(write(good.prefix(9), "short-header"), "truncated in the header")
        expectProblem(write(good + Data([1, 2]), "long"), "beyond")
        expectProblem(write(good, "plain.gz"), "not gzip")
        let compressed = try IDXFiles.gzip(good)
        expectProblem(write(compressed.prefix(compressed.count / 2), "cut.gz"), "truncated")
        var corrupt = compressed
        for i in 12..<min(24, corrupt.count - 8) { corrupt[i] ^= 0xA5 }
        expectProblem(write(corrupt, "corrupt.gz"), "gzip")
        expectProblem(folder.appendingPathComponent("absent.gz"), "no such file")
    }

    @Test func labelsThatDoNotMatchTheImagesAreReported() throws {
        let dataset = folder.appendingPathComponent("mismatch")
        try FileManager.default.createDirectory(at: dataset, withIntermediateDirectories: true)
        try IDXFiles.bytes(dimensions: [3, 2, 2], values: Array(repeating: 1, count: 12))
            .write(to: dataset.appendingPathComponent("train-images-idx3-ubyte"))
        try IDXFiles.bytes(dimensions: [4], values: [0, 1, 2, 3])
            .write(to: dataset.appendingPathComponent("train-labels-idx1-ubyte"))
        #expect { try MNISTFormat.load(.train, from: dataset) } throws: { "\($0)".contains("4] labels for 3 images") }
        #expect { try MNISTFormat.load(.train, from: folder.appendingPathComponent("nowhere")) } throws: {
            "\($0)".contains("no such folder")
        }
    }

    @Test(.enabled(if: RealData.available, "Fashion-MNIST is not installed (make deps installs it)"))
    func fashionMNISTHasItsKnownShape() throws {
        let train = try MNISTFormat.load(.train, from: RealData.fashionMNIST)
        let test = try MNISTFormat.load(.test, from: RealData.fashionMNIST)
        #expect(train.count == 60_000 && test.count == 10_000)
        #expect(train.height == 28 && train.width == 28 && train.channels == 1)
        // Every class appears 6,000 times in the training set.
        var counts = [Int](repeating: 0, count: 10)
        for i in 0..<train.count { counts[train.label(i)!] += 1 }
        #expect(counts == Array(repeating: 6000, count: 10))
        // Test image 0 is an ankle boot (class 9).
        #expect(test.label(0) == 9)
    }
}

@Suite struct ImageDatasetTests {
    @Test func batchesAreScaledToTheUnitInterval() {
        let dataset = ImageDataset(pixels: [0, 51, 255, 102, 0, 0, 255, 255], labels: [3, 4], height: 2, width: 2)
        let batch = Matrix(rows: 0, columns: 4, rowCapacity: 4)
        dataset.fill(batch, with: [1, 0])
        #expect(batch.rows == 2)
        #expect(batch.values == [0, 0, 1, 1, 0, 0.2, 1, 0.4])
        let second = dataset.subset(1..<2)
        #expect(second.count == 1 && second.label(0) == 4)
        #expect(dataset.prefix(1).count == 1 && dataset.prefix(nil).count == 2 && dataset.prefix(9).count == 2)
    }

    /// Every byte becomes exactly Float(byte) / 255, the value the book's NumPy code gives,
    /// in the vectorised loop and its tail alike (images of 37 pixels: 2 vectors and 5).
    @Test func everyByteScalesToItsExactQuotient() {
        let scrambled: [UInt8] = (0..<(7 * 37)).map { (index: Int) -> UInt8 in UInt8((index * 97 + 11) % 256) }
        let pixels: [UInt8] = scrambled + (0...255).map { UInt8($0) } + [255, 0, 7]
        let dataset = ImageDataset(pixels: pixels, labels: nil, height: 1, width: 37)
        let batch = dataset.matrix(0..<dataset.count)
        let expected: [UInt32] = pixels.map { (Float($0) / 255).bitPattern }
        #expect(batch.values.map(\.bitPattern) == expected)
    }
}
