import Foundation
import Storage

/// A run that replaces the one in a folder trains in the folder's `.vae-staging/` until it has
/// written its first checkpoint, and only then takes the earlier run's place: a new run
/// that fails early (a diverging loss, a wrong setting found late, a crash) leaves the
/// earlier run whole.
///
/// Taking the place is a sequence of renames that can be repeated from any point: it is
/// first recorded in `.vae-staging/.promoting` with the names of the staged files, so a process
/// killed half-way leaves what the next `start` or `resume` completes.
extension RunFolder {
    /// Where a replacing run trains until its first checkpoint.
    public var staging: RunFolder { RunFolder(url.appendingPathComponent(RunFolder.stagingName)) }

    static let stagingName = ".vae-staging"
    private var promotionRecord: URL { staging.file(".promoting") }

    /// Whether a staging folder exists; one that is not a plain folder (a link, a file) is
    /// an error, never followed.
    func hasStaging() throws -> Bool {
        var status = stat()
        guard lstat(staging.url.path, &status) == 0 else { return false }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw FileError(path: staging.url.path, problem: "is not this program's staging folder (a link or a file); remove it")
        }
        return true
    }

    /// What a run does first, with the folder locked: settles a stopped replacement, and
    /// removes the temporary files of writes whose process was killed.
    func settleLeftovers() throws {
        try settleStaging()
        AtomicFile.removeLeftovers(of: runFiles.map(\.lastPathComponent), in: url)
    }

    /// Settles what a stopped replacement left: a staged run with a checkpoint replaces this
    /// folder's run (it was started to), one without is discarded.
    public func settleStaging() throws {
        guard try hasStaging() else { return }
        if FileManager.default.fileExists(atPath: promotionRecord.path)
            || (staging.holdsRun && FileManager.default.fileExists(atPath: staging.checkpointURL.path)) {
            try promoteStaging()
        } else {
            try discardStaging()
        }
    }

    /// Moves the staged run over this folder's: each staged file renamed in place of the
    /// earlier one, the earlier run's files without a staged counterpart removed, the
    /// configuration last.
    func promoteStaging() throws {
        let names: [String]
        if let recorded = try? String(contentsOf: promotionRecord, encoding: .utf8) {
            names = recorded.split(separator: "\n").map(String.init)
        } else {
            names = staging.runFiles.map(\.lastPathComponent)
                .filter { FileManager.default.fileExists(atPath: staging.file($0).path) }
            try AtomicFile.write(names.joined(separator: "\n"), to: promotionRecord)
        }
        let staged = Set(names)
        for file in runFiles where file != configurationURL {
            let name = file.lastPathComponent
            if staged.contains(name) {
                if FileManager.default.fileExists(atPath: staging.file(name).path) {
                    try move(staging.file(name), to: file)
                }
            } else {
                try remove(file)
            }
        }
        // The earlier run's weight snapshots are its own files too.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] where RunFolder.isSnapshot(name) {
            try remove(file(name))
        }
        if FileManager.default.fileExists(atPath: staging.configurationURL.path) {
            try move(staging.configurationURL, to: configurationURL)
        }
        try removeStagingFolder()
    }

    /// Removes the staging folder and what a run wrote in it, nothing else: a file of
    /// another name in it is an error, and stays. A promotion once begun is never undone
    /// here: its record makes the next `settleStaging` complete it.
    public func discardStaging() throws {
        guard try hasStaging(), !FileManager.default.fileExists(atPath: promotionRecord.path) else { return }
        for file in staging.runFiles + [staging.file(".lock")] { try remove(file) }
        try removeStagingFolder()
    }

    /// Removes the staging folder once its run files are gone (moved or discarded): the
    /// bookkeeping and snapshots in it, the promotion's record last of all.
    private func removeStagingFolder() throws {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: staging.url.path)) ?? []
        where RunFolder.isRunBookkeeping(name) || RunFolder.isSnapshot(name) {
            try remove(staging.file(name))
        }
        try remove(promotionRecord)
        guard rmdir(staging.url.path) == 0 else {
            throw FileError(path: staging.url.path, problem: "holds files this program did not write; move them and remove the folder")
        }
    }

    private func move(_ source: URL, to target: URL) throws {
        guard rename(source.path, target.path) == 0 else {
            throw FileError(path: target.path, problem: "cannot put the new run's file in place: \(String(cString: strerror(errno)))")
        }
    }

    private func remove(_ file: URL) throws {
        guard unlink(file.path) == 0 || errno == ENOENT else {
            throw FileError(path: file.path, problem: "cannot remove the earlier run's file: \(String(cString: strerror(errno)))")
        }
    }
}
