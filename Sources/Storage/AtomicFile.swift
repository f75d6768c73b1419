import Foundation

/// A file problem worth telling the user about: what went wrong and with which file.
public struct FileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

/// Writes files so that a reader sees either the old file or the complete new one.
///
/// The bytes go to a temporary file beside the target, are flushed to the disk, and the
/// temporary is renamed over the target: a crash, a full disk or a power cut at any instant
/// leaves the previous version intact and no half-written file under the real name.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        try write([data], to: url)
    }

    /// `parts` one after the other: a header and a large body written without joining them.
    public static func write(_ parts: [Data], to url: URL) throws {
        try write(to: url) { append in
            for data in parts { try data.withUnsafeBytes { try append($0) } }
        }
    }

    /// What `produce` hands to the function it is given, in order: a file of any size
    /// written a piece at a time, with the same guarantee. An error `produce` throws leaves
    /// the previous version, and is thrown on.
    public static func write(to url: URL, producing produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/." + url.lastPathComponent + ".partial-\(getpid())"
        // A new file of our own, never through a link: a leftover of this name (only a
        // process with our id, since ended, can have made it) is unlinked first, which removes
        // a link rather than what it points to.
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if descriptor < 0 && errno == EEXIST && unlink(temporary) == 0 {
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw FileError(path: path, problem: "cannot write: \(systemMessage())") }
        var failure: String?
        do {
            try produce { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw FileError(path: path, problem: "cannot write: \(systemMessage())")
                    }
                    offset += written
                }
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        if fsync(descriptor) != 0 { failure = systemMessage() }
        if close(descriptor) != 0, failure == nil { failure = systemMessage() }
        if let failure {
            unlink(temporary)
            throw FileError(path: path, problem: "cannot write: \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let message = systemMessage()
            unlink(temporary)
            throw FileError(path: path, problem: "cannot replace: \(message)")
        }
        // Make the rename itself durable.
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Removes the temporary files that writes of `names` in `directory` left when their
    /// process was killed before it could rename or remove them: only names of this
    /// program's own pattern (`.<name>.partial-<pid>`), only of a process that has ended.
    public static func removeLeftovers(of names: [String], in directory: URL) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for entry in entries {
            guard let name = names.first(where: { entry.hasPrefix("." + $0 + ".partial-") }),
                  let pid = Int32(entry.dropFirst(name.count + 10)), pid > 0, pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            var status = stat()
            // A plain file of this name only, never what a link points to.
            guard lstat(directory.appendingPathComponent(entry).path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { continue }
            unlink(directory.appendingPathComponent(entry).path)
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    private static func systemMessage() -> String { String(cString: strerror(errno)) }
}

/// Reads a whole file into an array of its own, with no intermediate copy: the bytes of a
/// large file exist once.
public func readBytes(_ url: URL) throws -> [UInt8] {
    try withFile(url) { descriptor, size in
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            if size > 0 { failure = read(descriptor, into: buffer.baseAddress!, count: size) }
            initialized = failure == nil ? size : 0
        }
        if let failure { throw FileError(path: url.path, problem: "cannot read: \(failure)") }
        return bytes
    }
}

/// Reads a whole file, with errors that name the file plainly. (Not through Foundation's
/// `Data(contentsOf:)`, which leaks a buffer on an empty file.)
public func readFile(_ url: URL) throws -> Data {
    try withFile(url) { descriptor, size in
        var data = Data(count: size)
        let failure = size == 0 ? nil : data.withUnsafeMutableBytes { read(descriptor, into: $0.baseAddress!, count: size) }
        if let failure { throw FileError(path: url.path, problem: "cannot read: \(failure)") }
        return data
    }
}

/// Calls `body` with a descriptor of `url`, opened for reading, and the file's size.
func withFile<R>(_ url: URL, _ body: (Int32, Int) throws -> R) throws -> R {
    // Non-blocking, so that a named pipe put where a file was cannot stall the program.
    let descriptor = open(url.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
        throw FileError(path: url.path, problem: errno == ENOENT ? "no such file" : "cannot read: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw FileError(path: url.path, problem: "cannot read: \(String(cString: strerror(errno)))") }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return try body(descriptor, Int(status.st_size))
    case S_IFDIR: throw FileError(path: url.path, problem: "is a folder, not a file")
    default: throw FileError(path: url.path, problem: "is not a plain file")
    }
}

/// Reads `count` bytes into `buffer`; nil, or why it could not.
private func read(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> String? {
    var offset = 0
    while offset < count {
        let done = Foundation.read(descriptor, buffer + offset, count - offset)
        if done < 0 && errno == EINTR { continue }
        if done < 0 { return String(cString: strerror(errno)) }
        if done == 0 { return "the file shrank while it was read" }
        offset += done
    }
    return nil
}
