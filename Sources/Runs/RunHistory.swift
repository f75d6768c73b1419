import Foundation
import Storage
import VAE

/// `history.csv`: one row per epoch, the columns Keras's `History` gives and the loss's parts.
public enum RunHistory {
    public static let header =
        "epoch,loss,val_loss,reconstruction,latent,kl_nats,val_reconstruction,val_latent,val_kl_nats,seconds"

    /// The file's text for `records`.
    public static func csv(_ records: [EpochRecord]) -> String {
        func number(_ value: Float?) -> String { value.map { String(format: "%.8g", $0) } ?? "" }
        var csv = header + "\n"
        for record in records {
            let v = record.validation
            csv += [String(record.epoch), number(record.loss.total), number(v?.total),
                    number(record.loss.reconstruction), number(record.loss.latent), number(record.loss.divergence),
                    number(v?.reconstruction), number(v?.latent), number(v?.divergence),
                    String(format: "%.4f", record.seconds)].joined(separator: ",") + "\n"
        }
        return csv
    }

    public static func write(_ records: [EpochRecord], to url: URL) throws {
        try AtomicFile.write(csv(records), to: url)
    }
}

extension RunHistory {
    /// The records of a `history.csv`, every field checked: the header as this program
    /// writes it, epochs counting up from 1, finite losses, empty validation columns only
    /// all together. For readers of a run another process may still be training; the file
    /// is replaced whole (`AtomicFile`), so it is never seen half-written.
    public static func read(_ url: URL) throws -> [EpochRecord] {
        let text = String(decoding: try readFile(url), as: UTF8.self)
        func invalid(_ line: Int, _ problem: String) -> FileError {
            FileError(path: url.path, problem: "line \(line): \(problem)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first == header else {
            throw FileError(path: url.path, problem: "does not start with the history header (\(header))")
        }
        var records: [EpochRecord] = []
        for (index, line) in lines.dropFirst().enumerated() {
            let number = index + 2
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 10 else { throw invalid(number, "\(fields.count) fields, not 10") }
            guard let epoch = Int(fields[0]), epoch == records.count + 1 else {
                throw invalid(number, "epoch \(fields[0]) where \(records.count + 1) was expected")
            }
            func value(_ column: Int) throws -> Float {
                guard let value = Float(fields[column]), value.isFinite else {
                    throw invalid(number, "\(fields[column].isEmpty ? "an empty" : "'\(fields[column])', not a finite") number in column \(column + 1)")
                }
                return value
            }
            let loss = LossBreakdown(total: try value(1), reconstruction: try value(3), latent: try value(4),
                                     divergence: try value(5))
            let validationColumns = [2, 6, 7, 8]
            var validation: LossBreakdown?
            if validationColumns.contains(where: { !fields[$0].isEmpty }) {
                validation = LossBreakdown(total: try value(2), reconstruction: try value(6), latent: try value(7),
                                           divergence: try value(8))
            }
            let seconds = try value(9)
            guard seconds >= 0 else { throw invalid(number, "a negative time") }
            records.append(EpochRecord(epoch: epoch, loss: loss, validation: validation, seconds: Double(seconds)))
        }
        return records
    }
}
