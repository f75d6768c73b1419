import Foundation
import NumericCore
import Testing
import TestSupport
@testable import VAE

/// The total loss's gradient with respect to every parameter, against finite differences,
/// for each likelihood and a range of β.
@Suite struct GradientTests {
    static let cases: [(Likelihood, Float)] = [(.mse, 1), (.mse, 0), (.mse, 3.5), (.bernoulli, 1), (.gaussian, 1)]

    @Test(arguments: 0..<cases.count)
    func totalLossGradientMatchesFiniteDifferences(caseIndex: Int) throws {
        let (likelihood, beta) = Self.cases[caseIndex]
        let configuration = ModelConfiguration(imageHeight: 3, imageWidth: 4, codingSize: 3, hidden: [8, 6],
                                               activation: .tanh, likelihood: likelihood, beta: beta)
        var generator = SeededGenerator(seed: 7)
        let model = try VariationalAutoencoder(configuration, generator: &generator)
        let images = randomMatrix(5, 12, in: 0...1, seed: 11)
        let noise = Matrix(rows: 5, columns: 3)
        noise.fillNormal(using: &generator)

        model.computeGradients(images: images, noise: noise)
        let analytic = model.parameters.map(\.gradient.values)
        let numeric = numericalGradients(of: model.parameters.map(\.value)) {
            Double(model.loss(images: images, noise: noise).total)
        }
        for (index, parameter) in model.parameters.enumerated() {
            let error = relativeError(analytic[index], numeric[index], floor: 1e-4)
            #expect(error < 2e-2, "\(likelihood) β=\(beta) \(parameter.name): relative error \(error)")
        }
    }

    @Test func reluModelGradientMatchesFiniteDifferences() throws {
        // The book's activation, where kinks make the check a little noisier.
        let configuration = ModelConfiguration(imageHeight: 4, imageWidth: 4, codingSize: 2, hidden: [10, 7])
        var generator = SeededGenerator(seed: 3)
        let model = try VariationalAutoencoder(configuration, generator: &generator)
        let images = randomMatrix(6, 16, in: 0...1, seed: 5)
        let noise = Matrix(rows: 6, columns: 2)
        noise.fillNormal(using: &generator)
        model.computeGradients(images: images, noise: noise)
        let analytic = model.parameters.map(\.gradient.values)
        let numeric = numericalGradients(of: model.parameters.map(\.value), step: 5e-4) {
            Double(model.loss(images: images, noise: noise).total)
        }
        for (index, parameter) in model.parameters.enumerated() {
            let error = relativeError(analytic[index], numeric[index], floor: 1e-4)
            #expect(error < 3e-2, "\(parameter.name): relative error \(error)")
        }
    }

    @Test func latentLossIsZeroAtThePriorAndPositiveElsewhere() {
        let mean = Matrix(rows: 2, columns: 3)
        let logVariance = Matrix(rows: 2, columns: 3)
        #expect(LatentLoss.value(mean: mean, logVariance: logVariance) == 0)
        mean[0, 1] = 2  // KL of N(2, 1) from N(0, 1) is 2² / 2 = 2 nats; averaged over 2 rows: 1
        #expect(abs(LatentLoss.value(mean: mean, logVariance: logVariance) - 1) < 1e-6)
        logVariance[1, 2] = 1  // −½(1 + 1 − e) ≈ 0.359
        #expect(abs(LatentLoss.value(mean: mean, logVariance: logVariance) - (1 + 0.5 * (Float.exp1 - 2) / 2)) < 1e-6)
    }

    @Test func latentLossGradientMatchesFiniteDifferences() {
        let mean = randomMatrix(4, 5, seed: 1)
        let logVariance = randomMatrix(4, 5, seed: 2)
        let meanGradient = Matrix(rows: 4, columns: 5)
        let logVarianceGradient = Matrix(rows: 4, columns: 5)
        LatentLoss.addGradient(mean: mean, logVariance: logVariance, weight: 0.7,
                               meanGradient: meanGradient, logVarianceGradient: logVarianceGradient)
        let numeric = numericalGradients(of: [mean, logVariance]) {
            0.7 * Double(LatentLoss.value(mean: mean, logVariance: logVariance))
        }
        #expect(relativeError(meanGradient.values, numeric[0]) < 1e-2)
        #expect(relativeError(logVarianceGradient.values, numeric[1]) < 1e-2)
    }

