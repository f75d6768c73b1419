import ArgumentParser
import Foundation
import VAE

/// `vae sample`: new images from random codings.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decode random codings into new images.")

    @OptionGroup var runOption: RunOption
    @Option(help: "How many images.") var count = 21
    @Option(help: "Images per row of the grid.") var columns = 7
    @Option(help: "The seed of the random codings.") var seed: UInt64 = 42
    @Option(help: "The distribution of the codings: gaussian N(0, I), uniform U(-1, 1), uniform-matched U(-√3, √3), truncated (N(0, I) within ±2).")
    var prior = Prior.gaussian
    @Option(help: "The PNG file to write (default: samples.png in the run folder).") var out: String?

    func validate() throws {
        guard count > 0, columns > 0 else { throw ValidationError("--count and --columns must be at least 1") }
    }

    func run() throws {
        let folder = RunFolder(path: runOption.run)
        let (model, _) = try folder.loadModel()
        let url = out.map { URL(fileURLWithPath: $0) } ?? folder.file("samples.png")
        try Figures.writeSamples(model, count: count, columns: columns, seed: seed, prior: prior, to: url)
        Console.line("Wrote \(count) samples to \(url.path)")
    }
}
