import Datasets
import Foundation
import Runs
import Storage

/// The whole study: trains and measures every model of a plan, then writes the report,
/// `index.html` (self-contained) and `report.md`, into one folder. Everything is kept
/// there, so a rerun skips what is done and an interrupted study picks up where it stopped.
public enum StudyRun {
    /// Runs `plan` in `folder` and returns the report page's location.
    @discardableResult
    public static func run(_ plan: StudyPlan, in folder: URL, observer: RunObserver? = nil) throws -> URL {
        let start = Date()
        let test = try MNISTFormat.load(.test, from: URL(fileURLWithPath: plan.data))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let runner = StudyRunner(plan: plan, folder: folder, observer: observer)
        runner.classifier = try classifier(for: plan, in: folder, observer: observer)
        try runner.trainAll()
        runner.pictureClassifier = try pictureClassifier(for: plan, in: folder, runner: runner, observer: observer)

        let classes = (0..<10).map { MNISTFormat.fashionMNISTClasses[$0] }
        var report = StudyReport(runner: runner, test: test, classes: classes)
        let count = plan.seeds.count
        report.report.paragraph("""
            The experiments behind this page were run by vae study\(plan.quick ? " --quick" : "") on \(plan.data) \
            (\(plan.quick ? "the first 4,000 training images, " : "")\(count) seed\(count == 1 ? "" : "s") per comparison). \
            Every number was measured in that run: the Fréchet distance, precision, recall and coverage of \
            \(plan.samples) generated images against the \(test.count) test images in the feature space of a \
            classifier trained on the real images (not Inception features, so not FID values), sharpness as the \
            samples' mean gradient ÷ that of real images (and, in question 4, as their share of high-frequency \
            power ÷ real images', which is blind to contrast and flags noise), and −log p(x) from the \
            importance-weighted bound, an upper bound on it \
            (k = \(plan.importanceSamples), \(plan.importanceImages) test images). Values are mean ± standard deviation over seeds.
            """)
        report.report.paragraph("""
            What the figures show, read by a person and checked against the figures of the study kept with the \
            package (its docs/study/README.md, beside that study's copy of this report; a study run elsewhere draws \
            figures of its own, which the reading describes as far as they agree):
            """, linkText: "the reading of the figures", target: "README.md")
        try report.epochs()
        try report.latentLoss()
        try report.sampling()
        try report.sharpness()
        try report.latentPaths()
        if plan.pictureModel != nil { try report.ownPictures() }
        let minutes = Date().timeIntervalSince(start) / 60
        var time = StudyTime.read(from: folder)
        time.seconds += Date().timeIntervalSince(start)
        time.invocations += 1
        report.report.section("About this run")
        let invocations = time.invocations == 1 ? "one run of vae study" : "\(time.invocations) runs of vae study"
        let this = time.invocations == 1 ? "" : minutes < 0.5
            ? " The last of them only wrote this page from what the folder held."
            : String(format: " The last of them took %.1f minutes; what a study folder already holds is not done again.", minutes)
        report.report.paragraph(String(format: "The study's experiments and this page took %.1f minutes on this machine in all, over ", time.seconds / 60)
                                + invocations + "." + this)
        try report.report.write(in: folder)
        try time.write(to: folder)
        return folder.appendingPathComponent("index.html")
    }

    /// A classifier of the own pictures' categories (their sub-folders), trained once on the
    /// picture run's training split and kept in the study folder; nil when the pictures
    /// have fewer than two categories.
    static func pictureClassifier(for plan: StudyPlan, in folder: URL, runner: StudyRunner,
                                  observer: RunObserver?) throws -> URL? {
        guard let model = plan.pictureModel else { return nil }
        let url = folder.appendingPathComponent("pictures-classifier.safetensors")
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let run = runner.runFolder(model.name, seed: plan.seeds[0])
        let (training, test) = try RunData.trainingAndTest(of: run.readConfiguration(), run: run, observer: observer)
        guard let training, training.hasLabels, test.hasLabels,
              Set((0..<training.count).compactMap { training.label($0) }).count >= 2 else { return nil }
        observer?.note("Study: training a classifier of the own pictures' categories")
        try DatasetClassifier.train(training: training, test: test, named: model.data ?? "the pictures",
                                    epochs: plan.quick ? 2 : 20, to: url, observer: observer)
        return url
    }

    /// The classifier the measures use: the dataset's own (trained now if missing), or for
    /// a quick study a quick one of its own.
    static func classifier(for plan: StudyPlan, in folder: URL, observer: RunObserver?) throws -> URL {
        let url = plan.quick ? folder.appendingPathComponent("classifier.safetensors") : ClassifierLocation.url(for: plan.data)
        if !FileManager.default.fileExists(atPath: url.path) {
            observer?.note("Study: training the classifier the measures use")
            try DatasetClassifier.train(data: plan.data, epochs: plan.quick ? 2 : 10, limit: plan.quick ? 10_000 : nil,
                                        to: url, observer: observer)
        }
        return url
    }
}

/// The time spent on a study folder over every study that worked on it.
struct StudyTime: Codable {
    var seconds = 0.0
    var invocations = 0

    static func url(in folder: URL) -> URL { folder.appendingPathComponent("time.json") }

    static func read(from folder: URL) -> StudyTime {
        (try? JSONDecoder().decode(StudyTime.self, from: Data(contentsOf: url(in: folder)))) ?? StudyTime()
    }

    func write(to folder: URL) throws {
        try AtomicFile.write(JSONEncoder().encode(self), to: Self.url(in: folder))
    }
}