    @Test(arguments: Likelihood.allCases)
    func reconstructionLossGradientMatchesFiniteDifferences(likelihood: Likelihood) {
        let loss = ReconstructionLoss(likelihood, imageSize: 6)
        let output = randomMatrix(3, loss.outputSize, in: 0.1...0.9, seed: 4)
        let target = randomMatrix(3, 6, in: 0...1, seed: 5)
        // The logistic scores 8-bit levels, the lowest and highest among them.
        if likelihood == .logistic {
            for i in 0..<target.count { target.base[i] = (target.base[i] * 255).rounded() / 255 }
            target.base[0] = 0
            target.base[1] = 1
        }
        let gradient = Matrix(rows: 3, columns: loss.outputSize)
        _ = loss.evaluate(output: output, target: target, gradient: gradient)
        // The logistic's broad scales make its loss flat: a wider step keeps the difference
        // above the loss's rounding.
        let numeric = numericalGradients(of: [output], step: likelihood == .logistic ? 1e-2 : 1e-3) {
            Double(loss.evaluate(output: output, target: target, gradient: nil))
        }
        #expect(relativeError(gradient.values, numeric[0]) < 1e-2)
    }
}

extension Float {
    static let exp1: Float = 2.718281828
}

@Suite struct LikelihoodUnitsTests {
    /// The book's loss in nats: per pixel, (x − μ)² + ½ log π is −log N(x; μ, ½).
    @Test func meanSquaredErrorIsAGaussianWithVarianceOneHalf() {
        let loss = ReconstructionLoss(.mse, imageSize: 4)
        let output = Matrix(rows: 1, columns: 4, values: [0.1, 0.5, 0.9, 0.3])
        let target = Matrix(rows: 1, columns: 4, values: [0.0, 0.7, 1.0, 0.3])
        let mse = loss.evaluate(output: output, target: target, gradient: nil)
        var nats = 0.0
        for (mu, x) in zip(output.values, target.values) {
            let variance = 0.5
            nats += 0.5 * log(2 * Double.pi * variance) + Double((x - mu) * (x - mu)) / (2 * variance)
        }
        #expect(abs(Double(loss.nats(mse)) - nats) < 1e-5)
        #expect(ReconstructionLoss(.bernoulli, imageSize: 4).nats(3.5) == 3.5)
    }
}

@Suite struct SaturationTests {
    /// Confidently wrong pixels must still learn: the Bernoulli gradient from logits is
    /// σ(z) − x, not a product that underflows where the sigmoid saturates.
    @Test func bernoulliGradientSurvivesSaturatedLogits() {
        let loss = ReconstructionLoss(.bernoulli, imageSize: 2)
        let logits = Matrix(rows: 1, columns: 2, values: [20, -30])
        let target = Matrix(rows: 1, columns: 2, values: [0, 1])
        let gradient = Matrix(rows: 1, columns: 2)
        let value = loss.evaluate(output: logits, target: target, gradient: gradient)
        #expect(abs(value - 50) < 1e-3)  // −log(1 − σ(20)) − log σ(−30) ≈ 20 + 30
        #expect(abs(gradient[0, 0] - 1) < 1e-6 && abs(gradient[0, 1] + 1) < 1e-6)
    }
}

@Suite struct TrainerStateTests {
    @Test func damagedStatesAreRecognised() {
        let generator = SeededGenerator(seed: 1)
        var state = TrainerState(history: [], generator: generator, validationGenerator: generator, epochInProgress: nil)
        #expect(state.problem(trainingImages: 10, stepsPerEpoch: 3) == nil)
        state.epochInProgress = EpochInProgress(stepsDone: 5, order: Array(0..<10), average: LossAverage(), seconds: 1)
        #expect(state.problem(trainingImages: 10, stepsPerEpoch: 3) != nil)
        state.epochInProgress = EpochInProgress(stepsDone: 1, order: [0, 0, 1, 2, 3, 4, 5, 6, 7, 8], average: LossAverage(), seconds: 1)
        #expect(state.problem(trainingImages: 10, stepsPerEpoch: 3) != nil)
        state.epochInProgress = EpochInProgress(stepsDone: 1, order: Array((0..<10).reversed()), average: LossAverage(), seconds: 1)
        #expect(state.problem(trainingImages: 10, stepsPerEpoch: 3) == nil)
    }
}
