import NeuralNetwork
import NumericCore

/// How sharp images are: the mean magnitude of their gradient, from differences between
/// neighbouring pixels.
///
/// VAEs with Gaussian or Bernoulli decoders are known to produce blurry images, and the
/// feature-based measures only partly see it. Edges make large differences between
/// neighbours; blur spreads them into many small ones, so the mean gradient magnitude
/// drops. Computed on samples and on real images of the same kind, the ratio
/// samples / real says how sharp the samples are: 1 is as sharp as the real images.
public enum Sharpness {
    /// The mean over images, channels and pixels of √(dx² + dy²), where dx and dy are the
    /// forward differences to the right and below, over the (height − 1) × (width − 1)
    /// pixels that have both. `images` holds one image per row, `shape` channel-last, with
    /// values in [0, 1]; a pixel beside a hard black-to-white edge contributes 1.
    public static func meanGradientMagnitude(_ images: Matrix, shape: ImageShape) -> Double {
        precondition(images.columns == shape.size, "images of \(images.columns) values for the shape \(shape)")
        let (height, width, channels) = (shape.height, shape.width, shape.channels)
        guard images.rows > 0, height > 1, width > 1 else { return 0 }
        let rowStride = width * channels
        var total = 0.0
        for image in 0..<images.rows {
            let pixels = images.base + image * shape.size
            var imageTotal: Float = 0
            for y in 0..<(height - 1) {
                let line = pixels + y * rowStride
                for x in 0..<((width - 1) * channels) {
                    let here = line[x]
                    let right = line[x + channels] - here
                    let below = line[x + rowStride] - here
                    imageTotal += (right * right + below * below).squareRoot()
                }
            }
            total += Double(imageTotal)
        }
        return total / Double(images.rows * (height - 1) * (width - 1) * channels)
    }

    /// The samples' mean gradient magnitude divided by the real images': 1 when the samples
    /// are as sharp as the real images, less when they are blurrier.
    public static func ratio(samples: Matrix, real: Matrix, shape: ImageShape) -> Double {
        let reference = meanGradientMagnitude(real, shape: shape)
        precondition(reference > 0, "the real images are flat: there is no sharpness to compare with")
        return meanGradientMagnitude(samples, shape: shape) / reference
    }
}
