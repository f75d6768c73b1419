import Foundation

/// Folders for the files tests write, all inside one folder per test process that is
/// removed when the process exits, so that repeated runs leave nothing behind.
public enum TemporaryFolders {
    /// A new, empty folder.
    public static func make(_ name: String) -> URL {
        let url = root.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private static func rootPath(for process: Int32) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("vae-tests-\(process)").path
    }

    private static let root: URL = {
        let url = URL(fileURLWithPath: rootPath(for: getpid()), isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TemporaryFolders.rootPath(for: getpid())) }
        return url
    }()
}
