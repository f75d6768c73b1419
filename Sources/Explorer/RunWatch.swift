import Foundation

/// What a live page is told as runs change: server-sent events, one per run whose files
/// or training state changed since the last look (`run`, its summary as JSON, or
/// `damaged`, its name and why it cannot be read), one per run that is gone (`removed`). A watch remembers what it has sent; the first look sends
/// every run.
public struct RunWatch: Sendable {
    private var stamps: [String: String] = [:]
    /// How often a server looks: well within the second a page may lag an epoch by.
    public static let interval: Duration = .milliseconds(250)

    public init() {}

    /// The events for what changed since the last call, as the bytes of the stream.
    public mutating func changes(in catalog: RunCatalog) -> Data {
        var text = ""
        var seen = Set<String>()
        for name in catalog.names() {
            seen.insert(name)
            guard let folder = try? catalog.folder(named: name) else { continue }
            let stamp = RunSummary.stamp(of: folder)
            guard stamps[name] != stamp else { continue }
            do {
                let summary = try RunSummary.read(name, folder: folder, catalog: catalog)
                // The stamp the summary was read under: a change during the read shows next time.
                stamps[name] = summary.stamp
                text += "event: run\ndata: " + String(decoding: try JSONEncoder().encode(summary), as: UTF8.self) + "\n\n"
            } catch {
                // A run whose files cannot be read is shown with the reason, not left out.
                stamps[name] = stamp
                // Paths are given from the served folder, which the page names already.
                let problem = "\(error)".replacingOccurrences(of: catalog.root.path + "/", with: "")
                let json = (try? JSONEncoder().encode(["name": name, "problem": problem])) ?? Data("{}".utf8)
                text += "event: damaged\ndata: " + String(decoding: json, as: UTF8.self) + "\n\n"
            }
        }
        for name in stamps.keys.sorted() where !seen.contains(name) {
            stamps[name] = nil
            let json = (try? JSONEncoder().encode(["name": name])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            text += "event: removed\ndata: " + json + "\n\n"
        }
        return Data(text.utf8)
    }
}
