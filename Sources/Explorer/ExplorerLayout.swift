import Foundation
import VAE

/// What the explorer page needs to draw its controls for one run: the image's shape, the
/// latent dimensions with their spread over the test images, the map of the test
/// images' mean codings, the priors to sample from, and for a VQ-VAE its code grid.
public struct ExplorerLayout: Codable, Sendable {
    public struct Dimension: Codable, Sendable {
        public var index: Int
        /// Mean and standard deviation of the dimension's mean coding over the test images.
        public var mean: Float
        public var spread: Float
        /// Its mean coding varies by more than `LatentUsage.activeThreshold` in variance.
        public var active: Bool
    }

    /// The plane of the map: a coding is `origin + x · axes[0] + y · axes[1]`.
    public struct Map: Codable, Sendable {
        /// "pca" (the first two principal components of the test images' mean codings) or
        /// "dimensions" (the two most active dimensions, for codings of two dimensions).
        public var kind: String
        public var axisNames: [String]
        public var origin: [Float]
        public var axes: [[Float]]
        /// Share of the mean codings' variance each axis shows.
        public var explained: [Float]
        /// x, y and the class label (−1 without labels) of each test image shown.
        public var points: [[Float]]
    }

    public var run: String
    public var family: String
    /// "continuous" (codings to move through) or "discrete" (a grid of codes).
    public var kind: String
    public var height: Int
    public var width: Int
    public var channels: Int
    public var codingSize: Int
    public var dimensions: [Dimension]
    public var map: Map?
    public var classes: [String]
    /// The test images the explorer holds, indexed from 0.
    public var testImages: Int
    /// The priors `samples` accepts.
    public var priors: [String]
    /// Why a prior is missing, when the family has one but the run cannot use it yet.
    public var priorNotes: [String]
    /// A VQ-VAE's code grid (rows, columns) and codebook size.
    public var grid: [Int]?
    public var codebookSize: Int?
    /// The largest counts and sizes a request may ask for.
    public var limits: ExplorerLimits
}

/// The bounds on one request's work.
public struct ExplorerLimits: Codable, Sendable {
    public var samples = 64
    public var discreteSamples = 16
    public var interpolationSteps = 16
    public var codingMagnitude: Float = 100
    public init() {}
}
