import ArgumentParser
import Foundation
import Runs
import VAE

/// `vae traverse`: what each latent dimension encodes.
struct Traverse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode one row per latent dimension, sweeping it with the others at 0.")

    @OptionGroup var runOption: RunOption
    @Option(help: "The value each sweep starts from.") var from: Float = -3
    @Option(help: "The value each sweep ends at.") var to: Float = 3
    @Option(help: "Images per row.") var steps = 9
    @Option(help: "The PNG file to write (default: traversal.png in the run folder).") var out: String?

    func validate() throws {
        guard steps >= 2, steps <= 100 else { throw ValidationError("--steps must be from 2 to 100") }
    }

    func run() throws {
        let (folder, model, configuration) = try runOption.load()
        let codings = Codings.traversal(size: configuration.model.codingSize, from: from, to: to, steps: steps)
        let url = out.map { URL(fileURLWithPath: $0) } ?? folder.file("traversal.png")
        try RunFigures.grid(for: configuration.model, columns: steps).write(model.decoded(codings), to: url)
        Console.line("Wrote \(configuration.model.codingSize) rows of \(steps) images to \(url.path)")
    }
}

/// `vae manifold`: the whole latent plane of a two-dimensional coding.
struct Manifold: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a regular grid over the latent plane (coding size 2 only).")

    @OptionGroup var runOption: RunOption
    @Option(help: "The grid spans -extent to extent on both axes.") var extent: Float = 3
    @Option(help: "Images per side.") var steps = 15
    @Option(help: "The PNG file to write (default: manifold.png in the run folder).") var out: String?

    func validate() throws {
        guard steps >= 2, steps <= 100 else { throw ValidationError("--steps must be from 2 to 100") }
        guard extent > 0, extent.isFinite else { throw ValidationError("--extent must be a positive number") }
    }

    func run() throws {
        let (folder, model, configuration) = try runOption.load()
        guard configuration.model.codingSize == 2 else {
            throw CommandFailure(description: "vae manifold needs a run with --coding-size 2; this one has \(configuration.model.codingSize) (try vae traverse)")
        }
        let url = out.map { URL(fileURLWithPath: $0) } ?? folder.file("manifold.png")
        let codings = Codings.grid(from: -extent, to: extent, steps: steps)
        try RunFigures.grid(for: configuration.model, columns: steps, scale: 1).write(model.decoded(codings), to: url)
        Console.line("Wrote a \(steps)×\(steps) grid over [-\(extent), \(extent)]² to \(url.path)")
    }
}
