import Evaluation
import Foundation
import Runs
import VAE
import Visualization

extension StudyReport {
    /// Question 3: the distribution codings are drawn from, for one trained model.
    mutating func sampling() throws {
        report.section("3. Gaussian or uniform codings?")
        report.paragraph("The book's model after \(plan.standardEpochs) epochs (the same runs as β = 1 above), sampled from five distributions: N(0, I); U(−1, 1); U(−√3, √3), uniform with the prior's variance; N(0, I) truncated at ±2; and a 10-component Gaussian mixture fitted to the training images' mean codings. Then a model trained with uniform noise in its sampling layer, sampled from N(0, I). "
            + "Precision is the share of samples that fall among real images' features; recall the share of real images that samples reach; coverage the share of real images with a sample nearby. Precision above the real images' own means samples crowd into the densest, most typical region: saturation, not better quality.")
        let priors: [(Prior, String)] = [(.gaussian, "N(0, I)"), (.uniform, "U(−1, 1)"), (.uniformMatched, "U(−√3, √3)"),
                                         (.truncated, "N(0, I) within ±2"), (.gmm, "fitted mixture")]
        var measured: [(name: String, reports: [EvaluationReport])] = []
        for (prior, name) in priors {
            measured.append((name, try reports(StudyPlan.book, epoch: plan.standardEpochs, prior: prior)))
        }
        let uniformNoise = try reports("uniform-noise", epoch: plan.standardEpochs)
        var rows = measured.map { row("the book's VAE, \($0.name)", $0.reports, Self.sampleMeasures) }
        rows.append(row("trained with uniform noise, N(0, I)", uniformNoise, Self.sampleMeasures))
        rows.append(try realRow(Self.sampleMeasures))
        report.table(header: ["codings"] + Self.sampleMeasures.map(\.heading), rows: rows)
        let book = try runner.model(StudyPlan.book, seed: first, epoch: plan.standardEpochs)
        let mixture = try runner.mixture(for: book.0, StudyPlan.book, seed: first, epoch: plan.standardEpochs)
        try samplesRows("prior", try priors.map { prior, name in
            try StudyFigures.samples(book.0, prior: prior, mixture: prior == .gmm ? mixture : nil, caption: name,
                                     file: "prior-\(prior.rawValue)")
        })
        func mean(_ measure: StudyMeasure, _ index: Int) -> Double { measure.summary(measured[index].reports).mean }
        let realPrecision = try reports(StudyPlan.book, epoch: plan.standardEpochs, seeds: [first]).compactMap(\.realData?.precision).first
        let saturated = realPrecision.map { real in measured.indices.filter { mean(.precision, $0) > real }.map { measured[$0].name } } ?? []
        let best = measured.indices.min { mean(.frechetDistance, $0) < mean(.frechetDistance, $1) }!
        let others = measured.indices.dropFirst().map { index in
            "\(measured[index].name) \(Self.number(mean(.frechetDistance, index), 2)), " + Self.paired(.frechetDistance, measured[index].reports, measured[0].reports)
        }
        report.paragraph("Answer: against N(0, I)'s Fréchet distance of \(Self.number(mean(.frechetDistance, 0), 2)), the others score " + others.joined(separator: "; ") + ". "
            + "U(−1, 1)'s recall is " + Self.paired(.recall, measured[1].reports, measured[0].reports)
            + " and its coverage " + Self.paired(.coverage, measured[1].reports, measured[0].reports) + " than N(0, I)'s. "
            + (saturated.isEmpty ? "" : "The precision of \(saturated.joined(separator: ", ")) is above the real images' \(Self.number(realPrecision ?? 0)): saturation, not quality, so the comparison rests on the Fréchet distance, recall and coverage. ")
            + "The lowest distance here comes from \(measured[best].name) (\(Self.number(mean(.frechetDistance, best), 2))). "
            + "The model trained with uniform noise scores \(Self.number(StudyMeasure.frechetDistance.summary(uniformNoise).mean, 2)) from N(0, I), "
            + Self.paired(.frechetDistance, uniformNoise, measured[0].reports) + " than the book's.")
    }
}
