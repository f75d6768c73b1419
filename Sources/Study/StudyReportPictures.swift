import Foundation
import Runs
import VAE
import Visualization

extension StudyReport {
    /// The assignment's last task: a VAE on a dataset of one's own.
    mutating func ownPictures() throws {
        guard let model = plan.pictureModel else { return }
        let run = runner.runFolder(model.name, seed: first)
        let (trained, configuration) = try runner.model(model.name, seed: first, epoch: model.epochs)
        let (training, test) = try RunData.trainingAndTest(of: configuration, run: run, training: true)
        let gaussian = try runner.measure(model.name, seed: first, epoch: model.epochs)
        let mixtureReport = try runner.measure(model.name, seed: first, epoch: model.epochs, prior: .gmm)
        let mixture = try runner.mixture(for: trained, model.name, seed: first, epoch: model.epochs)
        report.section("5. A dataset of our own")
        report.paragraph("The pictures in \(model.data ?? ""), \(configuration.model.imageHeight) × \(configuration.model.imageWidth) in \(configuration.model.channels == 3 ? "colour" : "grey"), \(test.count) of them held out for testing; a convolutional VAE with the Bernoulli likelihood and a coding of \(configuration.model.codingSize), trained for \(model.epochs) epochs. "
            + (gaussian.classifierAccuracy.map { "The Fréchet distance, precision, recall and coverage are measured in the features of a classifier of the pictures' own categories (their sub-folders), trained on the training pictures (test accuracy \(Self.number($0))), never by the VAE." }
                ?? "The pictures have no categories to train a classifier on, so only the likelihood and sharpness are measured."))
        let likelihood: [StudyMeasure] = [.negativeLogLikelihood, .klDivergence, .activeUnits, .squaredError]
        let samples: [StudyMeasure] = [.frechetDistance, .precision, .recall, .coverage, .spectralSharpness]
        var rows = [StudyMeasure.row("N(0, I)", [gaussian], likelihood + samples),
                    ["fitted mixture"] + likelihood.map { _ in "—" } + samples.map { $0.summary([mixtureReport]).text($0.digits) }]
        if let real = gaussian.realData {
            rows.append(["real training pictures"] + likelihood.map { _ in "—" } + samples.map { measure in
                measure.value(real).map { Self.number($0, measure.digits) } ?? "—"
            })
        }
        report.table(header: ["codings"] + (likelihood + samples).map(\.heading), rows: rows)
        report.figureRow([
            try StudyFigures.samples(trained, caption: "samples from N(0, I)", file: "pictures-samples"),
            try StudyFigures.samples(trained, prior: .gmm, mixture: mixture, caption: "samples from the fitted mixture", file: "pictures-mixture"),
            try StudyFigures.reconstructions(trained, test: test, caption: "test pictures and reconstructions", file: "pictures-reconstructions"),
        ])
        let history = try LossHistory(run)
        var figures = [StudyFigures.lossCurves(training: history.training, validation: history.validation,
                                               title: "Own pictures: loss per epoch", file: "pictures-curves")]
        if let training {
            figures.append(try StudyFigures.nearestNeighbours(trained, mixture: mixture, training: training,
                                                              caption: "samples from the mixture (top) over their nearest training pictures (bottom)",
                                                              file: "pictures-neighbours"))
        }
        report.figureRow(figures)
        let lowest = history.validation.indices.min { history.validation[$0] < history.validation[$1] }
        let overfits = lowest.map { history.validation.last! > history.validation[$0] * 1.01 } ?? false
        let sharpness = StudyMeasure.sharpness.summary([gaussian]).mean
        let mixtureSharpness = StudyMeasure.sharpness.summary([mixtureReport]).mean
        report.paragraph("Answer: the samples are \(Self.number(sharpness, 2)) as sharp as the real pictures from N(0, I) and \(Self.number(mixtureSharpness, 2)) from the fitted mixture (mean gradient ÷ real). "
            + fidelity(gaussian: gaussian, mixture: mixtureReport)
            + (lowest.map { "The validation loss is lowest at epoch \($0 + 1) of \(history.validation.count)" + (overfits ? " and higher after it: with this few pictures the model overfits, and the weights kept as best.safetensors are the better ones. " : ". ") } ?? "")
            + "−log p(x) is at most \(Self.number(StudyMeasure.negativeLogLikelihood.summary([gaussian]).mean, 1)) nats per picture (an importance-weighted bound on \(gaussian.importanceWeighted?.images ?? 0) of the \(test.count) test pictures), of which the KL term is \(Self.number(Double(gaussian.klDivergence), 1)) nats in \(gaussian.latentUsage?.activeUnits ?? 0) active units of \(configuration.model.codingSize).")
    }

    /// The samples against the real pictures in the pictures' classifier's features, when there is one.
    func fidelity(gaussian: EvaluationReport, mixture: EvaluationReport) -> String {
        guard let fromPrior = gaussian.samples?.frechetDistance, let fromMixture = mixture.samples?.frechetDistance else { return "" }
        let real = gaussian.realData?.frechetDistance.map { ", real training pictures \(Self.number($0, 2))" } ?? ""
        return "In the classifier's features the samples' Fréchet distance is \(Self.number(fromPrior, 2)) from N(0, I) and \(Self.number(fromMixture, 2)) from the mixture\(real); their recall is \(Self.number(gaussian.samples?.recall ?? 0)) and \(Self.number(mixture.samples?.recall ?? 0)). "
    }
}