import Datasets
import VAE

/// What a run tells whoever watches it: a terminal, a server, a notebook. Every method has
/// an empty default, so an observer implements only what it shows.
public protocol RunObserver: AnyObject {
    /// Pictures decoded so far of a folder being read (not called when the cache answers).
    func decodingPictures(done: Int, total: Int)
    /// A folder of pictures was read: how many images, which files were left out and why.
    func picturesLoaded(_ loading: PictureLoading)
    /// Something a person should know that is not an error (images gone from a folder, a
    /// prior fitted again).
    func note(_ text: String)
    /// A training is about to run its epochs.
    func trainingStarted(_ run: TrainingRun)
    /// One optimizer step is done.
    func stepFinished(_ progress: StepProgress)
    /// An epoch is done and its files are written.
    func epochFinished(_ record: EpochRecord, of epochs: Int)
}

extension RunObserver {
    public func decodingPictures(done: Int, total: Int) {}
    public func picturesLoaded(_ loading: PictureLoading) {}
    public func note(_ text: String) {}
    public func trainingStarted(_ run: TrainingRun) {}
    public func stepFinished(_ progress: StepProgress) {}
    public func epochFinished(_ record: EpochRecord, of epochs: Int) {}
}

/// How a folder of pictures was read.
public struct PictureLoading: Sendable {
    public var folder: String
    public var images: Int
    public var side: Int
    public var skipped: [ImageCollection.Skipped]
    /// Whether the decoded images came from the cache.
    public var fromCache: Bool
    public var seconds: Double
}
