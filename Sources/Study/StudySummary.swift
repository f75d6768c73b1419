import Evaluation
import Foundation
import Runs
import VAE

/// Mean and spread of one measure over seeds, and the words the report uses for numbers.
struct SeedSummary {
    var values: [Double]

    init(_ values: [Double]) { self.values = values }

    var mean: Double { values.reduce(0, +) / Double(max(values.count, 1)) }
    /// The sample standard deviation (n − 1); 0 for a single seed.
    var spread: Double {
        guard values.count > 1 else { return 0 }
        let m = mean
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    /// "0.123 ± 0.004" over several seeds, "0.123" for one; "—" when nothing was measured.
    func text(_ digits: Int = 3) -> String {
        guard !values.isEmpty else { return "—" }
        let format = "%.\(digits)f"
        return values.count > 1 ? String(format: format + " ± " + format, mean, spread) : String(format: format, mean)
    }
}

/// The measures the study's tables show, read from evaluation reports of several seeds.
enum StudyMeasure: CaseIterable {
    case negativeLogLikelihood, klDivergence, activeUnits, frechetDistance, precision, recall, coverage, sharpness
    /// Reconstructions' squared error summed over pixels: the distortion.
    case squaredError
    /// The bound in bits per dimension of the 8-bit pixels, where the likelihood gives one.
    case bitsPerDimension
    /// The spectral sharpness of the test images' reconstructions ÷ the images'.
    case reconstructionSharpness
    /// The share of contrast at high spatial frequencies ÷ real images' (`SpectralSharpness`).
    case spectralSharpness

    var heading: String {
        switch self {
        case .negativeLogLikelihood: "−log p(x) ≤ (nats)"
        case .klDivergence: "KL, the rate (nats)"
        case .squaredError: "squared error, the distortion"
        case .bitsPerDimension: "bits/dim ≤"
        case .reconstructionSharpness: "reconstructions' sharpness"
        case .activeUnits: "active units"
        case .frechetDistance: "Fréchet distance"
        case .precision: "precision"
        case .recall: "recall"
        case .coverage: "coverage"
        case .sharpness: "mean gradient ÷ real"
        case .spectralSharpness: "sharpness (spectral)"
        }
    }

    var digits: Int {
        switch self {
        case .negativeLogLikelihood, .klDivergence, .activeUnits: 1
        case .squaredError: 2
        case .frechetDistance: 2
        default: 3
        }
    }

    func value(_ report: EvaluationReport) -> Double? {
        switch self {
        case .negativeLogLikelihood: report.importanceWeighted?.negativeLogLikelihood
        case .klDivergence: Double(report.klDivergence)
        case .activeUnits: report.latentUsage.map { Double($0.activeUnits) }
        case .squaredError: Double(report.squaredErrorPerImage)
        case .bitsPerDimension: report.bitsPerDimension
        case .reconstructionSharpness: report.reconstructionSharpness?.ratio
        case .frechetDistance, .precision, .recall, .coverage, .sharpness, .spectralSharpness: report.samples.flatMap(value)
        }
    }

    /// A measure of generated (or real) images; nil for the likelihood's measures.
    func value(_ quality: SampleQuality) -> Double? {
        switch self {
        case .frechetDistance: quality.frechetDistance
        case .precision: quality.precision
        case .recall: quality.recall
        case .coverage: quality.coverage
        case .sharpness: quality.sharpnessRatio
        case .spectralSharpness: quality.sharpness?.ratio
        default: nil
        }
    }

    func summary(_ reports: [EvaluationReport]) -> SeedSummary { SeedSummary(reports.compactMap(value)) }

    /// Which way is better, for the measures of quality and of fit.
    var lowerIsBetter: Bool {
        switch self {
        case .negativeLogLikelihood, .frechetDistance, .squaredError, .bitsPerDimension, .klDivergence: true
        default: false
        }
    }

    /// A table row: `label`, then each measure over the seeds' reports.
    static func row(_ label: String, _ reports: [EvaluationReport], _ measures: [StudyMeasure]) -> [String] {
        [label] + measures.map { $0.summary(reports).text($0.digits) }
    }
}

/// One row of the study's tables: a model (and its prior) over its seeds.
struct StudyResult {
    var name: String
    var reports: [EvaluationReport]

    func mean(_ measure: StudyMeasure) -> Double? {
        let summary = measure.summary(reports)
        return summary.values.isEmpty ? nil : summary.mean
    }
}

/// A run's training and validation loss per epoch, as its checkpoint holds them.
struct LossHistory {
    var training: [Double]
    var validation: [Double]

    init(_ run: RunFolder) throws {
        let records = try Checkpoint.history(at: run.checkpointURL)
        training = records.map { Double($0.loss.total) }
        validation = records.map { $0.validation.map { Double($0.total) } ?? .nan }
    }
}
