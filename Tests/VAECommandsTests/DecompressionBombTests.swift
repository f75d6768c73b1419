import Foundation
import Testing
import TestSupport

/// The real program on a folder that holds, beside ordinary pictures, a PNG of 3 MB that
/// declares 32 × 32 pixels and inflates to 3 GiB: the file is skipped with its reason,
/// and the process's peak memory is what the same folder without it costs, within 64 MiB.
/// Each run is a process of its own, and says its peak memory as it ends.
@Suite struct DecompressionBombTests {
    @Test func aBombInAFolderIsSkippedInBoundedMemory() throws {
        let executable = try ChildProcess.builtProgram("vae")
        let clean = IDXFiles.temporaryFolder("bomb-clean"), bombed = IDXFiles.temporaryFolder("bomb")
        for index in 0..<40 {
            let picture = PictureFiles.encode(PictureFiles.pixels(width: 32, height: 32, channels: 3, seed: index),
                                              width: 32, height: 32, channels: 3, as: .png)
            for folder in [clean, bombed] { try picture.write(to: folder.appendingPathComponent("\(index).png")) }
        }
        let bomb = PictureFiles.pngBomb(side: 32, inflatedBytes: 3 << 30)
        #expect(bomb.count < 3_300_000)
        try bomb.write(to: bombed.appendingPathComponent("bomb.png"))

        func train(_ data: URL) throws -> ChildProcess {
            let out = IDXFiles.temporaryFolder("bomb-run").appendingPathComponent("run")
            return try ChildProcess.run(executable, [
                "train", "--data", data.path, "--image-size", "32", "--epochs", "1", "--hidden", "16", "--coding-size", "2",
                "--batch-size", "8", "--validation", "8", "--cache", IDXFiles.temporaryFolder("bomb-cache").path,
                "--out", out.path,
            ])
        }
        let without = try train(clean), with = try train(bombed)
        #expect(without.status == 0, "\(without.output)")
        #expect(with.status == 0, "\(with.output)")
        #expect(with.output.contains("bomb.png") && with.output.contains("Extra compressed data"), "\(with.output)")
        func peak(_ run: ChildProcess) -> Double? {
            guard let range = run.output.range(of: #"peak memory (\d+) MB"#, options: .regularExpression) else { return nil }
            return Double(run.output[range].split(separator: " ")[2]).map { $0 * 1e6 }
        }
        guard let before = peak(without), let after = peak(with) else {
            Issue.record("no peak memory printed: \(without.output)\n\(with.output)")
            return
        }
        #expect(after - before < Double(64 << 20), "peak memory \(before / 1e6) MB without the bomb, \(after / 1e6) MB with it")
    }
}
