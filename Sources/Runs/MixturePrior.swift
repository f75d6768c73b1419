import Foundation
import NumericCore
import Storage
import VAE

/// The `gmm` prior: a Gaussian mixture fitted to the mean codings of a run's training
/// images, fitted once and kept in the run folder for every tool that draws codings.
public enum MixturePrior {
    /// The run's mixture of this size (one per weights file). It records which weights and
    /// data it was fitted to, and is fitted again when either changes.
    public static func fitted(to model: VariationalAutoencoder, of folder: RunFolder, weights: URL,
                              _ configuration: RunConfiguration, components: Int, covariance: GaussianMixture.Covariance,
                              dataFolder: String? = nil, observer: RunObserver? = nil) throws -> GaussianMixture {
        let stem = weights.deletingPathExtension().lastPathComponent
        let url = folder.file("gmm-\(components)-\(covariance.rawValue)\(stem == "model" ? "" : "-" + stem).json")
        let dataFolder = dataFolder ?? configuration.data.folder
        let source = "weights \(try fingerprint(of: weights)), data \(dataFolder)"
        if FileManager.default.fileExists(atPath: url.path) {
            let mixture = try read(url)
            guard mixture.dimension == configuration.model.codingSize, mixture.components == components else {
                throw FileError(path: url.path, problem: "does not fit this run's codings; delete it to fit again")
            }
            if mixture.source == source { return mixture }
            observer?.note("The weights or data changed since \(url.lastPathComponent) was fitted; fitting again.")
        }
        let data = try RunData.load(for: configuration, of: folder, folder: dataFolder, observer: observer)
        observer?.note("Fitting a \(components)-component Gaussian mixture (\(covariance.rawValue) covariance) to the mean codings of \(data.training.count) training images…")
        let codings = model.meanCodings(of: data.training, batchSize: 1000)
        var generator = SeededGenerator(seed: 0)
        var mixture = try GaussianMixture.fit(codings, components: components, covariance: covariance, generator: &generator)
        mixture.source = source
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(encoder.encode(mixture), to: url)
        observer?.note(String(format: "Fitted in %d iterations, mean log-likelihood %.3f; kept in %@",
                              mixture.logLikelihoods.count, mixture.logLikelihoods.last ?? 0, url.path))
        return mixture
    }

    /// A kept mixture, checked.
    public static func read(_ url: URL) throws -> GaussianMixture {
        do {
            let mixture = try JSONDecoder().decode(GaussianMixture.self, from: readFile(url))
            try mixture.validate()
            return mixture
        } catch {
            throw FileError(path: url.path, problem: "not a valid fitted mixture (\(error)); delete it to fit again")
        }
    }

    /// FNV-1a over a file's bytes: enough to notice that a weights file changed.
    static func fingerprint(of url: URL) throws -> String {
        String(Fingerprint.fnv1a(try readFile(url)), radix: 16)
    }
}
