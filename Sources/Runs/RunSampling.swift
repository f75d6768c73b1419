import Foundation
import NumericCore
import VAE

/// New images from a trained run, through the prior its family samples with or another.
public enum RunSampling {
    /// `count` images through `prior` (nil: the family's own, `ModelFamily.defaultPrior`);
    /// a fitted mixture is fitted once and kept in the run folder (`MixturePrior`).
    public static func samples(_ trained: TrainedModel, of folder: RunFolder, configuration: RunConfiguration, weights: URL,
                               prior: Prior?, count: Int, seed: UInt64, components: Int = 10,
                               covariance: GaussianMixture.Covariance = .full, dataFolder: String? = nil,
                               observer: RunObserver? = nil) throws -> Matrix {
        let family = configuration.model.family
        let prior = prior ?? family.defaultPrior
        let mixture = prior == .gmm
            ? try trained.continuousModel.map {
                try MixturePrior.fitted(to: $0, of: folder, weights: weights, configuration, components: components,
                                        covariance: covariance, dataFolder: dataFolder, observer: observer)
            }
            : nil
        var generator = SeededGenerator(seed: seed)
        return try samples(trained, family: family, prior: prior, count: count, mixture: mixture, generator: &generator)
    }

    /// `count` images through `prior`, with `mixture` for the `gmm` prior (which it then
    /// requires): the drawing alone, for a caller that holds its mixture itself.
    public static func samples(_ trained: TrainedModel, family: ModelFamily, prior: Prior, count: Int,
                               mixture: GaussianMixture?, generator: inout SeededGenerator) throws(SamplingError) -> Matrix {
        let model: VariationalAutoencoder, second: VariationalAutoencoder?
        switch trained {
        case .vqVAE(let vq, let codePrior):
            guard prior == .codePrior else { throw .priorDoesNotApply(prior, family) }
            guard let codePrior else { throw .noPriorYet(family) }
            let codes = codePrior.sample(count: count, codebook: vq.quantizer.codebook.value, generator: &generator)
            return vq.decoded(codes: codes, images: count)
        case .vae(let vae):
            (model, second) = (vae, nil)
        case .twoStage(let vae, let secondStage):
            (model, second) = (vae, secondStage)
        }
        switch prior {
        case .codePrior: throw .priorDoesNotApply(prior, family)
        case .secondStage where family != .twoStage: throw .priorDoesNotApply(prior, family)
        case .secondStage where second == nil: throw .noPriorYet(family)
        default: break
        }
        let codings = Codings.random(count: count, size: model.configuration.codingSize, prior: prior, mixture: mixture,
                                     secondStage: second, generator: &generator)
        return model.decoded(codings)
    }
}

/// Why a run cannot be sampled as asked.
public enum SamplingError: Error, CustomStringConvertible, Equatable {
    /// The family samples through a model trained after the first, and none is trained yet.
    case noPriorYet(ModelFamily)
    /// The prior belongs to another family.
    case priorDoesNotApply(Prior, ModelFamily)

    public var description: String {
        switch self {
        case .noPriorYet(let family):
            "this \(family.rawValue) run has no trained \(family == .vqVAE ? "code prior" : "second stage") yet"
        case let .priorDoesNotApply(prior, family):
            "the \(prior.rawValue) prior does not apply to a \(family.rawValue) run, which samples through \(family.defaultPrior.rawValue)"
                + (family == .vqVAE ? " (its codes are discrete)" : "")
        }
    }
}
