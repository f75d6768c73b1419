import Evaluation
import Foundation
import Runs
import VAE
import Visualization

extension StudyReport {
    /// Question 3: the distribution codings are drawn from, for one trained model.
    mutating func sampling() throws {
        report.section("3. Gaussian or uniform codings?")
        report.paragraph("The book's model after \(plan.standardEpochs) epochs, sampled from five distributions: N(0, I); U(−1, 1), the assignment's; U(−√3, √3), uniform with the prior's variance; N(0, I) truncated at ±2; and a 10-component Gaussian mixture fitted to the training images' mean codings. Then a model trained with uniform noise in its sampling layer, sampled from N(0, I).")
        let priors: [(Prior, String)] = [(.gaussian, "N(0, I)"), (.uniform, "U(−1, 1)"), (.uniformMatched, "U(−√3, √3)"),
                                         (.truncated, "N(0, I) within ±2"), (.gmm, "fitted mixture")]
        var measured: [(name: String, reports: [EvaluationReport])] = []
        for (prior, name) in priors {
            measured.append((name, try reports(StudyPlan.book, epoch: plan.standardEpochs, prior: prior)))
        }
        let uniformNoise = try reports("uniform-noise", epoch: plan.standardEpochs)
        report.table(header: ["codings"] + Self.sampleMeasures.map(\.heading),
                     rows: measured.map { StudyMeasure.row($0.name, $0.reports, Self.sampleMeasures) }
                        + [StudyMeasure.row("trained with uniform noise, N(0, I)", uniformNoise, Self.sampleMeasures),
                           try realRow(Self.sampleMeasures)])
        let book = try runner.model(StudyPlan.book, seed: first, epoch: plan.standardEpochs)
        let mixture = try runner.mixture(for: book.0, StudyPlan.book, seed: first, epoch: plan.standardEpochs)
        report.figureRow(try priors.map { prior, name in
            try StudyFigures.samples(book.0, prior: prior, mixture: prior == .gmm ? mixture : nil, caption: name,
                                     file: "prior-\(prior.rawValue)")
        })
        func mean(_ measure: StudyMeasure, _ index: Int) -> Double { measure.summary(measured[index].reports).mean }
        let best = measured.indices.min { mean(.frechetDistance, $0) < mean(.frechetDistance, $1) }!
        report.paragraph("Answer: U(−1, 1) gives precision \(Self.number(mean(.precision, 1))) and recall \(Self.number(mean(.recall, 1))) against N(0, I)'s \(Self.number(mean(.precision, 0))) and \(Self.number(mean(.recall, 0))); "
            + "its Fréchet distance is \(Self.number(mean(.frechetDistance, 1), 2)), \(Self.compare(mean(.frechetDistance, 1), mean(.frechetDistance, 0), lowerIsBetter: true)) N(0, I)'s \(Self.number(mean(.frechetDistance, 0), 2)). "
            + "U(−√3, √3), with the prior's variance, scores \(Self.number(mean(.frechetDistance, 2), 2)). "
            + (mean(.precision, 1) > mean(.precision, 0) && mean(.recall, 1) < mean(.recall, 0)
                ? "The narrower U(−1, 1) draws codings nearer the centre, where the decoder's images are most typical: it trades variety (recall) for quality (precision). "
                : "The narrower U(−1, 1) does not simply trade variety for quality here. ")
            + "The lowest distance here comes from \(measured[best].name) (\(Self.number(mean(.frechetDistance, best), 2))). "
            + "The model trained with uniform noise scores \(Self.number(StudyMeasure.frechetDistance.summary(uniformNoise).mean, 2)) from N(0, I).")
    }

