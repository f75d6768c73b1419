import Storage
import Foundation
import NumericCore

/// The picture files under a folder, found recursively and in a stable order.
///
/// Symbolic links are followed, since collections are often assembled from links, but a
/// folder already visited (the same device and inode) is not entered again, so a link
/// loop ends the walk instead of the program. Hidden files and folders are skipped.
public struct ImageFolderScan: Sendable {
    public struct Entry: Sendable, Hashable {
        /// The path below the scanned folder, with `/` between components.
        public let relativePath: String
        public let size: Int
        /// Seconds since 1970, with the nanoseconds: part of the cache key.
        public let modified: Double
        /// The first sub-folder below the scanned one ("" for files at the top).
        public var label: String {
            relativePath.firstIndex(of: "/").map { String(relativePath[..<$0]) } ?? ""
        }
    }

    /// The extensions looked at; the decoder then goes by the content, not the name.
    public static let extensions: Set<String> = ["png", "jpg", "jpeg", "bmp", "gif"]

    public let root: URL
    public private(set) var entries: [Entry] = []
    /// Files and folders that could not be looked at, with the reason.
    public private(set) var problems: [(path: String, problem: String)] = []

    public init(_ root: URL) throws {
        self.root = root
        var status = stat()
        guard stat(root.path, &status) == 0 else {
            throw FileError(path: root.path, problem: "cannot open the folder: \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw FileError(path: root.path, problem: "not a folder of pictures or of IDX files")
        }
        var visited: Set<[UInt64]> = [[UInt64(status.st_dev), UInt64(status.st_ino)]]
        walk("", visited: &visited)
        entries.sort { $0.relativePath < $1.relativePath }
    }

    private mutating func walk(_ relative: String, visited: inout Set<[UInt64]>) {
        let directory = relative.isEmpty ? root.path : root.path + "/" + relative
        guard let handle = opendir(directory) else {
            problems.append((directory, "cannot open the folder: \(String(cString: strerror(errno)))"))
            return
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        closedir(handle)
        for name in names.sorted() {
            let path = relative.isEmpty ? name : relative + "/" + name
            let full = root.path + "/" + path
            var status = stat()
            guard stat(full, &status) == 0 else {
                let reason = String(cString: strerror(errno))
                if Self.extensions.contains(Self.pathExtension(of: name)) {
                    problems.append((full, "cannot be read: \(reason)"))
                }
                continue
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                let identity = [UInt64(status.st_dev), UInt64(status.st_ino)]
                guard visited.insert(identity).inserted else {
                    problems.append((full, "a link back to a folder already read; not followed"))
                    continue
                }
                walk(path, visited: &visited)
            case S_IFREG where Self.extensions.contains(Self.pathExtension(of: name)):
                let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
                entries.append(Entry(relativePath: path, size: Int(status.st_size), modified: modified))
            default:
                continue
            }
        }
    }

    static func pathExtension(of name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
