import ArgumentParser
import Datasets
import Foundation
import NumericCore
import VAE

/// `vae study`: runs the experiments that answer the assignment's questions and writes
/// the report, `index.html` (self-contained) and `report.md`.
struct Study: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer the assignment's questions with experiments, in a report you open in a browser.",
        discussion: """
        Trains the book's VAE and its variants (epochs, β, noise, likelihoods, coding size, \
        convolutions) over several seeds, measures each with `vae evaluate`, and writes \
        study/index.html and study/report.md. Everything is kept in the study folder: a rerun \
        skips what is done, and an interrupted study picks up where it stopped.
        """)

    @Option(help: "The study folder.") var out = "study"
    @Flag(help: "A small study: part of the data, a few epochs, one seed (a few minutes).") var quick = false
    @Option(help: "Seeds for every comparison (default: 3, or 1 with --quick).") var seeds: Int?
    @Option(help: "A labelled dataset in MNIST's IDX layout.") var data = MNISTFormat.fashionMNISTDirectory
    @Option(help: "A folder of pictures for a last section on a dataset of your own (make icons gathers one).")
    var pictures: String?

    func validate() throws {
        if let seeds, !(1...10).contains(seeds) { throw ValidationError("--seeds must be from 1 to 10") }
    }

    func run() throws {
        let start = Date()
        let folder = URL(fileURLWithPath: out)
        let count = seeds ?? (quick ? 1 : 3)
        let plan = StudyPlan(quick: quick, seeds: (1...UInt64(count)).map { $0 }, data: data, pictures: pictures)
        let test = try MNISTFormat.load(.test, from: URL(fileURLWithPath: data))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let runner = StudyRunner(plan: plan, folder: folder)
        runner.classifier = try classifier(in: folder)
        try runner.trainAll()

        let classes = (0..<10).map { MNISTFormat.fashionMNISTClasses[$0] }
        var report = StudyReport(runner: runner, test: test, classes: classes)
        report.report.paragraph("""
            The experiments behind this page were run by vae study\(quick ? " --quick" : "") on \(data) \
            (\(quick ? "the first 4,000 training images, " : "")\(count) seed\(count == 1 ? "" : "s") per comparison). \
            Every number was measured in that run: the Fréchet distance, precision, recall and coverage of \
            \(plan.samples) generated images against the \(test.count) test images in the feature space of a \
            classifier trained on the real images (not Inception features, so not FID values), sharpness as the \
            samples' mean gradient ÷ that of real images, and −log p(x) from the importance-weighted bound \
            (k = \(plan.importanceSamples), \(plan.importanceImages) test images). Values are mean ± standard deviation over seeds.
            """)
        try report.epochs()
        try report.latentLoss()
        try report.sampling()
        try report.sharpness()
        if plan.pictureModel != nil { try report.ownPictures() }
        let minutes = Date().timeIntervalSince(start) / 60
        var time = StudyTime.read(from: folder)
        time.seconds += Date().timeIntervalSince(start)
        time.invocations += 1
        report.report.section("About this run")
        report.report.paragraph(String(format: "The study's experiments and this page took %.1f minutes on this machine in all, over %d run%@ of vae study (this one: %.1f minutes; what is already in the study folder is not done again).",
                                        time.seconds / 60, time.invocations, time.invocations == 1 ? "" : "s", minutes))
        try report.report.write(in: folder)
        try time.write(to: folder)
        Console.line(String(format: "Study done in %.1f min. Open %@", minutes, folder.appendingPathComponent("index.html").path))
    }

    /// The classifier the measures use: the dataset's own (trained now if missing), or for
    /// a quick study a quick one of its own.
    func classifier(in folder: URL) throws -> String {
        let url = quick ? folder.appendingPathComponent("classifier.safetensors") : ClassifierLocation.url(for: data)
        if !FileManager.default.fileExists(atPath: url.path) {
            Console.line("Study: training the classifier the measures use")
            var command = try VAECommand.parseAsRoot(["classifier", "--data", data, "--out", url.path]
                                                     + (quick ? ["--epochs", "2", "--limit", "10000"] : []))
            try command.run()
        }
        return url.path
    }
}

/// The time spent on a study folder over every `vae study` that worked on it.
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
