import Foundation
import Runs
import VAE

/// The `gmm` prior for an explorer: the mixture the run keeps, when it has a current one,
/// or one fitted in memory on a background thread to the mean codings of (at most
/// `trainingImages` of) the run's training images, never written to the run folder.
final class MixtureInBackground: @unchecked Sendable {
    static let trainingImages = 10_000
    static let components = 10
    private var state: Result<GaussianMixture, ExplorerError>?
    private let lock = NSLock()

    init(model: VariationalAutoencoder, folder: RunFolder, configuration: RunConfiguration) {
        if let kept = try? MixturePrior.kept(in: folder, weights: folder.weightsURL, configuration,
                                             components: Self.components, covariance: .full) {
            state = .success(kept)
            return
        }
        // The fit reads the weights through a copy of its own, so requests can go on.
        let copy = Unshared(model.replica())
        Thread.detachNewThread { [self] in
            let result: Result<GaussianMixture, ExplorerError>
            do {
                let training = try RunData.load(for: configuration, of: folder).training.prefix(Self.trainingImages)
                result = .success(try MixturePrior.fit(to: copy.value, images: training, components: Self.components, covariance: .full))
            } catch {
                result = .failure(.failed("the mixture could not be fitted: \(error)"))
            }
            lock.withLock { state = result }
        }
    }

    /// The mixture, or why it is not there yet.
    func ready() throws(ExplorerError) -> GaussianMixture {
        switch lock.withLock({ state }) {
        case .success(let mixture): return mixture
        case .failure(let error): throw error
        case nil: throw .notReady("the mixture prior is still being fitted to the training codings; try again in a few seconds")
        }
    }
}

/// A value handed to one other thread, which alone uses it from then on.
struct Unshared<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
