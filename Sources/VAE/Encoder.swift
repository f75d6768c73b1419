import NumericCore
import NeuralNetwork

/// Maps images to the parameters of a Gaussian over codings: the mean μ and γ = log σ².
///
/// A stack of hidden layers feeds two linear heads side by side, as in the book's
/// functional-API encoder.
public final class Encoder {
    public let body: Sequential
    public let mean: Dense
    public let logVariance: Dense

    public init<G: RandomNumberGenerator>(_ configuration: ModelConfiguration, generator: inout G) {
        var layers: [any Layer] = []
        var width = configuration.imageSize
        for (index, size) in configuration.hidden.enumerated() {
            layers.append(Dense(width, size, activation: configuration.activation,
                                name: "encoder.dense\(index + 1)", generator: &generator))
            width = size
        }
        body = Sequential(layers)
        mean = Dense(width, configuration.codingSize, name: "encoder.mean", generator: &generator)
        logVariance = Dense(width, configuration.codingSize, name: "encoder.log_var", generator: &generator)
    }

    public var parameters: [Parameter] { body.parameters + mean.parameters + logVariance.parameters }

    public func forward(_ images: Matrix) -> (mean: Matrix, logVariance: Matrix) {
        let features = body.forward(images)
        return (mean.forward(features), logVariance.forward(features))
    }

    /// Back-propagates both heads' gradients; the images' own gradient is never needed.
    public func backward(meanGradient: Matrix, logVarianceGradient: Matrix) {
        let fromMean = mean.backward(meanGradient)!
        let fromLogVariance = logVariance.backward(logVarianceGradient)!
        // The heads share their input, so its gradient is the sum of both.
        let a = fromMean.base, b = fromLogVariance.base
        for i in 0..<fromMean.count { a[i] += b[i] }
        _ = body.backward(fromMean, needsInputGradient: false)
    }
}

/// Maps codings back to images: the encoder's hidden sizes in reverse, then a layer with
/// one output per pixel whose activation the likelihood chooses.
public final class Decoder {
    public let network: Sequential

    public init<G: RandomNumberGenerator>(_ configuration: ModelConfiguration, generator: inout G) {
        var layers: [any Layer] = []
        var width = configuration.codingSize
        for (index, size) in configuration.hidden.reversed().enumerated() {
            layers.append(Dense(width, size, activation: configuration.activation,
                                name: "decoder.dense\(index + 1)", generator: &generator))
            width = size
        }
        layers.append(Dense(width, configuration.imageSize, activation: configuration.likelihood.outputActivation,
                            name: "decoder.output", generator: &generator))
        network = Sequential(layers)
    }

    public var parameters: [Parameter] { network.parameters }

    public func forward(_ codings: Matrix) -> Matrix { network.forward(codings) }

    /// Returns ∂loss/∂codings.
    public func backward(_ outputGradient: Matrix) -> Matrix { network.backward(outputGradient)! }
}
