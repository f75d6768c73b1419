import ArgumentParser
import Datasets
import Foundation
import NumericCore
import TestSupport

/// The peak memory of loading a folder of pictures, each way measured in a process of its
/// own that prints its peak as it ends: the same program loading nothing, decoding the
/// folder (and writing its cache), and reading it from the cache.
enum PictureLoadingBenchmark {
    /// Pictures are made at 64 × 48, so every one is cropped and reduced, to this side.
    static let side = 32

    enum Mode: String, CaseIterable { case nothing, decode, cached }

    struct Result {
        let pictures: Int
        let decodedBytes: Int
        let seconds: [Mode: Double]
        let peakBytes: [Mode: Int]

        func growth(_ mode: Mode) -> Int { peakBytes[mode]! - peakBytes[.nothing]! }
    }

    /// Makes `count` pictures in a new folder, then loads it in child processes.
    static func run(pictures count: Int) throws -> Result {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vae-bench-pictures-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("pictures"), cache = root.appendingPathComponent("cache")
        for kind in 0..<10 {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("kind-\(kind)"), withIntermediateDirectories: true)
        }
        for index in 0..<count {
            let pixels = PictureFiles.pixels(width: 64, height: 48, channels: 3, seed: index)
            try PictureFiles.encode(pixels, width: 64, height: 48, channels: 3, as: .png)
                .write(to: folder.appendingPathComponent("kind-\(index % 10)/\(index).png"))
        }
        var seconds: [Mode: Double] = [:], peaks: [Mode: Int] = [:]
        for mode in Mode.allCases {
            let started = Date()
            let child = try ChildProcess.run(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(), [
                "--measure-loading", mode.rawValue, "--pictures-folder", folder.path, "--pictures-cache", cache.path,
            ])
            guard child.status == 0, let peak = Int(child.output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ValidationError("loading the pictures failed: \(child.output)")
            }
            seconds[mode] = Date().timeIntervalSince(started)
            peaks[mode] = peak
        }
        return Result(pictures: count, decodedBytes: count * side * side * 3, seconds: seconds, peakBytes: peaks)
    }

    /// What a child process does: load the folder one way, then print its peak memory.
    static func load(_ mode: Mode, folder: String, cache: String) throws {
        defer { print(ProcessMemory.peakResidentBytes ?? 0) }
        guard mode != .nothing else { return }
        let (collection, fromCache) = try ImageFolder.load(URL(fileURLWithPath: folder), side: side, background: .white,
                                                           cache: ImageCache(directory: URL(fileURLWithPath: cache)))
        guard fromCache == (mode == .cached), collection.skipped.isEmpty else {
            throw ValidationError("expected \(mode == .cached ? "the cache" : "decoding"), \(collection.skipped.count) skipped")
        }
    }
}
