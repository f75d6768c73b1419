import Evaluation
import Foundation
import Runs

/// `vae evaluate`'s table: every measure of a report with its name and units.
extension EvaluationReport {
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
