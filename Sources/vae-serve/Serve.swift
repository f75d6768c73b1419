import ArgumentParser
import DashboardServer
import Foundation

/// `vae serve` (this program, which `vae serve` runs): the runs in a folder, live, and a
/// latent explorer for each, in the browser.
@main
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae serve",
        abstract: "Show the runs under a folder in the browser: live curves, pictures, and a latent explorer.",
        discussion: "Reads the run folders and never writes into them. Listens on 127.0.0.1 unless told otherwise; the pages have no log-in, so serve other addresses only on networks you trust.")

    @Option(help: "The folder whose run folders to show (up to three levels down).") var runs = "runs"
    @Option(help: "The TCP port (0: any free port, printed).") var port = 8080
    @Option(help: "The address to listen on.") var host = "127.0.0.1"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard !host.isEmpty, host.utf8.count <= 253 else { throw ValidationError("--host must be an address or host name") }
    }

    func run() async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runs, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--runs \(runs): no such folder (train a run first: vae train --out \(runs)/book)")
        }
        let server = DashboardServer(runs: URL(fileURLWithPath: runs), host: host, port: port)
        let host = self.host, runs = self.runs
        try await server.run { port in
            let shown = host.contains(":") ? "[\(host)]" : host
            var text = "Serving the runs in \(runs)/ at http://\(shown):\(port)/ (Ctrl-C stops)\n"
            if !["127.0.0.1", "localhost", "::1"].contains(host) {
                text += "Listening beyond this machine: anyone who can reach \(host):\(port) sees these runs.\n"
            }
            // Written at once, unbuffered: a script waiting for this line sees it.
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
