import Foundation
import NeuralNetwork
import NumericCore

/// How much of images' detail is fine detail: the share of each image's contrast that lies
/// at high spatial frequencies, samples ÷ real images.
///
/// Each image's power spectrum (a 2-D discrete Fourier transform per channel) is taken
/// without its mean (the DC term), and the share of the remaining power above half the
/// Nyquist frequency (radius > ¼ cycle per pixel) is the image's score. Dividing by the
/// image's own power makes the score blind to contrast: a faint and a bold image of the
/// same shapes score alike. Blur removes high frequencies first (a Gaussian of σ = 1 pixel
/// keeps under a tenth of the power at ¼ cycle per pixel), so blurry samples score well
/// below real ones.
///
/// Noise has a flat spectrum, so it puts far more power at high frequencies than natural
/// images do, and would score above 1. A ratio above `noiseThreshold` is therefore not
/// read as "sharper than real" but flagged as noise or artefacts; `rankable` is the value
/// to sort models by, which never rises above 1.
public struct SpectralSharpness: Codable, Equatable, Sendable {
    /// Mean high-frequency share of the samples ÷ that of the real images.
    public var ratio: Double
    /// The samples' mean high-frequency share, and the real images'.
    public var samples: Double
    public var real: Double

    /// Above this ratio the extra high-frequency power is noise, not detail.
    public static let noiseThreshold = 1.25
    /// The radius, in cycles per pixel, above which a frequency counts as high.
    public static let highFrequency = 0.25

    /// Whether the samples hold more high-frequency power than real images can explain.
    public var flaggedAsNoise: Bool { ratio > Self.noiseThreshold }

    /// The ratio capped at 1, and 0 when flagged: noise cannot rank as sharper than real images.
    public var rankable: Double { flaggedAsNoise ? 0 : min(ratio, 1) }

    public init(samples: Matrix, real: Matrix, shape: ImageShape) {
        let (generated, reference) = (Self.meanHighFrequencyShare(samples, shape: shape),
                                      Self.meanHighFrequencyShare(real, shape: shape))
        precondition(reference > 0, "the real images have no high-frequency detail to compare with")
        self.samples = generated
        self.real = reference
        ratio = generated / reference
    }

    /// The mean over images (and channels) of the share of power above `highFrequency`;
    /// images with no contrast at all count as 0.
    public static func meanHighFrequencyShare(_ images: Matrix, shape: ImageShape) -> Double {
        precondition(images.columns == shape.size, "images of \(images.columns) values for the shape \(shape)")
        guard images.rows > 0 else { return 0 }
        let transform = Spectrum(height: shape.height, width: shape.width)
        var total = 0.0
        var plane = [Double](repeating: 0, count: shape.height * shape.width)
        for image in 0..<images.rows {
            for channel in 0..<shape.channels {
                for pixel in 0..<plane.count { plane[pixel] = Double(images[image, pixel * shape.channels + channel]) }
                total += transform.highFrequencyShare(plane, above: highFrequency)
            }
        }
        return total / Double(images.rows * shape.channels)
    }
}

/// The power spectrum of small images by two passes of a direct DFT (rows, then columns):
/// O(h·w·(h + w)) per image, a few microseconds for 28 × 28.
struct Spectrum {
    let height: Int
    let width: Int
    private let rowCos: [Double], rowSin: [Double], columnCos: [Double], columnSin: [Double]

    init(height: Int, width: Int) {
        self.height = height
        self.width = width
        func table(_ n: Int, _ f: (Double) -> Double) -> [Double] {
            (0..<(n * n)).map { f(2 * Double.pi * Double(($0 / n) * ($0 % n)) / Double(n)) }
        }
        (rowCos, rowSin) = (table(width, cos), table(width, sin))
        (columnCos, columnSin) = (table(height, cos), table(height, sin))
    }

    /// Of the power of `plane` (row-major, height × width) without its mean, the share at
    /// radial frequencies above `cutoff` cycles per pixel; 0 for a flat plane.
    func highFrequencyShare(_ plane: [Double], above cutoff: Double) -> Double {
        var real = [Double](repeating: 0, count: height * width), imaginary = real
        for y in 0..<height {
            for u in 0..<width {
                var re = 0.0, im = 0.0
                for x in 0..<width {
                    re += plane[y * width + x] * rowCos[u * width + x]
                    im -= plane[y * width + x] * rowSin[u * width + x]
                }
                real[y * width + u] = re
                imaginary[y * width + u] = im
            }
        }
        var high = 0.0, all = 0.0
        for u in 0..<width {
            let fu = Double(min(u, width - u)) / Double(width)
            for v in 0..<height {
                var re = 0.0, im = 0.0
                for y in 0..<height {
                    let (c, s) = (columnCos[v * height + y], columnSin[v * height + y])
                    let (a, b) = (real[y * width + u], imaginary[y * width + u])
                    re += a * c + b * s
                    im += b * c - a * s
                }
                guard u != 0 || v != 0 else { continue }
                let fv = Double(min(v, height - v)) / Double(height)
                let power = re * re + im * im
                all += power
                if (fu * fu + fv * fv).squareRoot() > cutoff { high += power }
            }
        }
        return all > 1e-12 ? high / all : 0
    }
}
