import Datasets
import Foundation
import Runs
import NumericCore
import VAE
import Visualization

/// The study's report: for each question of the assignment, the measurements, the
/// pictures, and a short answer written from those numbers (none is written in advance).
struct StudyReport {
    let runner: StudyRunner
    let test: ImageDataset
    let classes: [String]
    var report: HTMLReport
    /// Every row measured on the study's dataset so far, as the tables show it: the answers
    /// look for the best result across all of them, wherever it sits.
    var results: [StudyResult] = []

    var plan: StudyPlan { runner.plan }
    var seeds: [UInt64] { plan.seeds }
    var first: UInt64 { plan.seeds[0] }

    init(runner: StudyRunner, test: ImageDataset, classes: [String]) {
        self.runner = runner
        self.test = test
        self.classes = classes
        report = HTMLReport(title: "What a VAE learns: the assignment's questions, measured")
    }

    static let sampleMeasures: [StudyMeasure] = [.frechetDistance, .precision, .recall, .coverage, .sharpness]
    /// Rate and distortion, in every table of models: the KL term, the dimensions that carry
    /// it, and the reconstructions' squared error.
    static let rateMeasures: [StudyMeasure] = [.klDivergence, .activeUnits, .squaredError]
    /// Question 4's: the spectral sharpness beside the mean gradient, which noise raises too.
    static let sharpnessMeasures: [StudyMeasure] = [.frechetDistance, .precision, .recall, .coverage, .spectralSharpness, .sharpness]

    func reports(_ model: String, epoch: Int, prior: Prior = .gaussian, seeds: [UInt64]? = nil) throws -> [EvaluationReport] {
        try (seeds ?? self.seeds).map { try runner.measure(model, seed: $0, epoch: epoch, prior: prior) }
    }

    /// The reference row of a table of sample measures: training images against the test images.
    func realRow(_ measures: [StudyMeasure]) throws -> [String] {
        // Training images against test images do not depend on the model: one seed's measurement.
        let real = try reports(StudyPlan.book, epoch: plan.standardEpochs, seeds: [first]).compactMap(\.realData)
        return ["real training images"] + measures.map { measure in
            SeedSummary(real.compactMap { measure.value($0) }).text(measure.digits)
        }
    }

    /// A table row that is also kept among the study's results.
    mutating func row(_ name: String, _ reports: [EvaluationReport], _ measures: [StudyMeasure]) -> [String] {
        results.append(StudyResult(name: name, reports: reports))
        return StudyMeasure.row(name, reports, measures)
    }

    /// How `a`'s reports differ from `b`'s in `measure`, seed by seed, in words.
    static func paired(_ measure: StudyMeasure, _ a: [EvaluationReport], _ b: [EvaluationReport]) -> String {
        guard let difference = PairedDifference(measure.summary(a).values, measure.summary(b).values) else { return "not measured" }
        return difference.sentence(measure.digits, lowerIsBetter: measure.lowerIsBetter)
    }

    /// Samples grids two to a row, each row led by the same grid of real test images, so
    /// every grid is large enough to judge and has the real thing beside it.
    mutating func samplesRows(_ name: String, _ figures: [HTMLReport.Figure]) throws {
        for start in stride(from: 0, to: figures.count, by: 2) {
            let real = try StudyFigures.realImages(test, caption: "real test images", file: "\(name)-real-\(start / 2 + 1)")
            report.figureRow([real] + figures[start..<min(start + 2, figures.count)])
        }
    }

    /// How much of a bound is the fixed variance's constant, and the bound in bits, which
    /// compare across likelihoods where nats of a density do not.
    func constantShare(_ reports: [EvaluationReport]) -> String {
        let bound = StudyMeasure.negativeLogLikelihood.summary(reports), bits = StudyMeasure.bitsPerDimension.summary(reports)
        guard !bound.values.isEmpty, let constant = reports.first?.fixedVarianceConstant else { return "" }
        return " The bound on −log p(x), \(Self.number(bound.mean, 1)) nats, holds \(Self.number(Double(constant), 1)) nats of the fixed variance's constant (pixels × ½ ln π), the same for every model with this likelihood"
            + (bits.values.isEmpty ? "." : "; in bits per dimension of the 8-bit pixels (measured on dequantised images) it is \(Self.number(bits.mean, 3))"
                + (bits.mean > 8 ? ", more than the 8 bits of storing each level as it is." : "."))
    }

