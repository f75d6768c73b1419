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

    init<G: RandomNumberGenerator>(_ plan: LayerPlan, generator: inout G) {
        body = Sequential(plan.encoder.map { $0.make(&generator) })
        // Both heads are dense by construction of the plan.
        mean = plan.mean.make(&generator) as! Dense
        logVariance = plan.logVariance.make(&generator) as! Dense
    }

    private init(body: Sequential, mean: Dense, logVariance: Dense) {
        self.body = body
        self.mean = mean
        self.logVariance = logVariance
    }

    /// The same encoder on the same weights, with buffers and gradients of its own.
    func replica() -> Encoder {
        Encoder(body: body.replica() as! Sequential, mean: mean.replica() as! Dense,
                logVariance: logVariance.replica() as! Dense)
    }

    public var parameters: [Parameter] { body.parameters + mean.parameters + logVariance.parameters }

    public func callAsFunction(_ images: Matrix) -> (mean: Matrix, logVariance: Matrix) { forward(images) }

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

/// Maps codings back to images: the encoder's layers mirrored, ending with one output per
/// pixel whose activation the likelihood chooses.
public final class Decoder {
    public let network: Sequential

    init<G: RandomNumberGenerator>(_ plan: LayerPlan, generator: inout G) {
        network = Sequential(plan.decoder.map { $0.make(&generator) })
    }

    private init(network: Sequential) { self.network = network }

    /// The same decoder on the same weights, with buffers and gradients of its own.
    func replica() -> Decoder { Decoder(network: network.replica() as! Sequential) }

    public func callAsFunction(_ codings: Matrix) -> Matrix { forward(codings) }

    public var parameters: [Parameter] { network.parameters }

    public func forward(_ codings: Matrix) -> Matrix { network.forward(codings) }

    /// Returns ∂loss/∂codings.
    public func backward(_ outputGradient: Matrix) -> Matrix { network.backward(outputGradient)! }
}
