import Foundation

/// A program run to its end in a process of its own, for what only a separate process can
/// show, such as the peak memory it reports of itself. (The peak the kernel gives a parent
/// for its child is no use: a child started by posix_spawn shares the parent's memory
/// until it runs its program, and that memory counts toward the child's peak.)
public struct ChildProcess {
    public let status: Int32
    public let output: String

    /// A program of this package, built beside the tests (`vae`); an error when it is not
    /// there, so a test that needs it fails rather than passes unseen.
    public static func builtProgram(_ name: String) throws -> URL {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the \(name) executable is not built beside the tests at \(url.path)"])
        }
        return url
    }

    /// Runs `executable` with `arguments`, standard output and error together in `output`.
    public static func run(_ executable: URL, _ arguments: [String]) throws -> ChildProcess {
        let log = IDXFiles.temporaryFolder("child").appendingPathComponent("output.txt")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable.path): \(String(cString: strerror(spawned)))"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        // WEXITSTATUS, or 128 + the signal that ended it.
        let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildProcess(status: code, output: output)
    }
}
