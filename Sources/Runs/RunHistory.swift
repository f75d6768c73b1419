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
