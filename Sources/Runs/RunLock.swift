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
        // Never through a symbolic link: a planted `.lock` must not let the lock truncate
        // or write the file it points to.
        let opened = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard opened >= 0 else {
            if errno == ELOOP {
                throw FileError(path: path, problem: "is a symbolic link, not this program's lock file; remove it")
            }
            throw FileError(path: path, problem: "cannot create the lock file: \(String(cString: strerror(errno)))")
        }
        // Nor through a hard link: truncating the lock would truncate the other name's file.
        var status = stat()
        guard fstat(opened, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_nlink == 1 else {
            close(opened)
            throw FileError(path: path, problem: "is not this program's lock file (another name of a file, or not a plain file); remove it")
        }
        guard flock(opened, LOCK_EX | LOCK_NB) == 0 else {
            close(opened)
            throw FileError(path: folder.url.path, problem: "another training is writing to this run folder")
        }
        // Set only once the lock is held: a failed initialiser must not reach `deinit`,
        // which would close the descriptor again (by then perhaps another thread's file).
        descriptor = opened
        let pid = "\(getpid())\n"
        ftruncate(descriptor, 0)
        _ = pid.withCString { write(descriptor, $0, strlen($0)) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
