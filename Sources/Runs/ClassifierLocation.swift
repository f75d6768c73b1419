import Datasets
import Foundation
import Storage

/// Where a dataset's classifier is kept: `$XDG_CACHE_HOME/vae/classifiers` (or
/// `~/.cache/vae/classifiers`), one file per dataset folder, named after the folder.
public enum ClassifierLocation {
    public static var directory: URL {
        CacheDirectory.standard.appendingPathComponent("classifiers")
    }

    public static func url(for data: String) -> URL {
        let resolved = URL(fileURLWithPath: data).resolvingSymlinksInPath()
        let hash = Fingerprint.hex(Fingerprint.fnv1a(Array(resolved.path.utf8))).prefix(8)
        return directory.appendingPathComponent("\(resolved.lastPathComponent)-\(hash).safetensors")
    }
}
