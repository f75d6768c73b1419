import Storage
import Foundation
import NumericCore

/// An exclusive claim on a run folder while a training writes to it, so that two trainings
/// into the same folder cannot interleave their files. It is an `flock` on `.lock`: the
/// system releases it when the process ends, however it ends, so no stale lock remains.
public final class RunLock {
    private let descriptor: Int32

    public init(_ folder: RunFolder) throws {
        let path = folder.file(".lock").path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FileError(path: path, problem: "cannot create the lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw FileError(path: folder.url.path, problem: "another training is writing to this run folder")
        }
        let pid = "\(getpid())\n"
        ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
