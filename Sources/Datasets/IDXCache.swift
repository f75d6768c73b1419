import Foundation
import Storage

/// Uncompressed copies of gzip-compressed IDX files, so that their values can be mapped:
/// a `.gz` dataset is decompressed once, on first use, and mapped from then on.
///
/// An entry is named after the compressed file's resolved path, size and modification
/// time, so a changed file is decompressed anew (and its earlier copy removed). It is written atomically, a MiB at a time,
/// and its size is bounded by what the file's own header declares, checked as the bytes
/// arrive, and by the disk's free space, checked before the first byte is written.
public struct IDXCache: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `$XDG_CACHE_HOME/vae/idx`, or `~/.cache/vae/idx`.
    public static var standard: IDXCache { IDXCache(directory: CacheDirectory.standard.appendingPathComponent("idx")) }

    /// The mapping of the uncompressed copy of `compressed` (a mapped gzip file), made now
    /// if there is none, or if the one there does not hold a whole IDX array.
    func decompressed(_ compressed: FileMapping) throws -> FileMapping {
        let entry = try entry(for: compressed.path)
        if let mapping = try? FileMapping(entry),
           mapping.withBytes({ bytes in (try? IDXReader.header(count: bytes.count, byte: { bytes[$0] })) != nil }) {
            return mapping
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        AtomicFile.removeLeftovers(of: [entry.lastPathComponent], in: directory)
        removeEarlierVersions(of: entry)
        var header: [UInt8] = [], expected: Int?, written = 0
        do {
            try AtomicFile.write(to: entry) { append in
                try compressed.withBytes { input in try Gzip.decompress(input, limit: .max) { piece in
                    if expected == nil {
                        header += piece.prefix(max(0, 1024 - header.count))
                        expected = try declaredSize(header, free: freeSpace())
                    }
                    if let expected, piece.count > expected - written {
                        throw Gzip.Problem("more bytes than the header declares")
                    }
                    written += piece.count
                    try append(piece)
                } }
                if let expected, written < expected {
                    throw Gzip.Problem("truncated: the header promises \(expected) bytes in all but \(written) follow")
                }
                if expected == nil { throw Gzip.Problem("\(written) bytes, too short for an IDX header") }
            }
        } catch let problem as Gzip.Problem {
            throw FileError(path: compressed.path, problem: problem.message)
        }
        return try FileMapping(entry)
    }

    /// The whole file's size the header declares, once enough of it has arrived (nil
    /// before then); an error if it is no IDX header or declares more than fits on the disk.
    private func declaredSize(_ header: [UInt8], free: Int?) throws(Gzip.Problem) -> Int? {
        guard let (dimensions, size) = try IDXReader.declaredHeader(available: header.count, byte: { header[$0] }) else {
            return nil
        }
        let values = IDXReader.declaredValues(dimensions)
        guard values <= Int.max - size else { throw Gzip.Problem("the header declares more values than can be counted") }
        if let free, values + size > free {
            throw Gzip.Problem("decompresses to \(values + size) bytes, more than the \(free) free in \(directory.path)")
        }
        return values + size
    }

    private func freeSpace() -> Int? {
        var status = statvfs()
        guard statvfs(directory.path, &status) == 0 else { return nil }
        return Int(status.f_bavail) * Int(status.f_frsize)
    }

    /// Removes the copies of earlier versions of the same file: entries are named
    /// `<path's hash>-<version's hash>.idx`, and only plain files of that form are touched.
    private func removeEarlierVersions(of entry: URL) {
        let name = entry.lastPathComponent
        guard let dash = name.firstIndex(of: "-"),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        let stem = name[...dash]
        for other in names where other != name && other.hasPrefix(stem) && other.hasSuffix(".idx") && other.count == name.count {
            let url = directory.appendingPathComponent(other)
            var status = stat()
            guard lstat(url.path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            unlink(url.path)
        }
    }

    /// Where the uncompressed copy of the file at `path` is kept: named after its path, then
    /// its version (size and modification time).
    func entry(for path: String) throws -> URL {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var status = stat()
        guard stat(resolved, &status) == 0 else {
            throw FileError(path: path, problem: "cannot read: \(String(cString: strerror(errno)))")
        }
        let version = "vae-idx-cache/1\n\(status.st_size)\n\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)\n"
        let name = Fingerprint.hex(Fingerprint.fnv1a(Swift.Array(resolved.utf8))) + "-"
            + Fingerprint.hex(Fingerprint.fnv1a(Swift.Array(version.utf8)))
        return directory.appendingPathComponent(name + ".idx")
    }
}

/// The folder this program keeps what it can make again: `$XDG_CACHE_HOME/vae`, or
/// `~/.cache/vae`.
public enum CacheDirectory {
    public static var standard: URL {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("vae")
    }
}
