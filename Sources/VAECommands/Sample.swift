import ArgumentParser
import Foundation
import NumericCore
import VAE

/// `vae sample`: new images from random codings.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decode random codings into new images.")

    @OptionGroup var runOption: RunOption
    @Option(help: "How many images.") var count = 21
    @Option(help: "Images per row of the grid.") var columns = 7
    @Option(help: "The seed of the random codings.") var seed: UInt64 = 42
    @Option(help: """
        The distribution of the codings: gaussian N(0, I), uniform U(-1, 1), uniform-matched U(-√3, √3), \
        truncated (N(0, I) within ±2), gmm (a Gaussian mixture fitted to the training images' mean codings).
        """)
    var prior = Prior.gaussian
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
        let folder = RunFolder(path: runOption.run)
        let (model, configuration) = try folder.loadModel()
        let mixture = prior == .gmm ? try fittedMixture(model, configuration, folder) : nil
        let url = out.map { URL(fileURLWithPath: $0) } ?? folder.file("samples.png")
        try Figures.writeSamples(model, count: count, columns: columns, seed: seed, prior: prior, mixture: mixture, to: url)
        Console.line("Wrote \(count) samples to \(url.path)")
    }

    /// The run's mixture of this size, fitted once and kept in the run folder. It records
    /// which weights and data it was fitted to, and is fitted again when either changes.
    func fittedMixture(_ model: VariationalAutoencoder, _ configuration: RunConfiguration,
                       _ folder: RunFolder) throws -> GaussianMixture {
        let url = folder.file("gmm-\(components)-\(covariance.rawValue).json")
        let dataFolder = data ?? configuration.data
        let source = "weights \(try fingerprint(of: folder.weightsURL)), data \(dataFolder)"
        if FileManager.default.fileExists(atPath: url.path) {
            let mixture: GaussianMixture
            do {
                mixture = try JSONDecoder().decode(GaussianMixture.self, from: readFile(url))
                try mixture.validate()
            } catch {
                throw FileError(path: url.path, problem: "not a valid fitted mixture (\(error)); delete it to fit again")
            }
            guard mixture.dimension == configuration.model.codingSize, mixture.components == components else {
                throw FileError(path: url.path, problem: "does not fit this run's codings; delete it to fit again")
            }
            if mixture.source == source { return mixture }
            Console.line("The weights or data changed since \(url.lastPathComponent) was fitted; fitting again.")
        }
        let splits = try DataSplits.load(for: configuration, of: folder, override: dataFolder)
        Console.line("Fitting a \(components)-component Gaussian mixture (\(covariance.rawValue) covariance) to the mean codings of \(splits.training.count) training images…")
        let codings = model.meanCodings(of: splits.training, batchSize: 1000)
        var generator = SeededGenerator(seed: 0)
        var mixture = try GaussianMixture.fit(codings, components: components, covariance: covariance, generator: &generator)
        mixture.source = source
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(encoder.encode(mixture), to: url)
        Console.line(String(format: "Fitted in %d iterations, mean log-likelihood %.3f; kept in %@",
                            mixture.logLikelihoods.count, mixture.logLikelihoods.last ?? 0, url.path))
        return mixture
    }
}

/// FNV-1a over a file's bytes: enough to notice that a weights file changed.
func fingerprint(of url: URL) throws -> String {
    String(Fingerprint.fnv1a(try readFile(url)), radix: 16)
}

extension GaussianMixture.Covariance: ExpressibleByArgument {}
