import ArgumentParser
import Datasets
import Foundation
import Runs
import Study

/// `vae study`: runs the experiments that answer the assignment's questions and writes
/// the report, `index.html` (self-contained) and `report.md`.
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
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
        let count = seeds ?? (quick ? 1 : 3)
        let plan = StudyPlan(quick: quick, seeds: (1...UInt64(count)).map { $0 }, data: data, pictures: pictures)
        let page = try CommandErrors.translating {
            try StudyRun.run(plan, in: URL(fileURLWithPath: out), observer: ConsoleObserver())
        }
        Console.line(String(format: "Study done in %.1f min. Open %@", Date().timeIntervalSince(start) / 60, page.path))
    }
}
