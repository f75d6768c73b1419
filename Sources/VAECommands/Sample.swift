import ArgumentParser
import Foundation
import NumericCore
import Runs
import VAE

/// `vae sample`: new images from random codings.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode random codings into new images.",
        discussion: "Each family samples through its own prior unless --prior names another: vae from N(0, I), rae through a fitted mixture, two-stage through its second VAE, vq-vae from its PixelCNN over the codes (position after position).")

    @OptionGroup var runOption: RunOption
    @Option(help: "How many images.") var count = 21
    @Option(help: "Images per row of the grid.") var columns = 7
    @Option(help: "The seed of the random codings.") var seed: UInt64 = 42
    @Option(help: """
        The distribution of the codings: gaussian N(0, I), uniform U(-1, 1), uniform-matched U(-√3, √3), \
        truncated (N(0, I) within ±2), gmm (a Gaussian mixture fitted to the training images' mean codings), \
        second-stage (a two-stage run's second VAE), pixelcnn (a VQ-VAE's code prior). Default: the run's family's.
        """)
    var prior: Prior?
    @Option(help: "Components of the gmm prior.") var components = 10
    @Option(help: "Covariance of the gmm prior's components: full or diagonal.") var covariance = GaussianMixture.Covariance.full
    @Option(help: "The dataset folder to fit the gmm prior on (default: the run's).") var data: String?
    @Option(help: "The PNG file to write (default: samples.png in the run folder).") var out: String?

    func validate() throws {
        guard count > 0, count <= 100_000 else { throw ValidationError("--count must be from 1 to 100000") }
        guard columns > 0, columns <= 1000 else { throw ValidationError("--columns must be from 1 to 1000") }
        guard components > 0, components <= 1000 else { throw ValidationError("--components must be from 1 to 1000") }
    }

    func run() throws {
        let folder = runOption.folder
        let images = try CommandErrors.translating {
            let (trained, configuration) = try folder.loadTrainedModel(weights: runOption.weightsURL)
            let images: Matrix
            do {
                images = try RunSampling.samples(trained, of: folder, configuration: configuration, weights: runOption.weightsURL,
                                                 prior: prior, count: count, seed: seed, components: components,
                                                 covariance: covariance, dataFolder: data, observer: ConsoleObserver())
            } catch SamplingError.noPriorYet(let family) {
                throw CommandFailure(description: "\(SamplingError.noPriorYet(family)); train it with: vae train --resume \(folder.url.path) --prior-epochs 10")
            }
            return (images, configuration)
        }
        let url = out.map { URL(fileURLWithPath: $0) } ?? folder.file("samples.png")
        try RunFigures.writeGrid(images.0, configuration: images.1.model, columns: columns, to: url)
        Console.line("Wrote \(count) samples\(prior == nil ? "" : " from the \(prior!.rawValue) prior") to \(url.path)")
    }
}

extension GaussianMixture.Covariance: ExpressibleByArgument {}
