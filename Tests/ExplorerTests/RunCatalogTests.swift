import Explorer
import Foundation
import Runs
import Testing
import TestSupport

/// Nothing outside the served folder can be named, linked to or read.
@Suite struct RunCatalogTests {
    let catalog = try! RunCatalog(root: ExplorerTestRuns.root)

    @Test func findsTheRunsUnderTheRoot() {
        #expect(catalog.names() == ["colour", "dense", "nested/two-stage", "vq"])
    }

    @Test func refusesNamesThatLeaveTheRoot() {
        for name in ["..", "../dense", "dense/..", "/etc", "/", "", ".", "./dense", "a//b", "dense/", ".hidden",
                     "dense\u{0}x", "%2e%2e", "nested/../dense", "a/b/c/d", "dense\\..", String(repeating: "a", count: 400)] {
            #expect(throws: CatalogError.invalidName(name), "\(name)") { try catalog.folder(named: name) }
        }
        #expect(throws: CatalogError.notFound("nested")) { try catalog.folder(named: "nested") }
        #expect(throws: CatalogError.notFound("missing")) { try catalog.folder(named: "missing") }
    }

    /// A link inside the root to a run elsewhere (or to the root's parent) is not followed,
    /// nor is a run file that is a link.
    @Test func followsNoSymbolicLinks() throws {
        let root = IDXFiles.temporaryFolder("catalog-links")
        let outside = IDXFiles.temporaryFolder("catalog-outside")
        try FileManager.default.copyItem(at: ExplorerTestRuns.root.appendingPathComponent("dense"), to: outside.appendingPathComponent("run"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("linked"), withDestinationURL: outside.appendingPathComponent("run"))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("up"), withDestinationURL: outside)
        let own = root.appendingPathComponent("own")
        try FileManager.default.copyItem(at: ExplorerTestRuns.root.appendingPathComponent("dense"), to: own)
        try FileManager.default.removeItem(at: own.appendingPathComponent("samples.png"))
        try FileManager.default.createSymbolicLink(at: own.appendingPathComponent("samples.png"), withDestinationURL: URL(fileURLWithPath: "/etc/passwd"))

        let catalog = try RunCatalog(root: root)
        #expect(catalog.names() == ["own"])
        #expect(throws: CatalogError.notFound("linked")) { try catalog.folder(named: "linked") }
        #expect(throws: CatalogError.notFound("up/run")) { try catalog.folder(named: "up/run") }
        let folder = try catalog.folder(named: "own")
        #expect(catalog.file("samples.png", of: folder) == nil)
        #expect(catalog.file("config.json", of: folder) != nil)

        let api = DashboardAPI(catalog: catalog)
        let answer = api.respond(to: DashboardRequest(path: "/api/file", query: ["run": "own", "name": "samples.png"]))
        #expect(answer.status == 404)
        #expect(api.respond(to: DashboardRequest(path: "/api/file", query: ["run": "linked", "name": "config.json"])).status == 404)
    }

    @Test func historyIsReadBackAsWritten() throws {
        let folder = try catalog.folder(named: "dense")
        let history = try RunHistory.read(folder.historyURL)
        #expect(history.count == 2 && history.map(\.epoch) == [1, 2])
        #expect(RunHistory.csv(history) == String(decoding: try Data(contentsOf: folder.historyURL), as: UTF8.self))
    }

    @Test func aDamagedHistoryIsRefusedWithItsLine() throws {
        let url = IDXFiles.temporaryFolder("history").appendingPathComponent("history.csv")
        let good = "1,0.5,0.6,0.4,0.1,3,0.5,0.1,3,1.0"
        for (text, problem) in [("epoch,loss\n", "header"), (RunHistory.header + "\n2" + good.dropFirst() + "\n", "line 2: epoch 2"),
                                (RunHistory.header + "\n1,nan,0.6,0.4,0.1,3,0.5,0.1,3,1.0\n", "line 2: 'nan'"),
                                (RunHistory.header + "\n1,0.5\n", "line 2: 2 fields")] {
            try Data(text.utf8).write(to: url)
            #expect {
                try RunHistory.read(url)
            } throws: { error in "\(error)".contains(problem) }
        }
        try Data((RunHistory.header + "\n" + good + "\n1,0.5,,0.4,0.1,3,,,,1.0\n").utf8).write(to: url)
        #expect(throws: (any Error).self) { try RunHistory.read(url) }
    }
}
