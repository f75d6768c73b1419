import Datasets
import Foundation
import NumericCore
import Testing
import TestSupport
@testable import VAE

/// The importance-weighted bound and the latent-usage figures of `vae evaluate`.
@Suite struct LikelihoodEstimateTests {
    /// A small model trained briefly on synthetic 8 × 8 images, for each likelihood.
    static func trainedModel(_ likelihood: Likelihood) throws -> (VariationalAutoencoder, ImageDataset) {
        let folder = try IDXFiles.makeDataset(train: 600, test: 60, side: 8)
        let training = try MNISTFormat.load(.train, from: folder)
        let test = try MNISTFormat.load(.test, from: folder)
        let configuration = ModelConfiguration(imageHeight: 8, imageWidth: 8, codingSize: 4, hidden: [32],
                                               likelihood: likelihood)
        var generator = SeededGenerator(seed: 3)
        let model = try VariationalAutoencoder(configuration, generator: &generator)
        let trainer = try Trainer(model: model, training: training, validation: test,
                              options: TrainingOptions(epochs: 6, batchSize: 32), generator: generator)
        for _ in 0..<6 { try trainer.trainEpoch() }
        return (model, test)
    }

    @Test(arguments: Likelihood.allCases)
    func theBoundTightensWithMoreSamplesAndMatchesTheELBO(likelihood: Likelihood) throws {
        let (model, test) = try Self.trainedModel(likelihood)
        var generator = SeededGenerator(seed: 11)
        let one = model.importanceWeightedBound(on: test, samples: 1, generator: &generator)
        let ten = model.importanceWeightedBound(on: test, samples: 10, generator: &generator)
        let many = model.importanceWeightedBound(on: test, samples: 300, batchSize: 128, generator: &generator)
        // With one sample the bound is that sample's ELBO.
        #expect(abs(one.negativeLogLikelihood - one.negativeELBO) < 1e-9 * max(1, abs(one.negativeELBO)))
        // Each estimate is below its own −ELBO, and more samples tighten it.
        #expect(many.negativeLogLikelihood <= many.negativeELBO)
        #expect(ten.negativeLogLikelihood < ten.negativeELBO)
        // In expectation the bound never loosens as k grows; on 60 images the noise can exceed
        // the gain where q(z | x) is already close to the posterior (the book's loss weighs
        // the KL by 1/784, which makes it so), hence a small allowance.
        #expect(many.negativeLogLikelihood < ten.negativeLogLikelihood + 1e-3 * abs(ten.negativeLogLikelihood),
                "\(likelihood): k=10 \(ten), k=300 \(many)")
        if likelihood == .bernoulli {
            #expect(many.negativeLogLikelihood < ten.negativeLogLikelihood - 0.05, "k=10 \(ten), k=300 \(many)")
        }
        #expect(ten.negativeLogLikelihood < one.negativeLogLikelihood + 0.05 * abs(one.negativeLogLikelihood))

        // The mean log weight estimates the same −ELBO that the loss computes with the KL in
        // closed form: reconstruction (nats) + KL, averaged over sampled codings.
        var lossGenerator = SeededGenerator(seed: 12)
        var total = 0.0
        for _ in 0..<20 {
            let loss = model.averageLoss(on: test, batchSize: 60, generator: &lossGenerator)
            total += Double(model.reconstructionLoss.nats(loss.reconstruction) + loss.divergence)
        }
        let closedForm = total / 20
        #expect(abs(many.negativeELBO - closedForm) < 0.01 * abs(closedForm) + 0.2,
                "\(likelihood): sampled −ELBO \(many.negativeELBO), closed-form KL \(closedForm)")
    }

    @Test func activeUnitsCountTheDimensionsThatCarryInformation() throws {
        let (model, test) = try Self.trainedModel(.bernoulli)
        let usage = model.latentUsage(on: test, batchSize: 25)
        #expect(usage.divergencePerDimension.count == 4 && usage.activeUnits >= 1)
        // The KL per dimension sums to the model's KL divergence on the same images.
        var generator = SeededGenerator(seed: 1)
        let divergence = model.averageLoss(on: test, batchSize: 60, generator: &generator).divergence
        #expect(abs(usage.divergencePerDimension.reduce(0, +) - divergence) < 1e-3 * divergence)
        // A dimension whose mean coding is forced to 0 stops being active: its head's weights and bias zeroed.
        let head = model.encoder.mean
        let before = usage.activeUnits
        let inputs = head.kernel.value.rows
        for row in 0..<inputs { head.kernel.value[row, 0] = 0 }
        head.bias.value[0, 0] = 0
        let after = model.latentUsage(on: test, batchSize: 25)
        #expect(after.meanVariancePerDimension[0] == 0)
        #expect(after.activeUnits == before - (usage.meanVariancePerDimension[0] > LatentUsage.activeThreshold ? 1 : 0))
    }
}
