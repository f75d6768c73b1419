import Foundation
import Runs
import VAE

/// What the runs page shows of one run: its model and options, how far it is, its latest
/// losses, and whether a training is writing to it now.
public struct RunSummary: Codable, Equatable, Sendable {
    public var name: String
    public var configuration: RunConfiguration
    /// Every epoch so far (`history.csv`); empty before the first ends.
    public var history: [EpochRecord]
    /// The code prior's or second stage's epochs, for the families that train one.
    public var priorHistory: [EpochRecord]
    /// A training holds the run's lock now.
    public var training: Bool
    /// The run has `evaluation.json`.
    public var evaluated: Bool
    /// Pictures the run folder holds (`samples.png`, `reconstructions.png`, …), by file name.
    public var pictures: [String]
    /// Changes whenever a file the summary reads changes: what a live page compares.
    public var stamp: String

    /// The summary of `folder`, read now; a file that cannot be read throws.
    public static func read(_ name: String, folder: RunFolder, catalog: RunCatalog) throws -> RunSummary {
        // Taken first: a file that changes while it is read gives a newer stamp next time.
        let stamp = Self.stamp(of: folder)
        let configuration = try folder.readConfiguration()
        let history = try catalog.file("history.csv", of: folder).map(RunHistory.read) ?? []
        let priorHistory = try catalog.file("prior-history.csv", of: folder).map(RunHistory.read) ?? []
        let pictures = pictureFiles.filter { catalog.file($0, of: folder) != nil }
        return RunSummary(name: name, configuration: configuration, history: history, priorHistory: priorHistory,
                          training: RunActivity.isTraining(folder), evaluated: catalog.file("evaluation.json", of: folder) != nil,
                          pictures: pictures, stamp: stamp)
    }

    /// The pictures a run folder may hold, which its page shows.
    public static let pictureFiles = ["samples.png", "reconstructions.png", "interpolation.png", "between.png"]
    /// The files a summary reads, so a picture written later changes it too; the files a
    /// loaded model comes from.
    public static let summaryFiles = ["config.json", "history.csv", "prior-history.csv", "evaluation.json"] + pictureFiles
    public static let modelFiles = ["config.json", "model.safetensors", "prior.safetensors"]

    /// The modification times and sizes of `files`, and whether a training holds the run:
    /// equal stamps, unchanged files (each is replaced whole when it changes).
    public static func stamp(of folder: RunFolder, files: [String] = summaryFiles, activity: Bool = true) -> String {
        var parts = files.map { name -> String in
            var status = stat()
            guard lstat(folder.file(name).path, &status) == 0 else { return "-" }
            return "\(status.st_size):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
        }
        if activity { parts.append(RunActivity.isTraining(folder) ? "training" : "idle") }
        return parts.joined(separator: ",")
    }
}

/// Whether a training holds a run folder's lock (`RunLock`), found without touching the
/// lock: taking it, even shared and for a moment, could make a training that starts at
/// that instant fail. Linux lists every held `flock` in `/proc/locks` by device and inode.
enum RunActivity {
    static func isTraining(_ folder: RunFolder) -> Bool {
        var status = stat()
        guard lstat(folder.file(".lock").path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return false }
        #if os(Linux)
        guard let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return false }
        // Each line: "1: FLOCK  ADVISORY  WRITE pid major:minor:inode start end". The device
        // numbers of an overlay file system are not the ones `stat` reports, so the inode decides.
        let inode = ":\(status.st_ino)"
        return locks.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 5 && fields[1] == "FLOCK" && fields[5].hasSuffix(inode)
        }
        #else
        guard let text = try? String(contentsOf: folder.file(".lock"), encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return false }
        return kill(pid, 0) == 0
        #endif
    }
}
