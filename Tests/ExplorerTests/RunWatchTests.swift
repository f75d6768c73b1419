@testable import Explorer
import Foundation
import Runs
import Testing
import TestSupport

/// The live stream tells each change once, and sees a training by its lock.
@Suite struct RunWatchTests {
    func events(_ data: Data) -> [String] {
        String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
    }

    @Test func tellsEachChangeOnce() throws {
        let root = IDXFiles.temporaryFolder("watch")
        let run = root.appendingPathComponent("a")
        try FileManager.default.copyItem(at: ExplorerTestRuns.root.appendingPathComponent("dense"), to: run)
        let catalog = try RunCatalog(root: root)
        var watch = RunWatch()
        let first = watch.changes(in: catalog)
        #expect(events(first) == ["run"])
        let summary = String(decoding: first, as: UTF8.self).split(separator: "\n")[1].dropFirst(6)
        #expect(try JSONDecoder().decode(RunSummary.self, from: Data(summary.utf8)).history.count == 2)
        #expect(watch.changes(in: catalog).isEmpty)

        // A new epoch's history (written whole, as a training writes it) is one event.
        let folder = RunFolder(run)
        var history = try RunHistory.read(folder.historyURL)
        history.append(history[1])
        history[2].epoch = 3
        try RunHistory.write(history, to: folder.historyURL)
        #expect(events(watch.changes(in: catalog)) == ["run"])
        #expect(watch.changes(in: catalog).isEmpty)

        // A training holding the run's lock shows, and so does its end.
        do {
            let lock = try RunLock(folder)
            #expect(RunActivity.isTraining(folder))
            #expect(events(watch.changes(in: catalog)) == ["run"])
            withExtendedLifetime(lock) {}
        }
        #expect(!RunActivity.isTraining(folder))
        #expect(events(watch.changes(in: catalog)) == ["run"])

        // A damaged history: the run is told with the reason, once.
        try Data("not a history\n".utf8).write(to: folder.historyURL)
        let damaged = String(decoding: watch.changes(in: catalog), as: UTF8.self)
        #expect(damaged.hasPrefix("event: damaged\n") && damaged.contains("history header"), "\(damaged)")
        #expect(watch.changes(in: catalog).isEmpty)

        try FileManager.default.removeItem(at: run)
        #expect(events(watch.changes(in: catalog)) == ["removed"])
        #expect(watch.changes(in: catalog).isEmpty)
    }
}