    /// Question 4: ideas for sharper samples, each against the book's model.
    mutating func sharpness() throws {
        report.section("4. Less blurry samples?")
        report.paragraph("Each idea changes one thing in the book's model (the convolutional one also uses the Bernoulli likelihood, and is trained for \(plan.convolutionalEpochs) epochs with one seed, since its epochs cost about fifteen dense ones here). "
            + "The last rows are other families, each sampled through its own prior, one seed each: the regularised autoencoder (the β = 0 model through a fitted mixture), a two-stage VAE (the convolutional one with a learned variance, \(plan.twoStageEpochs.first) epochs, and a second VAE on its codings, \(plan.twoStageEpochs.second)), and a VQ-VAE (\(plan.vectorQuantizedEpochs.autoencoder) epochs) with a PixelCNN over its codes (\(plan.vectorQuantizedEpochs.prior)). "
            + "Sharpness (spectral) is the share of each image's contrast above ¼ cycle per pixel, samples ÷ real test images; above \(Self.number(SpectralSharpness.noiseThreshold, 2)) it means noise, not detail. The mean gradient ÷ real is the earlier measure, which noise raises as much as edges do.")
        let epoch = plan.standardEpochs
        let ideas: [(name: String, model: String, epoch: Int, prior: Prior, seeds: [UInt64])] = [
            ("the book's VAE", StudyPlan.book, epoch, .gaussian, seeds),
            ("Bernoulli likelihood", "bernoulli", epoch, .gaussian, seeds),
            ("learned decoder variance", "gaussian", epoch, .gaussian, seeds),
            ("β = 0.5", StudyPlan.betaName(0.5), epoch, .gaussian, seeds),
            ("coding size 32", "coding-32", epoch, .gaussian, seeds),
            ("book, fitted mixture", StudyPlan.book, epoch, .gmm, seeds),
            ("convolutional, Bernoulli", "conv-bernoulli", plan.convolutionalEpochs, .gaussian, [first]),
            ("convolutional, Bernoulli, fitted mixture", "conv-bernoulli", plan.convolutionalEpochs, .gmm, [first]),
            ("regularised autoencoder (β = 0, fitted mixture)", StudyPlan.betaName(0), epoch, .gmm, seeds),
            ("two-stage VAE", "two-stage", plan.twoStageEpochs.first, .secondStage, [first]),
            ("VQ-VAE, PixelCNN prior", "vq-vae", plan.vectorQuantizedEpochs.autoencoder, .codePrior, [first]),
        ]
        var measured: [(name: String, reports: [EvaluationReport])] = []
        for idea in ideas {
            measured.append((idea.name, try reports(idea.model, epoch: idea.epoch, prior: idea.prior, seeds: idea.seeds)))
        }
        let measures = Self.sharpnessMeasures
        report.table(header: ["idea"] + measures.map(\.heading),
                     rows: measured.map { StudyMeasure.row($0.name, $0.reports, measures) } + [try realRow(measures)])
        report.figureRow(try ideas.map { idea in
            let run = runner.runFolder(idea.model, seed: first), weights = runner.weights(idea.model, seed: first, epoch: idea.epoch)
            return try StudyFigures.samples(try run.loadTrainedModel(weights: weights).0, of: run, weights: weights,
                                            prior: idea.prior, caption: idea.name, file: "sharper-\(idea.model)-\(idea.prior.rawValue)")
        })
        func mean(_ measure: StudyMeasure, _ index: Int) -> Double { measure.summary(measured[index].reports).mean }
        // Noise is not sharpness: a set flagged as noise ranks last.
        func rankable(_ index: Int) -> Double {
            let value = mean(.spectralSharpness, index)
            return value > SpectralSharpness.noiseThreshold ? -1 : min(value, 1)
        }
        let sharpest = measured.indices.max { rankable($0) < rankable($1) }!
        let closest = measured.indices.min { mean(.frechetDistance, $0) < mean(.frechetDistance, $1) }!
        let sharper = rankable(0) < 0 ? [] : measured.indices.dropFirst().filter { rankable($0) > rankable(0) * 1.02 }.map { measured[$0].name }
        let noisy = measured.indices.filter { rankable($0) < 0 }.map { measured[$0].name }
        report.paragraph("Answer: the book's samples are \(Self.number(mean(.spectralSharpness, 0), 2)) as sharp as real images (spectral). "
            + (noisy.isEmpty ? "" : "Flagged as noise rather than detail: \(noisy.joined(separator: ", ")). ")
            + (sharper.isEmpty ? "No idea made them sharper. " : "Sharper: \(sharper.joined(separator: ", ")). ")
            + "The sharpest are from \(measured[sharpest].name) (\(Self.number(mean(.spectralSharpness, sharpest), 2))); "
            + "the lowest Fréchet distance from \(measured[closest].name) (\(Self.number(mean(.frechetDistance, closest), 2)), the book's \(Self.number(mean(.frechetDistance, 0), 2)))."
            + (sharpest == closest ? " One choice wins on both." : " Sharpness and closeness to the real images do not go together: sharper is not always more realistic."))
    }
}
