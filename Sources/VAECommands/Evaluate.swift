import ArgumentParser
import Foundation
import Runs
import VAE

/// `vae evaluate`: what a run learned, in numbers, on the test images: likelihood, latent
/// use, reconstruction, and the quality of generated images beside real ones. The report
/// is also kept in the run folder as `evaluation.json`.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure a trained model on the test images.")

    @OptionGroup var runOption: RunOption
    @Option(help: "The dataset folder (default: the run's).") var data: String?
    @Option(help: "The seed of the sampling noise.") var seed: UInt64 = 0
    @Option(help: "Codings per image of the importance-weighted estimate of −log p(x); 0 to skip it.")
    var importanceSamples = 1000
    @Option(help: "Estimate −log p(x) on this many test images, drawn at random (default: all).") var subset: Int?
    @Option(help: "Images to generate and measure against the test images; 0 to skip.") var samples = 10_000
    @Option(help: "The distribution of their codings (as `vae sample --prior`; default: the run's family's).") var prior: Prior?
    @Option(help: "Components of the gmm prior.") var components = 10
    @Option(help: "Covariance of the gmm prior's components: full or diagonal.") var covariance = GaussianMixture.Covariance.full
    @Option(help: "The classifier's weights (default: the one `vae classifier` keeps for the dataset).") var classifier: String?
    @Flag(inversion: .prefixedNo, help: "Measure training images against the test images too, as the reference.")
    var realData = true
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        let report = try makeReport()
        try runOption.folder.write(report)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.line(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            report.printTable(run: runOption.run)
            if report.classifierNote != nil, let configuration = try? runOption.folder.readConfiguration(),
               configuration.data.pictures == nil {
                Console.line("Train the classifier once with: vae classifier --data \(data ?? configuration.data.folder)")
            }
        }
    }

    /// The options as the library's.
    var options: EvaluationOptions {
        var options = EvaluationOptions()
        options.seed = seed
        options.importanceSamples = importanceSamples
        options.subset = subset
        options.samples = samples
        options.prior = prior
        options.components = components
        options.covariance = covariance
        options.classifier = classifier.map { URL(fileURLWithPath: $0) }
        options.realData = realData
        options.dataFolder = data
        options.weights = runOption.weightsURL
        return options
    }

    /// Every measure, as `run` prints it.
    func makeReport() throws -> EvaluationReport {
        try CommandErrors.translating {
            try RunEvaluation.evaluate(runOption.folder, options: options, observer: ConsoleObserver())
        }
    }
}
