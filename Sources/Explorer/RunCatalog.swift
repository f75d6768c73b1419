import Foundation
import Runs
import Storage

/// The run folders under one root that a viewer may open, found and named without ever
/// leaving the root: a name is one to three plain folder names joined by `/`, each
/// folder on the way is a real folder (never a symbolic link), and the run's files are
/// read only when they are plain files. Nothing here writes.
public struct RunCatalog: Sendable {
    /// The root, as the system resolves it.
    public let root: URL
    /// How deep runs are looked for: `runs/book`, `runs/study/runs/book-seed1`.
    public static let maximumDepth = 3

    public init(root: URL) throws {
        let resolved = root.standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FileError(path: root.path, problem: "no such folder")
        }
        self.root = resolved
    }

    /// Every run under the root, by name, sorted.
    public func names() -> [String] {
        var found: [String] = []
        func visit(_ components: [String]) {
            let url = components.reduce(root) { $0.appendingPathComponent($1) }
            if !components.isEmpty, Self.isPlainFile(url.appendingPathComponent("config.json")) {
                found.append(components.joined(separator: "/"))
            }
            guard components.count < Self.maximumDepth,
                  let entries = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return }
            for entry in entries.sorted() where Self.isValidComponent(entry) {
                if Self.isRealDirectory(url.appendingPathComponent(entry)) { visit(components + [entry]) }
            }
        }
        visit([])
        return found
    }

    /// The run folder of `name`, or why there is none.
    public func folder(named name: String) throws(CatalogError) -> RunFolder {
        let components = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard name.utf8.count <= 300, (1...Self.maximumDepth).contains(components.count),
              components.allSatisfy(Self.isValidComponent) else { throw .invalidName(name) }
        var url = root
        for component in components {
            url.appendPathComponent(component)
            guard Self.isRealDirectory(url) else { throw .notFound(name) }
        }
        guard Self.isPlainFile(url.appendingPathComponent("config.json")) else { throw .notFound(name) }
        return RunFolder(url)
    }

    /// A file of a run, when it is a plain file of the folder (not a link to elsewhere).
    public func file(_ fileName: String, of folder: RunFolder) -> URL? {
        guard Self.isValidComponent(fileName) else { return nil }
        let url = folder.file(fileName)
        return Self.isPlainFile(url) ? url : nil
    }

    /// Letters, digits, `_`, `-`, `.` and `+`, not starting with a dot: no `..`, no hidden
    /// files, nothing a URL or a shell would read another way.
    public static func isValidComponent(_ component: String) -> Bool {
        guard let first = component.utf8.first, first != UInt8(ascii: "."), component.utf8.count <= 100 else { return false }
        return component.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "+")
        }
    }

    static func isRealDirectory(_ url: URL) -> Bool { fileType(url) == S_IFDIR }
    static func isPlainFile(_ url: URL) -> Bool { fileType(url) == S_IFREG }

    /// The type of what is at `url` itself: a symbolic link is a link, not what it names.
    private static func fileType(_ url: URL) -> mode_t? {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT
    }
}

/// Why a run name does not lead to a run.
public enum CatalogError: Error, CustomStringConvertible, Equatable {
    case invalidName(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "'\(name.prefix(80))' is not a run name (one to \(RunCatalog.maximumDepth) folder names of letters, digits, _ - . +, joined by /)"
        case .notFound(let name): "no run named '\(name)'"
        }
    }
}
