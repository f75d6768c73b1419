import Foundation
import Runs
import VAE
import Visualization

extension StudyReport {
    /// Question 2: what the latent loss does, from β = 0 (a plain autoencoder's loss) up.
    mutating func latentLoss() throws {
        report.section("2. What does the latent loss do?")
        report.paragraph("The same model trained with the latent loss weighted by β (β = 1 is the book's, β = 0 leaves only the reconstruction loss), sampled from N(0, I). "
            + "The KL is the rate: the nats per image the codings carry about the image; the reconstructions' squared error (summed over pixels) is the distortion; active units are the coding's dimensions whose mean varies across images (variance above 0.01).")
        let measures: [StudyMeasure] = Self.rateMeasures + [.reconstructionSharpness, .negativeLogLikelihood] + Self.sampleMeasures
        var rows: [[String]] = []
        var byBeta: [(beta: Float, reports: [EvaluationReport])] = []
        for beta in plan.betas {
            let (model, epoch) = plan.betaRun(beta)
            let reports = try reports(model, epoch: epoch)
            byBeta.append((beta, reports))
            rows.append(row("β = \(StudyPlan.format(beta))", reports, measures))
        }
        report.table(header: ["model"] + measures.map(\.heading), rows: rows + [try realRow(measures)])
        let categories = byBeta.map { "β = \(StudyPlan.format($0.beta))" }
        func bars(_ measure: StudyMeasure) -> BarChart.Group {
            .init(name: measure.heading, bars: byBeta.map { .init(samples: $0.reports.compactMap(measure.value)) },
                  color: LineChart.palette[0])
        }
        report.figureRow([
            .svg(BarChart(title: "Fréchet distance of samples (lower is better)", xLabel: "β", yLabel: "Fréchet distance",
                          categories: categories, groups: [bars(.frechetDistance)]).svg,
                 caption: "Fréchet distance by β", fileName: "figures/beta-frechet.svg"),
            .svg(BarChart(title: "Recall of samples (higher is better)", xLabel: "β", yLabel: "recall",
                          categories: categories, groups: [bars(.recall)]).svg,
                 caption: "Recall by β", fileName: "figures/beta-recall.svg"),
        ])
        try samplesRows("beta", try plan.betas.map { beta in
            let (model, epoch) = plan.betaRun(beta)
            return try StudyFigures.samples(runner.model(model, seed: first, epoch: epoch).0,
                                            caption: "β = \(StudyPlan.format(beta))" + (beta == 1 ? " (the book's model)" : ""),
                                            file: "beta-\(StudyPlan.format(beta))-samples")
        })

        let plain = plan.betaRun(0), book = plan.betaRun(1)
        let plainModel = try runner.model(plain.model, seed: first, epoch: plain.epoch).0
        let bookModel = try runner.model(book.model, seed: first, epoch: book.epoch).0
        report.figureRow(try plan.betas.map { beta in
            let (model, epoch) = plan.betaRun(beta)
            return try StudyFigures.reconstructions(runner.model(model, seed: first, epoch: epoch).0, test: test,
                                                    caption: "β = \(StudyPlan.format(beta)): test images and reconstructions",
                                                    file: "beta-\(StudyPlan.format(beta))-reconstructions")
        })
        let (plainScatter, plainMoment) = StudyFigures.codingScatter(plainModel, test: test, classes: classes,
                                                                     title: "β = 0: test images' mean codings", file: "beta-0-codings")
        let (bookScatter, bookMoment) = StudyFigures.codingScatter(bookModel, test: test, classes: classes,
                                                                   title: "β = 1: test images' mean codings", file: "beta-1-codings")
        report.figureRow([plainScatter, bookScatter])

        let mixture = try reports(plain.model, epoch: plain.epoch, prior: .gmm)
        let mixtureFigure = try StudyFigures.samples(
            plainModel, prior: .gmm,
            mixture: runner.mixture(for: plainModel, plain.model, seed: first, epoch: plain.epoch),
            caption: "β = 0 sampled through a Gaussian mixture fitted to its codings", file: "beta-0-mixture")
        report.figure(mixtureFigure)
        let plainReports = byBeta.first { $0.beta == 0 }!.reports, bookReports = byBeta.first { $0.beta == 1 }!.reports
        report.table(header: ["model"] + Self.sampleMeasures.map(\.heading), rows: [
            StudyMeasure.row("β = 0, N(0, I)", plainReports, Self.sampleMeasures),
            row("β = 0, fitted mixture", mixture, Self.sampleMeasures),
            StudyMeasure.row("β = 1, N(0, I)", bookReports, Self.sampleMeasures),
            try realRow(Self.sampleMeasures),
        ])

        let mixtureDistance = StudyMeasure.frechetDistance.summary(mixture).mean
        let mismatch = plainMoment > 2 || plainMoment < 0.5
        report.paragraph("Answer: " + trends(byBeta) + " "
            + "Without the latent loss (β = 0) samples from N(0, I) score a Fréchet distance of \(Self.number(StudyMeasure.frechetDistance.summary(plainReports).mean, 2)) against the book's \(Self.number(StudyMeasure.frechetDistance.summary(bookReports).mean, 2)): "
            + Self.paired(.frechetDistance, plainReports, bookReports) + ". "
            + "With β = 0 the test images' mean codings have a second moment of \(Self.number(plainMoment, 2)) per dimension, against \(Self.number(bookMoment, 2)) with β = 1 and 1 for N(0, I)"
            + (mismatch ? ": nothing ties them to the prior, so draws from N(0, I) land where the decoder was not trained (the scatter plots show it). " : ", close to the prior's. ")
            + "Sampled through a mixture fitted to its own codings, the β = 0 model scores \(Self.number(mixtureDistance, 2)), "
            + Self.paired(.frechetDistance, mixture, plainReports) + " than from N(0, I)"
            + (PairedDifference(StudyMeasure.frechetDistance.summary(mixture).values, StudyMeasure.frechetDistance.summary(plainReports).values).map { !$0.isWithinNoise && $0.mean < 0 } ?? false
                ? ": the mismatch between codings and prior is what spoiled its samples, and the latent loss is what makes N(0, I) usable as a sampling distribution."
                : "."))
    }

