import Foundation
import NeuralNetwork

/// A logistic distribution of each pixel value, discretised to the 256 levels of an 8-bit
/// pixel (Salimans et al., 2017, with one component): the level k/255 gets the logistic's
/// mass over its bin [k − ½, k + ½] / 255, and the lowest and highest levels the tails
/// below and above, so the probabilities of the 256 levels sum to one exactly.
///
///     P(k) = σ((x + h − μ) / s) − σ((x − h − μ) / s),   x = k/255, h = 1/510
///
/// The decoder gives μ and log s for each value of each pixel: output `p · 2C + c` is the
/// location of value c of pixel p and `p · 2C + C + c` its log-scale (less
/// `logScaleOffset`), so a convolutional decoder's last layer simply has 2C channels.
enum DiscretizedLogistic {
    /// Half a level's bin.
    static let halfBin: Float = 0.5 / 255
    /// Scales below e⁻⁷ ≈ 0.0009 (under half a bin) are held there, as PixelCNN++ does: a
    /// smaller one changes no level's probability noticeably but makes the gradient steep.
    static let smallestLogScale: Float = -7
    /// log s = output + this: a decoder that outputs 0 starts with s = e⁻² ≈ 0.14, about the
    /// spread of pixel values in [0, 1], so training starts near a uniform over the levels
    /// rather than far below one (s = 1 puts most of the mass on the two extreme levels).
    static let logScaleOffset: Float = -2

    static func locationIndex(_ value: Int, channels: Int) -> Int {
        (value / channels) * 2 * channels + value % channels
    }

    /// −log P(x) summed over the `values` values of one image, from its `2 · values` outputs.
    /// With `gradient`, writes `scale` × d(−log P) / d(output) into the given pointer.
    static func negativeLogLikelihood(output y: UnsafePointer<Float>, target x: UnsafePointer<Float>, values: Int,
                                      channels: Int, gradient: (UnsafeMutablePointer<Float>, Float)?) -> Float {
        var total: Float = 0
        for i in 0..<values {
            let location = locationIndex(i, channels: channels), scale = location + channels
            let (loss, byLocation, byLogScale) = pixel(x[i], location: y[location], logScale: y[scale])
            total += loss
            if let (g, factor) = gradient {
                g[location] = factor * byLocation
                g[scale] = factor * byLogScale
            }
        }
        return total
    }

    /// −log P of one value and its derivatives by the location and by the log-scale.
    @inline(__always)
    static func pixel(_ x: Float, location mu: Float, logScale output: Float) -> (Float, Float, Float) {
        let logScale = output + logScaleOffset
        let held = logScale < smallestLogScale
        let inverseScale = expf(-(held ? smallestLogScale : logScale))
        let centred = x - mu
        if x < halfBin {
            // The lowest level: P = σ(b), the mass below its bin's upper edge.
            let b = (centred + halfBin) * inverseScale, tail = logistic(-b)
            return (softplus(-b), inverseScale * tail, held ? 0 : b * tail)
        }
        if x > 1 - halfBin {
            // The highest level: P = 1 − σ(a) = σ(−a), the mass above its bin's lower edge.
            let a = (centred - halfBin) * inverseScale, tail = logistic(a)
            return (softplus(a), -inverseScale * tail, held ? 0 : -a * tail)
        }
        let a = (centred - halfBin) * inverseScale, b = (centred + halfBin) * inverseScale
        // σ(b) − σ(a) = σ(−a) − σ(−b): computed on the side where the bin's centre is
        // negative, so the larger term is not near 1 and the difference keeps its digits.
        let mirrored = a + b > 0
        let (low, high) = mirrored ? (-b, -a) : (a, b)
        // Mostly the difference of the two sigmoids is far larger than their rounding: then
        // two exponentials and a logarithm do. σ' is even, so σ'(b) and σ'(a) are those of
        // the side computed on.
        let sigmoidHigh = logistic(high), sigmoidLow = logistic(low), probability = sigmoidHigh - sigmoidLow
        if probability > 1e-3 * sigmoidHigh, probability > 0 {
            let slopeHigh = sigmoidHigh * (1 - sigmoidHigh), slopeLow = sigmoidLow * (1 - sigmoidLow)
            let ratioB = (mirrored ? slopeLow : slopeHigh) / probability, ratioA = (mirrored ? slopeHigh : slopeLow) / probability
            return (-logf(probability), inverseScale * (ratioB - ratioA), held ? 0 : b * ratioB - a * ratioA)
        }
        // A bin so narrow against the scale, or so far in a tail, that the difference would
        // lose its digits: in logs.
        let logHigh = -softplus(-high), logLow = -softplus(-low)
        let logProbability = logHigh + logf(-expm1f(logLow - logHigh))
        // d(−log P) = (σ'(b) db − σ'(a) da) / P, with σ' even, so the ratios are the same
        // on either side; each in logs, as P may be tiny.
        let ratioB = expf(logDerivative(b) - logProbability), ratioA = expf(logDerivative(a) - logProbability)
        return (-logProbability, inverseScale * (ratioB - ratioA), held ? 0 : b * ratioB - a * ratioA)
    }

    /// log σ'(t) = log σ(t) + log σ(−t).
    @inline(__always) static func logDerivative(_ t: Float) -> Float { -softplus(t) - softplus(-t) }

    /// log(1 + eᵗ), without overflow.
    @inline(__always) static func softplus(_ t: Float) -> Float { max(t, 0) + log1pf(expf(-abs(t))) }
}