    /// "1 seed", "3 seeds".
    static func seedCount(_ count: Int) -> String { "\(count) seed\(count == 1 ? "" : "s")" }

    static func number(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }

    // MARK: Question 1

    mutating func epochs() throws {
        let book = StudyPlan.book
        let histories = try seeds.map { try LossHistory(runner.runFolder(book, seed: $0)) }
        let epochs = histories.map(\.validation.count).min() ?? 0
        let validation = (0..<epochs).map { e in SeedSummary(histories.map { $0.validation[e] }).mean }
        let training = (0..<epochs).map { e in SeedSummary(histories.map { $0.training[e] }).mean }
        report.section("1. How many epochs?")
        report.paragraph("The book's model trained for \(epochs) epochs with \(Self.seedCount(seeds.count)); the curves are the mean over seeds, and the table measures the weights kept at \(plan.epochSnapshots.map(String.init).joined(separator: ", ")) epochs.")
        report.figure(StudyFigures.lossCurves(training: training, validation: validation,
                                              title: "The book's VAE: loss per epoch (mean over seeds)", file: "epochs-curves"))
        var rows: [[String]] = []
        var measured: [(epoch: Int, reports: [EvaluationReport])] = []
        let measures: [StudyMeasure] = [.negativeLogLikelihood] + Self.rateMeasures + Self.sampleMeasures
        for epoch in plan.epochSnapshots {
            let reports = try reports(book, epoch: epoch)
            measured.append((epoch, reports))
            results.append(StudyResult(name: "the book's VAE after \(epoch) epochs", reports: reports))
            rows.append(["\(epoch)", SeedSummary(histories.map { $0.validation[epoch - 1] }).text(5)]
                        + measures.map { $0.summary(reports).text($0.digits) })
        }
        rows.append(["real training images", "—"] + (try realRow(measures)).dropFirst())
        report.table(header: ["epoch", "validation loss"] + measures.map(\.heading), rows: rows)
        try samplesRows("epochs", try plan.epochSnapshots.map { epoch in
            try StudyFigures.samples(runner.model(book, seed: first, epoch: epoch).0,
                                     caption: "epoch \(epoch)" + (epoch == plan.standardEpochs ? " (the book's model, as in questions 2 to 4)" : ""),
                                     file: "epochs-\(epoch)")
        })
        let best = validation.indices.min { validation[$0] < validation[$1] }!
        let within = validation.firstIndex { $0 <= validation[best] * 1.01 }!
        let distances = measured.map { StudyMeasure.frechetDistance.summary($0.reports).mean }
        let bestDistance = distances.indices.min { distances[$0] < distances[$1] }!
        let standard = plan.epochSnapshots.firstIndex(of: plan.standardEpochs) ?? 0
        report.paragraph("Answer: the validation loss is lowest at epoch \(best + 1) (\(Self.number(validation[best], 5))) and within 1% of that from epoch \(within + 1) on; at epoch \(plan.standardEpochs) it is \(Self.number(validation[plan.standardEpochs - 1], 5)). "
            + "The samples' Fréchet distance is lowest at epoch \(plan.epochSnapshots[bestDistance]) (\(Self.number(distances[bestDistance], 2))), against \(Self.number(distances[standard], 2)) at epoch \(plan.standardEpochs); "
            + (bestDistance > standard ? "so training longer than \(plan.standardEpochs) epochs still improves the samples" : "so \(plan.standardEpochs) epochs are enough for the samples, whatever the loss still gains")
            + (bestDistance == standard ? "." : "; the difference from epoch \(plan.standardEpochs) is " + Self.paired(.frechetDistance, measured[bestDistance].reports, measured[standard].reports) + ".")
            + constantShare(measured.last!.reports)
            + " Over the same epochs the reconstructions' squared error goes from \(Self.number(StudyMeasure.squaredError.summary(measured.first!.reports).mean, 2)) to \(Self.number(StudyMeasure.squaredError.summary(measured.last!.reports).mean, 2)) per image and the KL from \(Self.number(StudyMeasure.klDivergence.summary(measured.first!.reports).mean, 1)) to \(Self.number(StudyMeasure.klDivergence.summary(measured.last!.reports).mean, 1)) nats.")
    }
}
