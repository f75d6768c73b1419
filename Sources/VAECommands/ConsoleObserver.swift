import Foundation
import NumericCore
import Runs
import VAE

/// Shows a run on the terminal: decoding progress, the files left out, notes, a live bar
/// for the steps of an epoch and one line per epoch in Keras's form.
final class ConsoleObserver: RunObserver {
    private let live: Bool
    private let progress: ProgressReporter
    /// The most anonymous memory (`RssAnon`) seen at the start and at every epoch's end.
    private(set) var largestAnonymousBytes: Int?

    init(live: Bool = isatty(STDOUT_FILENO) != 0) {
        self.live = live
        progress = ProgressReporter(live: live)
    }

    func decodingPictures(done: Int, total: Int) {
        if live { Console.write("\r\u{1B}[2KDecoding pictures: \(done)/\(total)") }
    }

    func picturesLoaded(_ loading: PictureLoading) {
        if live && !loading.fromCache { Console.write("\r\u{1B}[2K") }
        let shown = 20
        for skipped in loading.skipped.prefix(shown) {
            Console.line("Skipped \(Console.escaped(skipped.path)): \(Console.escaped(skipped.problem))")
        }
        if loading.skipped.count > shown {
            Console.line("… and \(loading.skipped.count - shown) more skipped files.")
        }
        Console.line(String(format: "%@ %d images of %d×%d from %@%@ in %.1fs.",
                            loading.fromCache ? "Read" : "Decoded", loading.images, loading.side, loading.side,
                            Console.escaped(loading.folder),
                            loading.skipped.isEmpty ? "" : " (\(loading.skipped.count) files skipped)", loading.seconds))
    }

    func note(_ text: String) {
        progress.abandonLine()
        Console.line(text)
    }

    func trainingStarted(_ run: TrainingRun) {
        let done = run.epochsDone
        let total = run.configuration.training.epochs
        let partly = run.trainer.state.epochInProgress.map { " and step \($0.stepsDone) of epoch \(done + 1)" } ?? ""
        noteAnonymousMemory()
        Console.line(InstructionSet.summary)
        Console.line((done > 0 || !partly.isEmpty ? "Resuming after epoch \(done)\(partly) of \(total). " : "")
            + "Training on \(run.data.training.count) images, validating on \(run.data.validation.count); "
            + "\(run.model.parameters.reduce(0) { $0 + $1.value.count }) parameters; writing \(run.folder.url.path)")
    }

    func stepFinished(_ step: StepProgress) { progress.step(step) }

    func epochFinished(_ record: EpochRecord, of epochs: Int) {
        progress.epoch(record, of: epochs)
        noteAnonymousMemory()
    }

    private func noteAnonymousMemory() {
        guard let now = ProcessMemory.anonymousResidentBytes else { return }
        largestAnonymousBytes = max(largestAnonymousBytes ?? 0, now)
    }

    /// Ends a live bar's line so the next message starts on its own.
    func abandonLine() { progress.abandonLine() }
}
