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
        report.paragraph("Each idea changes one thing in the book's model (the convolutional one also uses the Bernoulli likelihood, and is trained for \(plan.convolutionalEpochs) epochs with one seed, since its epochs cost about fifteen dense ones here). Sharpness is the samples' mean gradient magnitude ÷ that of real test images.")
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
        ]
        var measured: [(name: String, reports: [EvaluationReport])] = []
        for idea in ideas {
            measured.append((idea.name, try reports(idea.model, epoch: idea.epoch, prior: idea.prior, seeds: idea.seeds)))
        }
        report.table(header: ["idea"] + Self.sampleMeasures.map(\.heading),
                     rows: measured.map { StudyMeasure.row($0.name, $0.reports, Self.sampleMeasures) } + [try realRow(Self.sampleMeasures)])
        report.figureRow(try ideas.map { idea in
            let model = try runner.model(idea.model, seed: first, epoch: idea.epoch).0
            let mixture = idea.prior == .gmm ? try runner.mixture(for: model, idea.model, seed: first, epoch: idea.epoch) : nil
            return try StudyFigures.samples(model, prior: idea.prior, mixture: mixture, caption: idea.name,
                                            file: "sharper-\(idea.model)-\(idea.prior.rawValue)")
        })
        func mean(_ measure: StudyMeasure, _ index: Int) -> Double { measure.summary(measured[index].reports).mean }
        let sharpest = measured.indices.max { mean(.sharpness, $0) < mean(.sharpness, $1) }!
        let closest = measured.indices.min { mean(.frechetDistance, $0) < mean(.frechetDistance, $1) }!
        let sharper = measured.indices.dropFirst().filter { mean(.sharpness, $0) > mean(.sharpness, 0) * 1.02 }.map { measured[$0].name }
        report.paragraph("Answer: the book's samples are \(Self.number(mean(.sharpness, 0), 2)) as sharp as real images. "
            + (sharper.isEmpty ? "No idea made them sharper. " : "Sharper: \(sharper.joined(separator: ", ")). ")
            + "The sharpest are from \(measured[sharpest].name) (\(Self.number(mean(.sharpness, sharpest), 2))); "
            + "the lowest Fréchet distance from \(measured[closest].name) (\(Self.number(mean(.frechetDistance, closest), 2)), the book's \(Self.number(mean(.frechetDistance, 0), 2)))."
            + (sharpest == closest ? " One choice wins on both." : " Sharpness and closeness to the real images do not go together: sharper is not always more realistic."))
    }
}
