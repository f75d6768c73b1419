import Foundation
import NumericCore
import Runs
import Storage
import VAE

/// Trains and measures a study's models, keeping everything in the study folder: each
/// run is an ordinary run folder (`runs/<model>-seed<seed>`), each measurement a JSON file
/// beside it, so a rerun skips what is done and an interrupted study resumes its runs
/// from their checkpoints.
final class StudyRunner {
    let plan: StudyPlan
    let folder: URL
    let observer: RunObserver?
    /// The classifier's weights for the measures, or nil for the dataset's usual one.
    var classifier: URL?
    /// The classifier of the own pictures' categories, where they have two or more.
    var pictureClassifier: URL?
    private let start = Date()
    private var trainedEpochs = 0.0
    private var trainingSeconds = 0.0

    init(plan: StudyPlan, folder: URL, observer: RunObserver?) {
        self.plan = plan
        self.folder = folder
        self.observer = observer
    }

    func runFolder(_ model: String, seed: UInt64) -> RunFolder {
        RunFolder(folder.appendingPathComponent("runs/\(model)-seed\(seed)"))
    }

    func weights(_ model: String, seed: UInt64, epoch: Int) -> URL {
        runFolder(model, seed: seed).snapshotURL(epoch: epoch)
    }

    /// Trains every model of the plan, in order, with progress and the time left.
    func trainAll() throws {
        let jobs = plan.models.flatMap { model in model.seeds.map { (model, $0) } }
        // Each run's checkpoint is read once for the estimate: the epochs a job still needs
        // change only when the job itself trains.
        let missing = try jobs.map { try Double(missingEpochs($0.0, seed: $0.1)) * $0.0.cost }
        for (index, (model, seed)) in jobs.enumerated() {
            let remaining = missing[index...].reduce(0, +)
            let left = trainedEpochs > 0 ? String(format: ", about %.0f min left", remaining * trainingSeconds / trainedEpochs / 60) : ""
            observer?.note(String(format: "Study: run %d of %d, %@, seed %d (%.0f min so far%@)",
                                  index + 1, jobs.count, model.label, seed, Date().timeIntervalSince(start) / 60, left))
            try train(model, seed: seed)
        }
    }

    private func missingEpochs(_ model: StudyModel, seed: UInt64) throws -> Int {
        FileManager.default.fileExists(atPath: weights(model.name, seed: seed, epoch: model.epochs).path)
            ? 0 : model.epochs - (try completedEpochs(runFolder(model.name, seed: seed)))
    }

    /// Trains one run up to each of its snapshots in turn, keeping each snapshot's weights.
    /// Resuming is exact, so the weights at epoch 25 of a 100-epoch run are those of a
    /// 25-epoch run with the same seed.
    func train(_ model: StudyModel, seed: UInt64) throws {
        let run = runFolder(model.name, seed: seed)
        for target in Set(model.snapshots.filter { $0 < model.epochs } + [model.epochs]).sorted() {
            if FileManager.default.fileExists(atPath: weights(model.name, seed: seed, epoch: target).path) { continue }
            let before = try completedEpochs(run)
            guard before <= target else {
                throw ConfigurationError("\(run.url.path) is past epoch \(target) but has no snapshot of it; delete the folder to train it again")
            }
            let started = Date()
            let training: TrainingRun
            if FileManager.default.fileExists(atPath: run.checkpointURL.path) {
                training = try TrainingRun.resume(run, epochs: target, observer: observer)
            } else {
                var options = model.training
                options.epochs = target
                let request = RunRequest(model: model.model, training: options, seed: seed, data: model.data ?? plan.data,
                                         validationCount: model.validationCount, limit: model.limit, pictures: model.pictures)
                training = try TrainingRun.start(request, in: run, overwrite: true, observer: observer)
            }
            try training.train(observer: observer)
            try training.writeSnapshot()
            trainingSeconds += Date().timeIntervalSince(started)
            trainedEpochs += model.cost * Double(target - before)
        }
    }

    /// Epochs a run's checkpoint holds (0 before its first).
    private func completedEpochs(_ run: RunFolder) throws -> Int {
        guard FileManager.default.fileExists(atPath: run.checkpointURL.path) else { return 0 }
        return try Checkpoint.history(at: run.checkpointURL).count
    }

    /// The measures of one model at one epoch with one prior, computed once and kept.
    /// The likelihood part does not depend on the prior, so only the Gaussian prior's
    /// measurement computes the importance-weighted bound.
    func measure(_ model: String, seed: UInt64, epoch: Int, prior: Prior = .gaussian) throws -> EvaluationReport {
        let run = runFolder(model, seed: seed)
        let url = run.file("measurements/epoch-\(epoch)-\(prior.rawValue).json")
        // A measurement made before the reconstructions' sharpness (and the bits per
        // dimension, the learned σ) existed is made again.
        let classifier = model == plan.pictureModel?.name ? pictureClassifier : classifier
        // So is one made without the classifier that is now there.
        if let data = try? readFile(url), let report = try? JSONDecoder().decode(EvaluationReport.self, from: data),
           report.reconstructionSharpness != nil, report.samples == nil || report.samples?.sharpness != nil,
           classifier == nil || report.samples == nil || report.classifierAccuracy != nil {
            return report
        }
        observer?.note("Study: measuring \(model), seed \(seed), epoch \(epoch), \(prior.rawValue) prior")
        var options = EvaluationOptions()
        options.weights = weights(model, seed: seed, epoch: epoch)
        options.samples = plan.samples
        options.prior = prior
        options.importanceSamples = prior == .gaussian ? plan.importanceSamples : 0
        options.subset = plan.importanceImages
        options.classifier = classifier
        // Real images against real images are the same for every model: measured once.
        options.realData = prior == .gaussian && (model == StudyPlan.book && epoch == plan.standardEpochs || model == plan.pictureModel?.name)
        let report = try RunEvaluation.evaluate(run, options: options, observer: observer)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(JSONEncoder().encode(report), to: url)
        return report
    }

    /// The model of a run at one of its snapshots.
    func model(_ model: String, seed: UInt64, epoch: Int) throws -> (VariationalAutoencoder, RunConfiguration) {
        try runFolder(model, seed: seed).loadModel(weights: weights(model, seed: seed, epoch: epoch))
    }

    /// The 10-component mixture fitted to a snapshot's codings (the one `measure` fitted
    /// for its `gmm` prior, read back from the run folder).
    func mixture(for trained: VariationalAutoencoder, _ model: String, seed: UInt64, epoch: Int) throws -> GaussianMixture {
        let run = runFolder(model, seed: seed)
        return try MixturePrior.fitted(to: trained, of: run, weights: weights(model, seed: seed, epoch: epoch),
                                       run.readConfiguration(), components: 10, covariance: .full, observer: observer)
    }
}
