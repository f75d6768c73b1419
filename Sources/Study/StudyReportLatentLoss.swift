import Foundation
import Runs
import VAE
import Visualization

extension StudyReport {
    /// Question 2: what the latent loss does, from β = 0 (a plain autoencoder's loss) up.
    mutating func latentLoss() throws {
        report.section("2. What does the latent loss do?")
        report.paragraph("The same model trained with the latent loss weighted by β (β = 1 is the book's, β = 0 leaves only the reconstruction loss), sampled from N(0, I).")
        let measures: [StudyMeasure] = [.klDivergence, .activeUnits, .negativeLogLikelihood] + Self.sampleMeasures
        var rows: [[String]] = []
        var byBeta: [(beta: Float, reports: [EvaluationReport])] = []
        for beta in plan.betas {
            let (model, epoch) = plan.betaRun(beta)
            let reports = try reports(model, epoch: epoch)
            byBeta.append((beta, reports))
            rows.append(StudyMeasure.row("β = \(StudyPlan.format(beta))", reports, measures))
        }
        report.table(header: ["model"] + measures.map(\.heading), rows: rows)
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
        report.figureRow(try plan.betas.map { beta in
            let (model, epoch) = plan.betaRun(beta)
            return try StudyFigures.samples(runner.model(model, seed: first, epoch: epoch).0,
                                            caption: "β = \(StudyPlan.format(beta))", file: "beta-\(StudyPlan.format(beta))-samples")
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
        report.table(header: ["model"] + Self.sampleMeasures.map(\.heading), rows: [
            StudyMeasure.row("β = 0, N(0, I)", byBeta.first { $0.beta == 0 }!.reports, Self.sampleMeasures),
            StudyMeasure.row("β = 0, fitted mixture", mixture, Self.sampleMeasures),
            StudyMeasure.row("β = 1, N(0, I)", byBeta.first { $0.beta == 1 }!.reports, Self.sampleMeasures),
            try realRow(Self.sampleMeasures),
        ])

        let distance = { (beta: Float) in StudyMeasure.frechetDistance.summary(byBeta.first { $0.beta == beta }!.reports).mean }
        let mixtureDistance = StudyMeasure.frechetDistance.summary(mixture).mean
        let mismatch = plainMoment > 2 || plainMoment < 0.5
        let mixtureHelps = mixtureDistance < 0.8 * distance(0)
        report.paragraph("Answer: without the latent loss (β = 0) samples from N(0, I) have a Fréchet distance of \(Self.number(distance(0), 2)), "
            + "\(Self.compare(distance(0), distance(1), lowerIsBetter: true)) the book's \(Self.number(distance(1), 2)). "
            + "With β = 0 the test images' mean codings have a second moment of \(Self.number(plainMoment, 2)) per dimension, against \(Self.number(bookMoment, 2)) with β = 1 and 1 for N(0, I)"
            + (mismatch ? ": nothing ties them to the prior, so draws from N(0, I) land where the decoder was not trained (the scatter plots show it). " : ", close to the prior's. ")
            + "Sampled through a mixture fitted to its own codings, the β = 0 model's distance is \(Self.number(mixtureDistance, 2))"
            + (mixtureHelps ? ", so it was the mismatch between codings and prior that spoiled its samples: the latent loss is what makes N(0, I) usable as a sampling distribution."
                            : ", no better, so the prior mismatch does not explain its samples here."))
    }
}
