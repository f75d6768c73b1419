import Storage
import Datasets
import Foundation
import NumericCore
import Runs
import VAE

/// One input for one reader, chosen by `VAE_FUZZ_TARGET`. Any outcome but a value or a
/// thrown error (a crash, a sanitizer report, running out of memory) is a finding, and so
/// is a value that breaks what its reader promises.
func fuzz(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let bytes else { return 0 }
    let data = Data(bytes: bytes, count: count)
    switch target {
    case "idx":
        _ = try? IDXReader.read(data, path: "input.gz")
        _ = try? IDXReader.read(data, path: "input")
    case "safetensors":
        _ = try? SafeTensors.decode(data, path: "input.safetensors")
    case "config":
        if let configuration = try? RunConfiguration.decode(data, path: "config.json") {
            // A configuration that passes its checks must describe a model that can be built.
            _ = configuration.model.parameterCount!
        }
    case "image":
        if let picture = try? ImageDecoding.decode(data) {
            precondition(picture.rgba.count == picture.width * picture.height * 4, "RGBA of the header's size")
            _ = try? ImageConversion.square(picture, side: 4, background: .white)
        }
    case "manifest":
        // The fuzzed bytes as the manifest of a cache entry whose images are fine.
        try! data.write(to: Files.manifest)
        if let collection = Files.cache.read(Files.key) {
            precondition(collection.names.count == collection.images.count, "one name per image")
            precondition(collection.images.height == 2 && collection.images.channels == 3, "the side asked for")
        }
    case "split":
        try! data.write(to: Files.scratch)
        if let split = try? ImageFolderSplit.read(Files.scratch) {
            let (training, validation, test, missing) = split.apply(to: Files.collection)
            precondition(training.count + validation.count + test.count + missing >= 0)
        }
    case "mixture":
        try! data.write(to: Files.scratch)
        if let mixture = try? MixturePrior.read(Files.scratch) {
            // A mixture that passes its checks can be sampled.
            var generator = SeededGenerator(seed: 1)
            let samples = mixture.sample(count: 2, generator: &generator)
            precondition(samples.rows == 2, "two samples")
        }
    case "checkpoint":
        try! data.write(to: Files.scratch)
        _ = try? Checkpoint.configuration(at: Files.scratch)
        _ = try? Checkpoint.history(at: Files.scratch)
    default:
        fatalError("set VAE_FUZZ_TARGET to idx, safetensors, config, image, manifest, split, mixture or checkpoint")
    }
    return 0
}

/// The files the file-based readers read, in a folder of this process's own.
enum Files {
    static let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vae-fuzz-\(getpid())")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()
    static let scratch = folder.appendingPathComponent("input")
    static let cache = ImageCache(directory: folder.appendingPathComponent("cache"))
    static let key = ImageCache.Key(folder: folder, side: 2, background: .white, entries: [])
    static let collection = ImageCollection(
        images: ImageDataset(pixels: [UInt8](repeating: 7, count: 3 * 2 * 2 * 3), labels: [0, 1, 0], height: 2, width: 2, channels: 3),
        names: ["a.png", "b/c.png", "d.png"], classes: ["a", "b"], skipped: [], hasColour: true)
    /// A valid entry first, so that the fuzzed manifest is read beside real images.
    static let manifest: URL = {
        try! cache.write(collection, key: key)
        return cache.directory.appendingPathComponent(key.name).appendingPathComponent("manifest.json")
    }()
}

let target = ProcessInfo.processInfo.environment["VAE_FUZZ_TARGET"] ?? ""
if let corpus = ProcessInfo.processInfo.environment["VAE_FUZZ_SEED"] {
    try Seeds.write(target, to: URL(fileURLWithPath: corpus))
    exit(0)
}

/// libFuzzer's driver, called from our own `main` (the package manager owns `main`).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzer(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzer(&argc, &argv) { fuzz($0, $1) })
