import Foundation
import Runs

/// The explorers of the runs people have opened, loaded once each and kept while their
/// weights stay the same: a run still training gets a new explorer once a newer epoch's
/// weights are written. At most `capacity` runs are kept, the least recently used leaving first.
public final class ExplorerCache: @unchecked Sendable {
    public let catalog: RunCatalog
    public let capacity: Int
    private var explorers: [String: (explorer: LatentExplorer, used: UInt64)] = [:]
    private var clock: UInt64 = 0
    private let lock = NSLock()
    /// One load at a time: loading reads a dataset and encodes its test images.
    private let loading = NSLock()

    public init(catalog: RunCatalog, capacity: Int = 4) {
        self.catalog = catalog
        self.capacity = max(capacity, 1)
    }

    /// The explorer of run `name`, loaded now if it is not kept or its weights changed.
    public func explorer(for name: String) throws -> LatentExplorer {
        let folder = try catalog.folder(named: name)
        for file in ["model.safetensors", "config.json"] where catalog.file(file, of: folder) == nil {
            throw ExplorerError.notReady("the run has no \(file) yet")
        }
        if let kept = current(name, folder) { return kept }
        loading.lock()
        defer { loading.unlock() }
        if let kept = current(name, folder) { return kept }
        let explorer = try LatentExplorer(run: name, folder: folder)
        lock.withLock {
            clock += 1
            explorers[name] = (explorer, clock)
            while explorers.count > capacity, let oldest = explorers.min(by: { $0.value.used < $1.value.used })?.key {
                explorers[oldest] = nil
            }
        }
        return explorer
    }

    private func current(_ name: String, _ folder: RunFolder) -> LatentExplorer? {
        let stamp = RunSummary.stamp(of: folder, files: RunSummary.modelFiles, activity: false)
        return lock.withLock {
            guard let kept = explorers[name], kept.explorer.weightsStamp == stamp else { return nil }
            clock += 1
            explorers[name]?.used = clock
            return kept.explorer
        }
    }
}
