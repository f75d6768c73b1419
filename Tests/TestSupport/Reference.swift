import Foundation
import NumericCore

/// Values computed by Keras itself for the book's VAE, kept in the team's shared folder.
public enum KerasReference {
    /// The reference folder: `$VAE_REFERENCE_DIR`, or `shared/reference` beside the checkout.
    public static var directory: URL? {
        if let path = ProcessInfo.processInfo.environment["VAE_REFERENCE_DIR"] {
            return URL(fileURLWithPath: path)
        }
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidate = checkout.deletingLastPathComponent().appendingPathComponent("shared/reference")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }

    /// Whether the reference files must be present: in continuous integration a missing
    /// reference is a failure, not a skip.
    public static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    public static func file(_ name: String) -> URL? {
        directory.map { $0.appendingPathComponent(name) }
    }
}

/// Where the real Fashion-MNIST files are, when installed.
public enum RealData {
    public static let fashionMNIST = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
    public static var available: Bool {
        FileManager.default.fileExists(atPath: fashionMNIST.appendingPathComponent("train-images-idx3-ubyte.gz").path)
    }
}
