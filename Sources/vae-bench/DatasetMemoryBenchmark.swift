import ArgumentParser
import Datasets
import Foundation
import NumericCore
import Storage
import TestSupport
import VAE

/// The process's own memory while the book's model trains on a dataset mapped from an
/// uncompressed IDX file, for datasets of several sizes, each in a process of its own. The
/// anonymous resident memory (`RssAnon`) is what must not grow with the dataset beyond
/// per-image bookkeeping (the shuffle order): the images' pages are the page cache's.
enum DatasetMemoryBenchmark {
    struct Result {
        let images: Int
        /// The most `RssAnon` seen during one epoch, in bytes.
        let anonymousBytes: Int
        let epochSeconds: Double
    }

    /// Writes each dataset (random 28 × 28 images) in a new folder and trains one epoch on it
    /// in a child process.
    static func run(counts: [Int]) throws -> [Result] {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vae-bench-datasets-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        return try counts.map { count in
            let folder = root.appendingPathComponent("\(count)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try writeImages(count, to: folder.appendingPathComponent("train-images-idx3-ubyte"))
            let child = try ChildProcess.run(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
                                             ["--measure-training", folder.path])
            let fields = child.output.split(whereSeparator: \.isWhitespace)
            guard child.status == 0, fields.count == 2, let bytes = Int(fields[0]), let seconds = Double(fields[1]) else {
                throw ValidationError("training on \(count) mapped images failed: \(child.output)")
            }
            try FileManager.default.removeItem(at: folder)
            return Result(images: count, anonymousBytes: bytes, epochSeconds: seconds)
        }
    }

    /// An IDX file of `count` random images, written a MiB at a time.
    static func writeImages(_ count: Int, to url: URL) throws {
        var generator = SeededGenerator(seed: UInt64(count))
        var left = count * 28 * 28
        var piece = [UInt64](repeating: 0, count: 1 << 17)
        try AtomicFile.write(to: url) { append in
            try IDXWriter.header(dimensions: [count, 28, 28]).withUnsafeBytes { try append($0) }
            while left > 0 {
                for i in piece.indices { piece[i] = generator.next() }
                let bytes = min(left, piece.count * 8)
                try piece.withUnsafeBytes { try append(UnsafeRawBufferPointer(rebasing: $0.prefix(bytes))) }
                left -= bytes
            }
        }
    }

    /// What a child process does: one epoch of the book's model on the folder's images (the
    /// last 5,000 validating), then prints the most anonymous memory it saw and the epoch's seconds.
    static func train(folder: String) throws {
        var largest = ProcessMemory.anonymousResidentBytes ?? 0
        func look() { largest = max(largest, ProcessMemory.anonymousResidentBytes ?? 0) }
        let full = try MNISTFormat.load(.train, from: URL(fileURLWithPath: folder), cache: nil)
        guard full.isMapped else { throw ValidationError("the images were not mapped") }
        let split = full.count - 5000
        var generator = SeededGenerator(seed: 42)
        let model = try VariationalAutoencoder(.book, generator: &generator)
        let trainer = try Trainer(model: model, training: full.subset(0..<split), validation: full.subset(split..<full.count),
                                  options: .book, generator: generator)
        var steps = 0
        let record = try trainer.trainEpoch(progress: { _ in
            steps += 1
            if steps % 64 == 0 { look() }
        })
        look()
        print(largest, record.seconds)
    }
}
