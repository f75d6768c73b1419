import Evaluation
import Foundation
import VAE

/// What `vae evaluate` reports: `--json` writes it as it is, otherwise a table.
struct EvaluationReport: Codable {
    var images: Int
    /// The loss in the units training reports (the book's: MSE per pixel + KL / 784).
    var loss: Float
    var reconstruction: Float
    var latent: Float
    /// KL divergence from the encoder's distribution to N(0, I), nats per image.
    var klDivergence: Float
    /// The reconstruction term as a negative log-likelihood, nats per image.
    var reconstructionNats: Float
    /// −ELBO = reconstruction (nats) + KL: an upper bound on −log p(x), nats per image.
    var negativeELBO: Float
    /// Σ over pixels of the squared error of the reconstruction from the mean coding, per image.
    var squaredErrorPerImage: Float
    var squaredErrorPerPixel: Float
    /// The importance-weighted estimate of −log p(x), nats per image (nil when skipped).
    var importanceWeighted: LikelihoodEstimate?
    /// KL per latent dimension and the number of active units.
    var latentUsage: LatentUsage
    /// The prior the samples' codings were drawn from.
    var prior: String?
    /// Generated images measured against the test images.
    var samples: SampleQuality?
    /// Training images measured against the test images: what real images score.
    var realData: SampleQuality?
    /// The classifier's test accuracy, as recorded with its weights.
    var classifierAccuracy: Double?
    /// Why the classifier's measures are missing, when they are.
    var classifierNote: String?
    /// How long the whole evaluation took.
    var seconds: Double = 0

    func printTable(run: String) {
        func line(_ name: String, _ value: String) {
            Console.line(name.padding(toLength: 46, withPad: " ", startingAt: 0) + value)
        }
        func number(_ value: Float) -> String { String(format: "%.5f", value) }
        Console.line("Test set: \(images) images, run \(run)")
        line("loss (training units)", number(loss))
        line("  reconstruction", number(reconstruction))
        line("  latent", number(latent))
        line("KL divergence (nats/image)", number(klDivergence))
        line("reconstruction, −log p(x|z) (nats/image)", number(reconstructionNats))
        line("−ELBO (nats/image)", number(negativeELBO))
        if let estimate = importanceWeighted {
            line("−log p(x), importance-weighted (nats/image)", String(format: "%.5f", estimate.negativeLogLikelihood)
                + "  (k = \(estimate.samples), \(estimate.images) images; their −ELBO \(String(format: "%.5f", estimate.negativeELBO)))")
        }
        line("squared error from mean coding (per image)", number(squaredErrorPerImage))
        line("squared error from mean coding (per pixel)", number(squaredErrorPerPixel))
        line("active latent units", "\(latentUsage.activeUnits) of \(latentUsage.divergencePerDimension.count)")
        line("KL per dimension (nats)", latentUsage.divergencePerDimension.map { String(format: "%.2f", $0) }.joined(separator: " "))
        guard let samples else { return }
        Console.line()
        Console.line("Against the test images".padding(toLength: 46, withPad: " ", startingAt: 0)
            + "samples (\(prior ?? ""))".padding(toLength: 22, withPad: " ", startingAt: 0) + "real (training images)")
        func row(_ name: String, _ value: (SampleQuality) -> String?) {
            line(name, (value(samples) ?? "–").padding(toLength: 22, withPad: " ", startingAt: 0) + (realData.flatMap(value) ?? "–"))
        }
        row("images") { "\($0.images)" }
        row("Fréchet distance (classifier features)") { $0.frechetDistance.map { String(format: "%.3f", $0) } }
        row("precision (look real)") { $0.precision.map { String(format: "%.3f", $0) } }
        row("recall (cover the real variety)") { $0.recall.map { String(format: "%.3f", $0) } }
        row("density (≈ 1 when distributed as real)") { $0.density.map { String(format: "%.3f", $0) } }
        row("coverage") { $0.coverage.map { String(format: "%.3f", $0) } }
        row("class entropy (1 = all classes equally)") { $0.classEntropy.map { String(format: "%.3f", $0) } }
        row("classes seen") { quality in quality.classesSeen.map { "\($0) of \(quality.classCounts!.count)" } }
        row("sharpness (1 = as sharp as real)") { String(format: "%.3f", $0.sharpnessRatio) }
        if let classifierAccuracy {
            line("classifier test accuracy", String(format: "%.4f", classifierAccuracy))
        }
        if let classifierNote { Console.line("Note: " + classifierNote) }
        Console.line(String(format: "Evaluated in %.1fs.", seconds))
    }
}
