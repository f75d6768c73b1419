import Foundation
import Testing
import TestSupport

/// One training over several processes, as `mpirun -np N vae train …` runs it: against the
/// same training in one process, resumed, in every family, and stopped by one process's
/// failure. `make test` installs Open MPI; without it these tests are reported skipped.
@Suite(.enabled(if: MPI.available, "Open MPI's mpirun is not installed (make test installs it)"), .serialized)
struct MPITrainingTests {
    let data: URL
    let executable: URL

    init() throws {
        data = try IDXFiles.makeDataset(train: 1200, test: 40, side: 8, seed: 5)
        executable = try ChildProcess.builtProgram("vae")
    }

    func folder(_ name: String) -> URL { IDXFiles.temporaryFolder("mpi-" + name).appendingPathComponent("run") }

    /// A small VAE's options, or (`small` false) the data, the seed and the folder alone.
    func arguments(_ out: URL, _ extra: [String], small: Bool = true) -> [String] {
        ["train", "--data", data.path, "--validation", "200", "--seed", "7", "--out", out.path]
            + (small ? ["--hidden", "32,16", "--coding-size", "4"] : []) + extra
    }

    func alone(_ out: URL, _ extra: [String], small: Bool = true) throws -> ChildProcess {
        try ChildProcess.run(executable, arguments(out, extra, small: small))
    }

    func history(_ out: URL, _ file: String = "history.csv") throws -> [[String]] {
        // Without the seconds column, which differs from run to run.
        try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").dropLast().map(String.init) }
    }

    func bytes(_ out: URL, _ file: String) throws -> Data { try Data(contentsOf: out.appendingPathComponent(file)) }

    @Test func twoProcessesTakeExactlyTheStepsOfOne() throws {
        let one = folder("one"), two = folder("two")
        let single = try alone(one, ["--epochs", "2"])
        #expect(single.status == 0, "\(single.output)")
        let pair = try MPI.run(2, executable, arguments(two, ["--epochs", "2"]))
        #expect(pair.status == 0, "\(pair.output)")
        #expect(try bytes(two, "model.safetensors") == bytes(one, "model.safetensors"), "the weights differ")
        #expect(try bytes(two, "checkpoint.safetensors").count == bytes(one, "checkpoint.safetensors").count)
        #expect(try history(two) == history(one))
        // The first process wrote the folder, and only its files; it alone printed the epochs.
        #expect(try FileManager.default.contentsOfDirectory(atPath: two.path).sorted()
                == FileManager.default.contentsOfDirectory(atPath: one.path).sorted())
        #expect(pair.output.components(separatedBy: "Epoch 2/2 - ").count == 2, "\(pair.output)")

