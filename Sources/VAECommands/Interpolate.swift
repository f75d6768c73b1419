import ArgumentParser
import Foundation
import NumericCore
import Runs
import VAE

/// `vae interpolate`: a walk through latent space, along one axis or between two images.
struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode codings along a latent axis, or between the codings of two test images.")

    @OptionGroup var runOption: RunOption
    @Option(help: "The latent dimension to move along.") var axis = 3
    @Option(help: "The axis value to start from.") var from: Float = -0.8
    @Option(help: "The axis value to end at.") var to: Float = 0.8
    @Option(help: "How many images.") var steps = 7
    @Option(parsing: .upToNextOption, help: "Two test-image indices: interpolate between their mean codings.")
    var between: [Int] = []
    @Option(help: "The dataset folder (default: the run's).") var data: String?
    @Option(help: "The PNG file to write (default: interpolation.png in the run folder).") var out: String?

    func validate() throws {
        guard steps >= 2, steps <= 1000 else { throw ValidationError("--steps must be from 2 to 1000") }
        guard between.isEmpty || between.count == 2 else { throw ValidationError("--between takes two image indices") }
    }

    func run() throws {
        let folder = runOption.folder
        let (trained, configuration) = try CommandErrors.translating { try folder.loadTrainedModel(weights: runOption.weightsURL) }
        let url = out.map { URL(fileURLWithPath: $0) } ?? folder.file("interpolation.png")
        if between.isEmpty {
            guard let model = trained.continuousModel else {
                throw CommandFailure(description: "a VQ-VAE's codes are a grid of discrete symbols, with no latent axis to walk along; interpolate between two test images with --between I J")
            }
            guard axis >= 0, axis < configuration.model.codingSize else {
                throw CommandFailure(description: "--axis \(axis) is outside the \(configuration.model.codingSize) latent dimensions (0–\(configuration.model.codingSize - 1))")
            }
            try RunFigures.writeAxisInterpolation(model, axis: axis, from: from, to: to, steps: steps, to: url)
            Console.line("Wrote \(steps) images along axis \(axis) to \(url.path)")
            return
        }
        let test = try CommandErrors.translating {
            try RunData.trainingAndTest(of: configuration, run: folder, folder: data, training: false, observer: ConsoleObserver()).test
        }
        for index in between where index < 0 || index >= test.count {
            throw CommandFailure(description: "--between \(index) is not a test image index (0–\(test.count - 1))")
        }
        let pair = Matrix(rows: 2, columns: test.imageSize)
        test.fill(pair, with: between)
        // The first image, the path between, the second image.
        let strip = RunFigures.framed(trained.interpolated(between: pair, steps: steps), between: pair)
        try RunFigures.grid(for: configuration.model, columns: steps + 2).write(strip, to: url)
        Console.line("Wrote test image \(between[0]), \(steps) interpolated images and test image \(between[1]) to \(url.path)")
    }
}