    /// What the sweep of β shows in each measure, from all of its rows.
    func trends(_ byBeta: [(beta: Float, reports: [EvaluationReport])]) -> String {
        func means(_ measure: StudyMeasure) -> [Double] { byBeta.map { measure.summary($0.reports).mean } }
        func at(_ index: Int) -> String { "β = \(StudyPlan.format(byBeta[index].beta))" }
        let distances = means(.frechetDistance), recall = means(.recall), active = means(.activeUnits)
        let error = means(.squaredError), rate = means(.klDivergence), sharp = means(.reconstructionSharpness)
        let last = byBeta.count - 1
        let best = distances.indices.min { distances[$0] < distances[$1] }!
        let shape = best > 0 && best < last
            ? "U-shaped in β: \(Self.number(distances[0], 2)) at \(at(0)), lowest at \(at(best)) (\(Self.number(distances[best], 2))), \(Self.number(distances[last], 2)) at \(at(last))"
            : "lowest at \(at(best)) (\(Self.number(distances[best], 2))), the end of the sweep, and \(Self.number(distances[best == 0 ? last : 0], 2)) at \(at(best == 0 ? last : 0))"
        let recallBest = recall.indices.max { recall[$0] < recall[$1] }!
        var text = "across the sweep the Fréchet distance is \(shape). "
            + "Recall is highest at \(at(recallBest)) (\(Self.number(recall[recallBest]))) and \(Self.number(recall[last])) at \(at(last)): a heavier latent loss makes the samples more alike. "
            + "The rate falls from \(Self.number(rate[0], 1)) nats at \(at(0)) to \(Self.number(rate[last], 1)) at \(at(last)), carried by \(Self.number(active[0], 1)) and then \(Self.number(active[last], 1)) active units, while the distortion (squared error per image) rises from \(Self.number(error[0], 2)) to \(Self.number(error[last], 2))."
        if let book = byBeta.firstIndex(where: { $0.beta == 1 }), sharp.allSatisfy({ !$0.isNaN }), !sharp.isEmpty {
            let blurred = sharp[0] < 0.6
            text += " The reconstructions hold \(Self.number(sharp[0], 2)) of real images' high-frequency share at \(at(0)) and \(Self.number(sharp[book], 2)) at β = 1"
                + (blurred ? ": they are blurred even without any latent loss, so the blur of this decoder comes mostly from its capacity and from averaging under its loss, not from the KL term." : ".")
        }
        return text
    }
}
