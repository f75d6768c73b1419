import NeuralNetwork
import NumericCore

/// A feature-matching term: the squared distance between the features of a reconstruction
/// and of its image under a fixed convolutional network, added to the decoder's loss.
///
///     perceptual = weight · values · Σₗ mean((φₗ(x̂) − φₗ(x))²) / mean(φₗ(x)²)      ℓ = 1, 2
///
/// Pixel losses average over the images a code could stand for, which is blur; matching
/// features of edges and textures as well asks the decoder for their positions. The network
/// is two 3×3 convolutions (32 and 64 filters, stride 2, ReLU) with weights drawn once from
/// a fixed seed and never trained: random convolutional features are known to carry much of
/// a trained network's perceptual signal, and this one has nothing to do with the
/// evaluation classifier, so the Fréchet distance is not measured by what the model was
/// trained to please. Each layer's error is relative to the size of the images' own features
/// (their mean square over the batch, a constant of the images), so the scale of random
/// weights drops out, and `values` (pixels × channels) puts the term on the scale of a loss
/// summed over pixels: at weight 1, features 10% off in RMS cost 1% of a nat per value and layer.
public final class PerceptualLoss {
    public let weight: Float
    /// The network on the reconstructions and, with buffers of its own, on the images.
    let layers: [Convolution2D]
    let targetLayers: [Convolution2D]
    private let channels: Int
    private let likelihood: Likelihood
    private var reconstructions: BatchBuffer
    private var featureGradient: BatchBuffer
    /// Each layer's features of the reconstructions − of the images.
    private var differences: [BatchBuffer]
    /// Each layer's 1 / mean(φₗ(x)²) for the current batch.
    private var normalizers: [Float]

    /// The seed of the network's weights: the same network for every model and run.
    static let seed: UInt64 = 0x9E5C_E917

    public convenience init(weight: Float, shape: ImageShape, likelihood: Likelihood) {
        var generator = SeededGenerator(seed: Self.seed)
        let first = Convolution2D(input: shape, filters: 32, stride: 2, name: "perceptual.conv1", generator: &generator)
        let second = Convolution2D(input: first.outputShape, filters: 64, stride: 2, name: "perceptual.conv2", generator: &generator)
        self.init(weight: weight, layers: [first, second], channels: shape.channels, likelihood: likelihood)
    }

    private init(weight: Float, layers: [Convolution2D], channels: Int, likelihood: Likelihood) {
        self.weight = weight
        self.layers = layers
        targetLayers = layers.map { $0.replica() as! Convolution2D }
        self.channels = channels
        self.likelihood = likelihood
        reconstructions = BatchBuffer(columns: layers[0].inputShape.size)
        featureGradient = BatchBuffer(columns: layers.last!.outputShape.size)
        differences = layers.map { BatchBuffer(columns: $0.outputShape.size) }
        normalizers = layers.map { _ in 1 }
    }

    /// The same network (shared weights) with buffers of its own, for another core.
    func replica() -> PerceptualLoss {
        PerceptualLoss(weight: weight, layers: layers.map { $0.replica() as! Convolution2D }, channels: channels, likelihood: likelihood)
    }

    /// The term averaged over the batch, from the decoder's `output` for `target`; with
    /// `gradient`, adds its gradient by the output (for the batch mean) to it.
    public func evaluate(output: Matrix, target: Matrix, gradient: Matrix?) -> Float {
        let rows = target.rows, values = Float(target.columns)
        let images = reconstructionImages(output)
        var targetFeatures = target, features = images
        var total: Float = 0
        for index in layers.indices {
            targetFeatures = targetLayers[index](targetFeatures)
            features = layers[index](features)
            let difference = differences[index].withRows(rows)
            var squares: Double = 0, size: Double = 0
            for i in 0..<difference.count {
                let d = features.base[i] - targetFeatures.base[i]
                difference.base[i] = d
                squares += Double(d * d)
                size += Double(targetFeatures.base[i] * targetFeatures.base[i])
            }
            // Images whose features are all zero (blank ones) weigh errors as if of unit size.
            normalizers[index] = size > 0 ? Float(Double(difference.count) / size) : 1
            total += Float(squares) * normalizers[index] / Float(difference.count)
        }
        let value = weight * values * total
        guard let gradient else { return value }
        // Back through the network: each layer's own term joins the gradient from above.
        var upstream: Matrix? = nil
        for index in layers.indices.reversed() {
            let difference = differences[index].matrix!
            let scale = 2 * weight * values * normalizers[index] / Float(difference.count)
            let g = upstream ?? featureGradient.withRows(rows)
            if upstream == nil { g.base.update(repeating: 0, count: difference.count) }
            for i in 0..<difference.count { g.base[i] += scale * difference.base[i] }
            upstream = layers[index].backward(g, needsInputGradient: true)
        }
        addToOutputGradient(upstream!, output: output, images: images, gradient: gradient)
        return value
    }

    /// The decoder's output as images, the likelihood's means.
    private func reconstructionImages(_ output: Matrix) -> Matrix {
        switch likelihood {
        case .mse, .gaussian:
            return output
        case .bernoulli, .logistic:
            let images = reconstructions.withRows(output.rows)
            likelihood.writeImages(fromOutput: output, channels: channels, into: images)
            return images
        }
    }

    /// d(term)/d(image) carried to the output through the mean's map from it.
    private func addToOutputGradient(_ byImage: Matrix, output: Matrix, images: Matrix, gradient: Matrix) {
        let size = byImage.columns
        for r in 0..<byImage.rows {
            let g = gradient.base + r * gradient.columns, d = byImage.base + r * size
            let y = output.base + r * output.columns, x = images.base + r * size
            for i in 0..<size {
                switch likelihood {
                case .mse, .gaussian: g[i] += d[i]
                case .bernoulli: g[i] += d[i] * x[i] * (1 - x[i])
                case .logistic:
                    let location = DiscretizedLogistic.locationIndex(i, channels: channels)
                    if (0...1).contains(y[location]) { g[location] += d[i] }
                }
            }
        }
    }
}
