import Foundation
import NumericCore
import Storage

/// Values computed by Keras itself for the book's VAE and for Nadam, kept in the repository
/// (`Tests/Resources/keras-reference`, written by `scripts/keras-reference.py`).
public enum KerasReference {
    /// The reference folder: `$VAE_REFERENCE_DIR` when set, otherwise the repository's
    /// `Tests/Resources/keras-reference`.
    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["VAE_REFERENCE_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/keras-reference")
    }

    /// A reference file; throws when it is missing, so a test without its reference fails.
    public static func file(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FileError(path: url.path, problem: "the Keras reference file is missing (scripts/keras-reference.py writes it)")
        }
        return url
    }
}

/// Where the real Fashion-MNIST files are, when installed.
public enum RealData {
    public static let fashionMNIST = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
    public static var available: Bool {
        FileManager.default.fileExists(atPath: fashionMNIST.appendingPathComponent("train-images-idx3-ubyte.gz").path)
    }
}
