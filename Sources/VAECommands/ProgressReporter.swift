import Foundation
import VAE

/// Prints training progress: one line per epoch in Keras's form, and on a terminal a live
/// bar with the step, the running loss and the time left in the epoch.
final class ProgressReporter {
    private let live: Bool
    private var lastDraw = Date.distantPast
    /// Whether the last thing written is a bar, which the next line must first end.
    private var barShown = false

    init(live: Bool = isatty(STDOUT_FILENO) != 0) { self.live = live }

    func step(_ progress: StepProgress) {
        guard live else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || progress.step == progress.steps else { return }
        lastDraw = now
        let width = 30
        let done = width * progress.step / max(progress.steps, 1)
        let bar = String(repeating: "=", count: done) + (done < width ? ">" : "") + String(repeating: ".", count: max(width - done - 1, 0))
        let remaining = progress.elapsed / Double(progress.step) * Double(progress.steps - progress.step)
        let line = String(format: "Epoch %d/%d %d/%d [%@] - loss: %.4f - ETA %.1fs",
                          progress.epoch, progress.epochs, progress.step, progress.steps, bar, progress.loss, remaining)
        Console.write("\r\u{1B}[2K" + line)
        barShown = true
    }

    /// Ends a live bar's line so the next message starts on its own.
    func abandonLine() {
        if barShown { Console.line() }
        barShown = false
    }

    func epoch(_ record: EpochRecord, of epochs: Int) {
        var line = String(format: "Epoch %d/%d - %.2fs - loss: %.4f", record.epoch, epochs, record.seconds, record.loss.total)
        if let validation = record.validation { line += String(format: " - val_loss: %.4f", validation.total) }
        Console.line((live ? "\r\u{1B}[2K" : "") + line)
        barShown = false
    }
}

/// Unbuffered output, so progress shows at once even when standard output is a pipe.
enum Console {
    static func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    static func line(_ text: String = "") { write(text + "\n") }

    /// Text from outside (a file name, a decoder's reason) as it may reach a terminal:
    /// control characters, which could move the cursor or rewrite the screen, escaped.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
