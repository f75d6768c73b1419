import Storage
import Foundation
import NumericCore

/// A folder holding a dataset in MNIST's layout: `train-images-idx3-ubyte(.gz)`,
/// `train-labels-idx1-ubyte(.gz)` and the same with `t10k`. Fashion-MNIST, MNIST, KMNIST
/// and EMNIST are all distributed this way.
public enum MNISTFormat {
    /// Where Debian's `dataset-fashion-mnist` package puts Fashion-MNIST.
    public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

    /// Fashion-MNIST's class names, by label.
    public static let fashionMNISTClasses = [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]

    public enum Split: String, Sendable {
        case train
        case test = "t10k"
    }

    /// Loads one split: images and labels, checked against each other. The images are
    /// mapped from their file, not read (a `.gz` file is decompressed once into `cache`),
    /// so they cost the process no memory of its own; with no cache a `.gz` file's images
    /// are decompressed into memory.
    public static func load(_ split: Split, from directory: URL, cache: IDXCache? = .standard) throws -> ImageDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(path: directory.path, problem: "no such folder (Debian's dataset-fashion-mnist package installs Fashion-MNIST there)")
        }
        let imagesURL = try locate("\(split.rawValue)-images-idx3-ubyte", in: directory)
        let inMemory = try cache == nil && FileMapping(imagesURL).withBytes { Gzip.isCompressed($0) }
        let mapped = inMemory ? nil : try IDXReader.map(imagesURL, cache: cache)
        let read = inMemory ? try IDXReader.read(imagesURL) : nil
        let dimensions = mapped?.dimensions ?? read!.dimensions
        guard dimensions.count == 3 else {
            throw FileError(path: imagesURL.path, problem: "expected 3 dimensions (count, rows, columns), found \(dimensions.count)")
        }
        let (count, height, width) = (dimensions[0], dimensions[1], dimensions[2])
        guard count > 0, height > 0, width > 0 else {
            throw FileError(path: imagesURL.path, problem: "holds no images (\(count)×\(height)×\(width))")
        }
        var labels: [UInt8]?
        if let labelsURL = try? locate("\(split.rawValue)-labels-idx1-ubyte", in: directory) {
            let read = try IDXReader.read(labelsURL)
            guard read.dimensions == [count] else {
                throw FileError(path: labelsURL.path, problem: "holds \(read.dimensions) labels for \(count) images")
            }
            labels = read.values
        }
        if let mapped { return try ImageDataset(mapped: mapped, labels: labels) }
        return ImageDataset(pixels: read!.values, labels: labels, height: height, width: width)
    }

    /// Whether `directory` holds a training images file in this layout, so that `--data`
    /// can take either this or a folder of pictures.
    public static func holdsDataset(_ directory: URL) -> Bool {
        (try? locate("train-images-idx3-ubyte", in: directory)) != nil
    }

    /// The file named `stem`, compressed or not, with either of the usual separators, and
    /// with or without a prefix (EMNIST names its files `emnist-letters-train-images-…`).
    static func locate(_ stem: String, in directory: URL) throws -> URL {
        let dotted = stem.replacingOccurrences(of: "-idx", with: ".idx")
        let endings = [stem + ".gz", stem, dotted + ".gz", dotted]
        for name in endings {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let prefixed = names.filter { name in endings.contains { name.hasSuffix("-" + $0) } }.sorted()
        if prefixed.count == 1 { return directory.appendingPathComponent(prefixed[0]) }
        if prefixed.count > 1 {
            throw FileError(path: directory.path, problem: "holds several datasets (\(prefixed.joined(separator: ", "))); put each in a folder of its own")
        }
        throw FileError(path: directory.appendingPathComponent(stem + ".gz").path, problem: "no such file")
    }
}
