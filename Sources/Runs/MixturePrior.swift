import Datasets
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
        let url = keptURL(of: folder, weights: weights, components: components, covariance: covariance)
        let dataFolder = dataFolder ?? configuration.data.folder
        let source = try self.source(weights: weights, dataFolder: dataFolder)
        if let mixture = try kept(at: url, configuration, components: components), mixture.source == source {
            return mixture
        } else if FileManager.default.fileExists(atPath: url.path) {
            observer?.note("The weights or data changed since \(url.lastPathComponent) was fitted; fitting again.")
        }
        let data = try RunData.load(for: configuration, of: folder, folder: dataFolder, observer: observer)
        observer?.note("Fitting a \(components)-component Gaussian mixture (\(covariance.rawValue) covariance) to the mean codings of \(data.training.count) training images…")
        var mixture = try fit(to: model, images: data.training, components: components, covariance: covariance)
        mixture.source = source
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(encoder.encode(mixture), to: url)
        observer?.note(String(format: "Fitted in %d iterations, mean log-likelihood %.3f; kept in %@",
                              mixture.logLikelihoods.count, mixture.logLikelihoods.last ?? 0, url.path))
        return mixture
    }

    /// The mixture kept in the run folder for these weights and the run's own data, when
    /// there is one and it is current; nil otherwise. Reads only.
    public static func kept(in folder: RunFolder, weights: URL, _ configuration: RunConfiguration, components: Int,
                            covariance: GaussianMixture.Covariance) throws -> GaussianMixture? {
        let url = keptURL(of: folder, weights: weights, components: components, covariance: covariance)
        guard let mixture = try kept(at: url, configuration, components: components),
              mixture.source == (try source(weights: weights, dataFolder: configuration.data.folder)) else { return nil }
        return mixture
    }

    /// A mixture fitted to the mean codings of `images`, in memory (seed 0, as every fit).
    public static func fit(to model: VariationalAutoencoder, images: ImageDataset, components: Int,
                           covariance: GaussianMixture.Covariance) throws -> GaussianMixture {
        let codings = model.meanCodings(of: images, batchSize: 1000)
        var generator = SeededGenerator(seed: 0)
        return try GaussianMixture.fit(codings, components: components, covariance: covariance, generator: &generator)
    }

    private static func keptURL(of folder: RunFolder, weights: URL, components: Int, covariance: GaussianMixture.Covariance) -> URL {
        let stem = weights.deletingPathExtension().lastPathComponent
        return folder.file("gmm-\(components)-\(covariance.rawValue)\(stem == "model" ? "" : "-" + stem).json")
    }

    private static func source(weights: URL, dataFolder: String) throws -> String {
        "weights \(try fingerprint(of: weights)), data \(dataFolder)"
    }

    /// The mixture at `url` if there is one, checked against the run's codings.
    private static func kept(at url: URL, _ configuration: RunConfiguration, components: Int) throws -> GaussianMixture? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let mixture = try read(url)
        guard mixture.dimension == configuration.model.codingSize, mixture.components == components else {
            throw FileError(path: url.path, problem: "does not fit this run's codings; delete it to fit again")
        }
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
