import Datasets
import Foundation

/// Writes small datasets in MNIST's IDX layout, so tests need no download.
public enum IDXFiles {
    /// The bytes of an unsigned-byte IDX file.
    public static func bytes(dimensions: [Int], values: [UInt8]) -> Data {
        IDXWriter.bytes(dimensions: dimensions, values: values)
    }

    /// Gzip-compresses `data` with the system's gzip.
    public static func gzip(_ data: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return compressed
    }

    /// A new temporary folder.
    public static func temporaryFolder(_ name: String) -> URL { TemporaryFolders.make(name) }

    /// A folder with a small MNIST-like dataset: `train` and `test` images of `side`×`side`
    /// pixels, uncompressed (so they are mapped as they are, with no decompressed copy
    /// left in a cache), or gzip-compressed. Each image is a bright square whose place and
    /// size follow its label, so a model has something to learn.
    public static func makeDataset(train: Int, test: Int, side: Int = 8, seed: UInt64 = 1, compressed: Bool = false) throws -> URL {
        let folder = temporaryFolder("idx")
        var state = seed
        func random() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        for (stem, count) in [("train", train), ("t10k", test)] {
            var pixels: [UInt8] = []
            var labels: [UInt8] = []
            for _ in 0..<count {
                let label = random() % 10
                let top = label % 3, left = label / 3 % 3, size = side / 2
                for y in 0..<side {
                    for x in 0..<side {
                        let inside = y >= top && y < top + size && x >= left && x < left + size
                        pixels.append(UInt8(inside ? 200 + random() % 56 : random() % 30))
                    }
                }
                labels.append(UInt8(label))
            }
            let ending = compressed ? ".gz" : ""
            for (name, file) in [("images-idx3", bytes(dimensions: [count, side, side], values: pixels)),
                                 ("labels-idx1", bytes(dimensions: [count], values: labels))] {
                try (compressed ? gzip(file) : file).write(to: folder.appendingPathComponent("\(stem)-\(name)-ubyte\(ending)"))
            }
        }
        return folder
    }
}
