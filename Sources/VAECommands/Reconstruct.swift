import ArgumentParser
import Foundation
import NumericCore
import Runs
import VAE

/// `vae reconstruct`: test images above, their reconstructions below.
struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show test images above their reconstructions from the mean coding (a VQ-VAE: from their codes).")

    @OptionGroup var runOption: RunOption
    @Option(help: "How many test images.") var count = 10
    @Option(help: "The first test image.") var start = 0
    @Option(help: "The dataset folder (default: the run's).") var data: String?
    @Option(help: "The PNG file to write (default: reconstructions.png in the run folder).") var out: String?

    func validate() throws {
        guard count > 0, count <= 1000 else { throw ValidationError("--count must be from 1 to 1000") }
    }

    func run() throws {
        let folder = runOption.folder
        let (model, configuration) = try CommandErrors.translating { try folder.loadTrainedModel(weights: runOption.weightsURL) }
        let test = try CommandErrors.translating {
            try RunData.trainingAndTest(of: configuration, run: folder, folder: data, training: false, observer: ConsoleObserver()).test
        }
        guard start >= 0, start <= test.count, count <= test.count - start else {
            throw CommandFailure(description: "--start \(start) --count \(count) goes beyond the \(test.count) test images")
        }
        let originals = test.matrix(start..<(start + count))
        let url = out.map { URL(fileURLWithPath: $0) } ?? folder.file("reconstructions.png")
        try RunFigures.writeReconstructions(originals: originals, reconstructions: model.reconstructed(originals),
                                            configuration: configuration.model, to: url)
        Console.line("Wrote \(count) test images and their reconstructions to \(url.path)")
    }
}
