import Evaluation
import Foundation
import Runs
import VAE
import Visualization

extension StudyReport {
    /// Question 4: ideas for sharper samples, each against the book's model, then the
    /// families built for it, then rate against distortion across every model of the study.
    mutating func sharpness() throws {
        report.section("4. Less blurry samples?")
        let epoch = plan.standardEpochs
        let ideas: [(name: String, model: String, epoch: Int, prior: Prior, seeds: [UInt64])] = [
            ("the book's VAE", StudyPlan.book, epoch, .gaussian, seeds),
            ("Bernoulli likelihood", "bernoulli", epoch, .gaussian, seeds),
            ("learned decoder variance", "gaussian", epoch, .gaussian, seeds),
            ("β = 0.5", StudyPlan.betaName(0.5), epoch, .gaussian, seeds),
            ("coding size 32", "coding-32", epoch, .gaussian, seeds),
            ("book, fitted mixture", StudyPlan.book, epoch, .gmm, seeds),
            ("regularised autoencoder (β = 0, fitted mixture)", StudyPlan.betaName(0), epoch, .gmm, seeds),
            ("convolutional, learned variance", "two-stage", plan.twoStageEpochs.first, .gaussian, seeds),
            ("convolutional, learned variance, fitted mixture", "two-stage", plan.twoStageEpochs.first, .gmm, seeds),
            ("two-stage VAE (the convolutional one + a second VAE)", "two-stage", plan.twoStageEpochs.first, .secondStage, seeds),
            ("VQ-VAE, PixelCNN prior", "vq-vae", plan.vectorQuantizedEpochs.autoencoder, .codePrior, seeds),
        ]
        let recommended = ModelFamily.vqVAE.recommendedPriorEpochs ?? 0
        let fewer = ideas.filter { $0.seeds.count < seeds.count }.map(\.name)
        report.paragraph("Each idea changes one thing in the book's model, all trained for \(epoch) epochs on the same seeds. "
            + "The convolutional model is one change from the learned-variance row: the same likelihood, the book's coding size and epochs, with stride-2 convolutions in place of the dense layers; the same network is then sampled through three priors: N(0, I), a mixture fitted to its codings, and a second VAE trained on its codings for \(plan.twoStageEpochs.second) epochs (the two-stage VAE of Dai and Wipf). "
            + "The regularised autoencoder is the β = 0 model through a fitted mixture. The VQ-VAE (\(plan.vectorQuantizedEpochs.autoencoder) epochs) samples through a PixelCNN over its codes"
            + (plan.vectorQuantizedEpochs.prior < recommended
                ? ", trained \(plan.vectorQuantizedEpochs.prior) epochs here against the \(recommended) vae train gives it, to fit three seeds into the study's time; its validation loss keeps falling after epoch 10 (by 2.6 nats to epoch 20, 100.0 to 97.4, in a run of vae train), so these samples are somewhat worse than that run's. "
                : " (\(plan.vectorQuantizedEpochs.prior) epochs). ")
            + (fewer.isEmpty ? "" : "Trained with one seed, so with no spread and not compared as if measured like the others: \(fewer.joined(separator: ", ")). ")
            + "Sharpness (spectral) is the share of each image's contrast above ¼ cycle per pixel, samples ÷ real test images; above \(Self.number(SpectralSharpness.noiseThreshold, 2)) it means noise, not detail. The reconstructions' sharpness is the same measure on the test images' reconstructions: the decoder's ceiling. The mean gradient ÷ real is the earlier measure, which noise raises as much as edges do.")
        var measured: [(name: String, reports: [EvaluationReport])] = []
        for idea in ideas {
            measured.append((idea.name, try reports(idea.model, epoch: idea.epoch, prior: idea.prior, seeds: idea.seeds)))
        }
        let measures = Self.rateMeasures + [.bitsPerDimension, .reconstructionSharpness] + Self.sharpnessMeasures
        var rows = measured.map { row($0.name, $0.reports, measures) }
        rows.append(try realRow(measures))
        report.table(header: ["idea"] + measures.map(\.heading), rows: rows)
        try samplesRows("sharper", try ideas.map { idea in
            let run = runner.runFolder(idea.model, seed: first), weights = runner.weights(idea.model, seed: first, epoch: idea.epoch)
            return try StudyFigures.samples(try run.loadTrainedModel(weights: weights).0, of: run, weights: weights,
                                            prior: idea.prior, caption: idea.name + (idea.model == StudyPlan.book && idea.prior == .gaussian ? " (β = 1, epoch \(epoch))" : ""),
                                            file: "sharper-\(idea.model)-\(idea.prior.rawValue)")
        })
        func mean(_ measure: StudyMeasure, _ index: Int) -> Double { measure.summary(measured[index].reports).mean }
        // Noise is not sharpness: a set flagged as noise ranks last.
        func rankable(_ index: Int) -> Double {
            let value = mean(.spectralSharpness, index)
            return value > SpectralSharpness.noiseThreshold ? -1 : min(value, 1)
        }
        let sharpest = measured.indices.max { rankable($0) < rankable($1) }!
        let noisy = measured.indices.filter { rankable($0) < 0 }.map { measured[$0].name }
        report.paragraph("Answer: " + bestOfStudy() + " "
            + "The book's samples hold \(Self.number(mean(.spectralSharpness, 0), 2)) of real images' high-frequency share; the sharpest here are from \(measured[sharpest].name) (\(Self.number(mean(.spectralSharpness, sharpest), 2)), its reconstructions \(Self.number(mean(.reconstructionSharpness, sharpest), 2))). "
            + (noisy.isEmpty ? "" : "Flagged as noise rather than detail: \(noisy.joined(separator: ", ")). ")
            + "Against the book's model on the same seeds, the Fréchet distance of " + measured.indices.dropFirst().filter { measured[$0].reports.count > 1 }.map {
                "\(measured[$0].name) is " + Self.paired(.frechetDistance, measured[$0].reports, measured[0].reports)
            }.joined(separator: "; ") + ".")
        try scaleAndBeta()
        rateDistortion()
    }