        // Resumed over MPI after one epoch: the same weights again.
        let resumed = folder("resumed")
        #expect(try MPI.run(2, executable, arguments(resumed, ["--epochs", "1"])).status == 0)
        let rest = try MPI.run(2, executable, ["train", "--resume", resumed.path, "--epochs", "2"])
        #expect(rest.status == 0, "\(rest.output)")
        #expect(try bytes(resumed, "model.safetensors") == bytes(one, "model.safetensors"), "the resumed weights differ")
    }

    /// Three processes cut each batch in three shards where one process cuts it in two: the
    /// same steps up to the order of their sums.
    @Test func threeProcessesAgreeUpToTheOrderOfTheirSums() throws {
        let one = folder("one-of-three"), three = folder("three")
        #expect(try alone(one, ["--epochs", "2"]).status == 0)
        let run = try MPI.run(3, executable, arguments(three, ["--epochs", "2"]))
        #expect(run.status == 0, "\(run.output)")
        let a = try #require(Double(history(one)[2][2])), b = try #require(Double(history(three)[2][2]))
        #expect(abs(a - b) < 0.5e-4, "val_loss \(a) alone, \(b) over three processes")
    }

    /// The families that train a second model (a VQ-VAE's PixelCNN, a two-stage model's
    /// second VAE), over two processes: the same weights of both models as one process's.
    @Test(arguments: [
        ["--model", "vq-vae", "--filters", "8,16", "--codebook-size", "16", "--code-dim", "4", "--prior-channels", "8",
         "--prior-blocks", "1"],
        ["--model", "two-stage", "--architecture", "conv", "--filters", "8,16", "--second-stage-hidden", "16"],
    ])
    func everyFamilyTrainsOverTwoProcesses(_ family: [String]) throws {
        let one = folder("family-one"), two = folder("family-two")
        let options = family + ["--epochs", "1", "--prior-epochs", "1"], small = family[1] != "vq-vae"
        let single = try alone(one, options, small: small)
        #expect(single.status == 0, "\(single.output)")
        let pair = try MPI.run(2, executable, arguments(two, options, small: small))
        #expect(pair.status == 0, "\(pair.output)")
        #expect(try bytes(two, "model.safetensors") == bytes(one, "model.safetensors"))
        #expect(try bytes(two, "prior.safetensors") == bytes(one, "prior.safetensors"))
        #expect(try history(two, "prior-history.csv") == history(one, "prior-history.csv"))
    }

    /// A process that cannot go on stops them all, with its reason: here the first one,
    /// which refuses to write into a folder that holds files but no run.
    @Test func oneProcessesErrorStopsEveryProcess() throws {
        let out = folder("refused")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let started = Date()
        let run = try MPI.run(2, executable, arguments(out, ["--epochs", "50"]))
        #expect(run.status != 0)
        #expect(run.output.contains("vae train, process 0 of 2:"), "\(run.output)")
        #expect(Date().timeIntervalSince(started) < 30, "the processes did not stop")
        #expect(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    }

    /// A process killed mid-training: every process ends, non-zero, within 10 seconds; the
    /// last checkpoint is whole, and the run resumes from it.
    @Test func aKilledProcessEndsTheTrainingAndTheCheckpointStaysWhole() throws {
        let out = folder("killed")
        let mpirun = try MPI.start(2, executable, arguments(out, ["--epochs", "400"]))
        defer { if mpirun.isRunning { mpirun.terminate() } }
        let history = out.appendingPathComponent("history.csv")
        let deadline = Date().addingTimeInterval(120)
        while (try? String(contentsOf: history, encoding: .utf8))?.split(separator: "\n").count ?? 0 < 3, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let second = try #require(MPI.rankProcess(1, of: mpirun.processIdentifier), "no process of rank 1 found")
        kill(second, SIGKILL)
        let killed = Date()
        while mpirun.isRunning && Date().timeIntervalSince(killed) < 30 { Thread.sleep(forTimeInterval: 0.05) }
        let seconds = Date().timeIntervalSince(killed)
        #expect(!mpirun.isRunning && seconds < 10, "mpirun still running \(seconds) s after rank 1 was killed")
        if !mpirun.isRunning { #expect(mpirun.terminationStatus != 0) }
        // Every process has ended: none of the training's is left.
        #expect(MPI.rankProcess(0, of: mpirun.processIdentifier) == nil)
        // The history is written just after the checkpoint, so it may hold one epoch fewer.
        let done = try self.history(out).count - 1
        let resumed = try ChildProcess.run(executable, ["train", "--resume", out.path, "--epochs", String(done + 2)])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(try self.history(out).count - 1 == done + 2)
    }
}

/// Open MPI's launcher, as the tests run it: as root it must be allowed to, more
/// processes than cores must be allowed, and its shared-memory single copy, which a
/// sandbox may refuse, is off.
enum MPI {
    static let launcher = "/usr/bin/mpirun"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: launcher) }

    static func launcherArguments(_ processes: Int) -> [String] {
        (getuid() == 0 ? ["--allow-run-as-root"] : []) + ["--oversubscribe", "--mca", "btl_vader_single_copy_mechanism", "none",
                                                            "-np", String(processes)]
    }

    static func run(_ processes: Int, _ executable: URL, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess.run(URL(fileURLWithPath: launcher), launcherArguments(processes) + [executable.path] + arguments)
    }

    static func start(_ processes: Int, _ executable: URL, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launcher)
        process.arguments = launcherArguments(processes) + [executable.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The process of `rank` among those `mpirun` (process `launcher`) started: a child of
    /// it whose environment names that rank.
    static func rankProcess(_ rank: Int, of launcher: Int32) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, Int32(fields[1]) == launcher,
                  let environment = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ")) else { continue }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }
}
