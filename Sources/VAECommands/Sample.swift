import ArgumentParser
import Foundation
import NumericCore
import Runs
import VAE

/// `vae sample`: new images from random codings.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode random codings into new images.",
        discussion: "A VQ-VAE's codes are drawn from its PixelCNN prior, position after position; --prior and the gmm options apply to a VAE.")

    @OptionGroup var runOption: RunOption
    @Option(help: "How many images.") var count = 21
    @Option(help: "Images per row of the grid.") var columns = 7
    @Option(help: "The seed of the random codings.") var seed: UInt64 = 42
    @Option(help: """
        The distribution of the codings: gaussian N(0, I), uniform U(-1, 1), uniform-matched U(-√3, √3), \
        truncated (N(0, I) within ±2), gmm (a Gaussian mixture fitted to the training images' mean codings).
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
        let (trained, configuration) = try CommandErrors.translating { try folder.loadTrainedModel(weights: runOption.weightsURL) }
        let url = out.map { URL(fileURLWithPath: $0) } ?? folder.file("samples.png")
        let model: VariationalAutoencoder
        switch trained {
        case .vae(let vae):
            model = vae
        case .vqVAE(let vq, let codePrior):
            if let prior { throw CommandFailure(description: "--prior \(prior.rawValue) applies to a VAE's codings; a VQ-VAE samples from its own code prior") }
            guard let codePrior else {
                throw CommandFailure(description: "\(folder.url.path) has no trained code prior yet; train it with: vae train --resume \(folder.url.path) --prior-epochs 10")
            }
            try RunFigures.writeSamples(vq, prior: codePrior, count: count, columns: columns, seed: seed, to: url)
            Console.line("Wrote \(count) samples from the code prior to \(url.path)")
            return
        }
        let prior = prior ?? .gaussian
        let mixture = prior == .gmm
            ? try CommandErrors.translating {
                try MixturePrior.fitted(to: model, of: folder, weights: runOption.weightsURL, configuration, components: components,
                                        covariance: covariance, dataFolder: data, observer: ConsoleObserver())
            }
            : nil
        try RunFigures.writeSamples(model, count: count, columns: columns, seed: seed, prior: prior, mixture: mixture, to: url)
        Console.line("Wrote \(count) samples to \(url.path)")
    }
}

extension GaussianMixture.Covariance: ExpressibleByArgument {}
