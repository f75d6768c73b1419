import Foundation
import NumericCore
import VAE

/// Trains and measures a study's models, keeping everything in the study folder: each
/// run is an ordinary run folder (`runs/<model>-seed<seed>`), each measurement a JSON file
/// beside it, so a rerun skips what is done and an interrupted study resumes its runs
/// from their checkpoints.
final class StudyRunner {
    let plan: StudyPlan
    let folder: URL
    /// The classifier's weights for the measures, or nil for the dataset's usual one.
    var classifier: String?
    private let start = Date()
    private var trainedEpochs = 0.0
    private var trainingSeconds = 0.0

    init(plan: StudyPlan, folder: URL) {
        self.plan = plan
        self.folder = folder
    }

    func runFolder(_ model: String, seed: UInt64) -> URL {
        folder.appendingPathComponent("runs/\(model)-seed\(seed)")
    }

    func weights(_ model: String, seed: UInt64, epoch: Int) -> URL {
        runFolder(model, seed: seed).appendingPathComponent("model-epoch-\(epoch).safetensors")
    }

    /// Trains every model of the plan, in order, with progress and the time left.
    func trainAll() throws {
        let jobs = plan.models.flatMap { model in model.seeds.map { (model, $0) } }
        for (index, (model, seed)) in jobs.enumerated() {
            let remaining = jobs[index...].reduce(0.0) { $0 + cost($1.0) * Double(missingEpochs($1.0, seed: $1.1)) }
            let left = trainedEpochs > 0 ? String(format: ", about %.0f min left", remaining * trainingSeconds / trainedEpochs / 60) : ""
            Console.line(String(format: "Study: run %d of %d, %@, seed %d (%.0f min so far%@)",
                                index + 1, jobs.count, model.label, seed, Date().timeIntervalSince(start) / 60, left))
            try train(model, seed: seed)
        }
    }

    /// Dense epochs an epoch of `model` costs, for the estimate of the time left.
    private func cost(_ model: StudyModel) -> Double { model.options.contains("conv") ? 15 : 1 }

    private func missingEpochs(_ model: StudyModel, seed: UInt64) -> Int {
        FileManager.default.fileExists(atPath: weights(model.name, seed: seed, epoch: model.epochs).path)
            ? 0 : model.epochs - completedEpochs(runFolder(model.name, seed: seed))
    }

    /// Trains one run up to each of its snapshots in turn, keeping each snapshot's weights.
    /// Resuming is exact, so the weights at epoch 25 of a 100-epoch run are those of a
    /// 25-epoch run with the same seed.
    func train(_ model: StudyModel, seed: UInt64) throws {
        let run = runFolder(model.name, seed: seed)
        for target in Set(model.snapshots.filter { $0 < model.epochs } + [model.epochs]).sorted() {
            let snapshot = weights(model.name, seed: seed, epoch: target)
            if FileManager.default.fileExists(atPath: snapshot.path) { continue }
            let before = completedEpochs(run)
            guard before <= target else {
                throw ConfigurationError("\(run.path) is past epoch \(target) but has no snapshot of it; delete the folder to train it again")
            }
            let started = Date()
            let arguments = FileManager.default.fileExists(atPath: RunFolder(run).checkpointURL.path)
                ? ["train", "--resume", run.path, "--epochs", String(target)]
                : ["train", "--out", run.path, "--overwrite", "--seed", String(seed), "--epochs", String(target)]
                    + ["--data", model.data ?? plan.data] + (model.data == nil ? plan.common : []) + model.options
            var command = try VAECommand.parseAsRoot(arguments)
            try command.run()
            trainingSeconds += Date().timeIntervalSince(started)
            trainedEpochs += cost(model) * Double(target - before)
            try AtomicFile.write(readFile(RunFolder(run).weightsURL), to: snapshot)
        }
    }

    private func completedEpochs(_ run: URL) -> Int {
        guard let history = try? String(contentsOf: RunFolder(run).historyURL, encoding: .utf8) else { return 0 }
        return max(0, history.split(separator: "\n").count - 1)
    }

    /// The measures of one model at one epoch with one prior, computed once and kept.
    /// The likelihood part does not depend on the prior, so only the Gaussian prior's
    /// measurement computes the importance-weighted bound.
    func measure(_ model: String, seed: UInt64, epoch: Int, prior: Prior = .gaussian) throws -> EvaluationReport {
        let run = runFolder(model, seed: seed)
        let url = run.appendingPathComponent("measurements/epoch-\(epoch)-\(prior.rawValue).json")
        if let data = try? readFile(url), let report = try? JSONDecoder().decode(EvaluationReport.self, from: data) {
            return report
        }
        Console.line("Study: measuring \(model), seed \(seed), epoch \(epoch), \(prior.rawValue) prior")
        var arguments = ["evaluate", "--run", run.path, "--weights", weights(model, seed: seed, epoch: epoch).path,
                         "--samples", String(plan.samples), "--prior", prior.rawValue,
                         "--importance-samples", prior == .gaussian ? String(plan.importanceSamples) : "0",
                         "--subset", String(plan.importanceImages)]
        if let classifier { arguments += ["--classifier", classifier] }
        // Real images against real images are the same for every model: measured once.
        if !(model == StudyPlan.book && epoch == plan.standardEpochs && prior == .gaussian) { arguments.append("--no-real-data") }
        guard let evaluate = try VAECommand.parseAsRoot(arguments) as? Evaluate else {
            preconditionFailure("`evaluate` parses as the Evaluate command")
        }
        let report = try evaluate.makeReport()
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(JSONEncoder().encode(report), to: url)
        return report
    }

    /// The model of a run at one of its snapshots.
    func model(_ model: String, seed: UInt64, epoch: Int) throws -> (VariationalAutoencoder, RunConfiguration) {
        try RunFolder(runFolder(model, seed: seed)).loadModel(weights: weights(model, seed: seed, epoch: epoch))
    }

    /// The 10-component mixture fitted to a snapshot's codings (the one `measure` fitted
    /// for its `gmm` prior, read back from the run folder).
    func mixture(for trained: VariationalAutoencoder, _ model: String, seed: UInt64, epoch: Int) throws -> GaussianMixture {
        let run = RunFolder(runFolder(model, seed: seed))
        return try MixturePrior.fitted(to: trained, of: run, weights: weights(model, seed: seed, epoch: epoch),
                                       run.readConfiguration(), components: 10, covariance: .full, data: nil)
    }
}