    /// The lowest Fréchet distance of every table so far, named as its table shows it.
    func bestOfStudy() -> String {
        let measured = results.filter { $0.mean(.frechetDistance) != nil }
        guard let best = measured.min(by: { $0.mean(.frechetDistance)! < $1.mean(.frechetDistance)! }) else { return "" }
        let summary = StudyMeasure.frechetDistance.summary(best.reports)
        return "the lowest Fréchet distance in the study's tables is \(best.name)'s, \(summary.text(2)) (\(Self.seedCount(summary.values.count))), with recall \(StudyMeasure.recall.summary(best.reports).text(3)) and coverage \(StudyMeasure.coverage.summary(best.reports).text(3))."
    }

    /// The learned σ, and the β it stands for: with a Gaussian decoder of variance σ², the
    /// loss Σ(x − x̂)² / 2σ² + KL is, up to a factor, Σ(x − x̂)² + 2σ² KL, the book's summed
    /// squared error with β = 2σ² (the book's fixed σ² = ½ is β = 1).
    mutating func scaleAndBeta() throws {
        let learned = try reports("gaussian", epoch: plan.standardEpochs)
        let scales = learned.compactMap(\.decoderScale).map(Double.init)
        guard !scales.isEmpty else { return }
        let sigma = SeedSummary(scales), beta = 2 * sigma.mean * sigma.mean
        var betas: [(beta: Float, reports: [EvaluationReport])] = []
        for value in plan.betas { betas.append((value, try reports(plan.betaRun(value).model, epoch: plan.standardEpochs))) }
        let below = betas.last { Double($0.beta) <= beta }, above = betas.first { Double($0.beta) > beta }
        func rateAndDistortion(_ reports: [EvaluationReport]) -> String {
            "KL \(Self.number(StudyMeasure.klDivergence.summary(reports).mean, 1)) nats, squared error \(Self.number(StudyMeasure.squaredError.summary(reports).mean, 2))"
        }
        var text = "The learned decoder variance settles at σ = \(sigma.text(4)), so that model's loss is the book's with β = 2σ² = \(Self.number(beta, 4)) on the summed squared error: β, the decoder's variance and the likelihood's weight are one knob. "
        func mean(_ measure: StudyMeasure, _ reports: [EvaluationReport]) -> Double { measure.summary(reports).mean }
        func between(_ measure: StudyMeasure, _ low: [EvaluationReport], _ high: [EvaluationReport]) -> Bool {
            let value = mean(measure, learned), a = mean(measure, low), b = mean(measure, high)
            return min(a, b) <= value && value <= max(a, b)
        }
        if let below, let above {
            let fits = between(.klDivergence, below.reports, above.reports) && between(.squaredError, below.reports, above.reports)
            text += (fits ? "On the data it sits where that β puts it: " : "On the data it does not sit where that β alone would put it: ")
                + "\(rateAndDistortion(learned)), against β = \(StudyPlan.format(below.beta))'s \(rateAndDistortion(below.reports)) and β = \(StudyPlan.format(above.beta))'s \(rateAndDistortion(above.reports))."
        } else {
            text += "Its rate and distortion: \(rateAndDistortion(learned)), beyond the β the study sweeps."
        }
        report.paragraph(text)
    }

    /// Distortion against rate for every model measured so far, one point per seed.
    mutating func rateDistortion() {
        var seen: [[Double]] = [], series: [ChartSeries] = []
        for result in results {
            let rate = StudyMeasure.klDivergence.summary(result.reports).values
            let distortion = StudyMeasure.squaredError.summary(result.reports).values
            // A run measured under several priors has one rate and distortion: shown once.
            guard !rate.isEmpty, rate.count == distortion.count, !seen.contains(rate) else { continue }
            seen.append(rate)
            series.append(.init(name: result.name, points: zip(rate, distortion).map { ($0, $1) },
                                color: LineChart.palette[series.count % LineChart.palette.count]))
        }
        let plot = ScatterPlot(title: "Distortion against rate, every model of the study", xLabel: "rate: KL term (nats per image)",
                               yLabel: "distortion: squared error per image", series: series)
        report.figure(.svg(plot.svg, caption: "Each model's reconstructions' squared error against the nats its codings carry (a VQ-VAE's: −log p(codes) under its prior), one point per seed", fileName: "figures/rate-distortion.svg"))
    }
}
