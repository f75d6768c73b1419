import ArgumentParser
import Foundation

/// `vae serve`: runs `vae-serve`, the dashboard server beside this program. The server is
/// a program of its own so that `vae` and the library build without the web framework.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Show the runs under a folder in the browser: live curves, pictures, and a latent explorer.",
        discussion: "Options: --runs FOLDER (default runs), --port N (default 8080), --host ADDRESS (default 127.0.0.1). `vae serve --help` lists them in full.")

    @Argument(parsing: .allUnrecognized, help: "The server's options.") var options: [String] = []

    func run() throws {
        let server = Self.serverProgram()
        guard FileManager.default.isExecutableFile(atPath: server.path) else {
            throw CommandFailure(description: "the dashboard server \(server.path) is not built: build it with `swift build -c release --product vae-serve` (or `make serve`)")
        }
        let arguments = [server.path] + options
        var pointers = arguments.map { strdup($0) } + [nil]
        execv(server.path, &pointers)
        throw CommandFailure(description: "could not start \(server.path): \(String(cString: strerror(errno)))")
    }

    /// `vae-serve` in the folder of the running program.
    static func serverProgram() -> URL {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("vae-serve")
    }
}
