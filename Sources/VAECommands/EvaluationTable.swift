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
        let divergence = codebookUsage == nil ? "KL divergence" : prior == nil ? "KL to a uniform code prior" : "KL to the code prior"
        line(divergence + " (nats/image)", number(klDivergence))
        line("reconstruction, −log p(x|z) (nats/image)", number(reconstructionNats))
        line("−ELBO, a bound: −log p(x) ≤ it (nats/image)", number(negativeELBO))
        if let estimate = importanceWeighted {
            line("importance-weighted bound: −log p(x) ≤", String(format: "%.5f", estimate.negativeLogLikelihood)
                + "  (k = \(estimate.samples), \(estimate.images) images; their −ELBO \(String(format: "%.5f", estimate.negativeELBO)))")
        }
        if let constant = fixedVarianceConstant {
            line("  of which the fixed variance's constant", String(format: "%.1f", constant)
                + " (pixels × ½ ln π: the same for every model with this likelihood)")
        }
        if let measure = eightBitMeasure {
            line("bits per dimension, 8-bit pixels", bitsPerDimension.map { String(format: "%.3f", $0) } ?? "–")
            Console.line("  " + measure.explanation)
        }
        if let decoderScale {
            line("learned decoder σ", String(format: "%.4f", decoderScale)
                + String(format: " (weighs the KL as β = 2σ² = %.4f would the summed squared error)", 2 * decoderScale * decoderScale))
        }
        let through = codebookUsage == nil ? "mean coding" : "codes"
        line("squared error from \(through) (per image)", number(squaredErrorPerImage))
        line("squared error from \(through) (per pixel)", number(squaredErrorPerPixel))
        if let reconstructionSharpness {
            line("reconstructions' sharpness ÷ the images'", String(format: "%.3f", reconstructionSharpness.ratio)
                + " (high-frequency share; the decoder's ceiling)")
        }
        if let latentUsage {
            line("active latent units", "\(latentUsage.activeUnits) of \(latentUsage.divergencePerDimension.count)")
            line("KL per dimension (nats)", latentUsage.divergencePerDimension.map { String(format: "%.2f", $0) }.joined(separator: " "))
        }
        if let codebookUsage {
            line("codebook vectors used", "\(codebookUsage.codesUsed) of \(codebookUsage.codebookSize)"
                + String(format: " (perplexity %.1f)", codebookUsage.perplexity))
        }
        if let samplesNote { Console.line("Note: " + samplesNote) }
        guard let samples else { return }
        Console.line()
        Console.line("Against the test images".padding(toLength: 46, withPad: " ", startingAt: 0)
            + "samples (\(prior ?? ""))".padding(toLength: 24, withPad: " ", startingAt: 0) + "real (training images)")
        func row(_ name: String, _ value: (SampleQuality) -> String?) {
            line(name, (value(samples) ?? "–").padding(toLength: 24, withPad: " ", startingAt: 0) + (realData.flatMap(value) ?? "–"))
        }
        row("images") { "\($0.images)" }
        row("Fréchet distance (classifier features)") { $0.frechetDistance.map { String(format: "%.3f", $0) } }
        row("precision (look real)") { $0.precision.map { String(format: "%.3f", $0) } }
        if precisionAboveReal == true {
            Console.line("  The samples' precision is above the real images': saturation (samples crowd where real ones are")
            Console.line("  densest), not better quality; read it with recall and coverage.")
        }
        row("recall (cover the real variety)") { $0.recall.map { String(format: "%.3f", $0) } }
        row("density (≈ 1 when distributed as real)") { $0.density.map { String(format: "%.3f", $0) } }
        row("coverage") { $0.coverage.map { String(format: "%.3f", $0) } }
        row("class entropy (1 = all classes equally)") { $0.classEntropy.map { String(format: "%.3f", $0) } }
        row("classes seen") { quality in quality.classesSeen.map { "\($0) of \(quality.classCounts!.count)" } }
        row("sharpness, high-frequency share ÷ real") { quality in
            quality.sharpness.map { String(format: "%.3f", $0.ratio) + ($0.flaggedAsNoise ? " noise!" : "") }
        }
        row("mean gradient ÷ real (noise raises it too)") { String(format: "%.3f", $0.sharpnessRatio) }
        if samples.sharpness?.flaggedAsNoise == true {
            Console.line("  noise!: the samples hold more high-frequency power than real images; that is noise or artefacts, not detail.")
        }
        for (name, quality) in [("samples", samples), ("real", realData)] {
            guard let counts = quality?.classCounts else { continue }
            line("class histogram, \(name)", counts.map(String.init).joined(separator: " "))
        }
        if let classifierAccuracy {
            line("classifier test accuracy", String(format: "%.4f", classifierAccuracy))
        }
        if let classifierNote { Console.line("Note: " + classifierNote) }
        Console.line(String(format: "Evaluated in %.1fs.", seconds))
    }
}
