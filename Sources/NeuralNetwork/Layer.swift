import NumericCore

/// A differentiable map from a batch of rows to a batch of rows.
///
/// `forward` keeps what `backward` will need and returns a buffer the layer owns, valid
/// until its next call. `backward` takes the gradient of the loss with respect to that
/// output, sets the gradients of the layer's parameters, and returns the gradient with
/// respect to the input (or nil when `needsInputGradient` is false, the first layer's
/// case, which saves a whole matrix product). It may overwrite `outputGradient`.
public protocol Layer: AnyObject {
    var parameters: [Parameter] { get }
    func forward(_ input: Matrix) -> Matrix
    func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix?
}

extension Layer {
    @discardableResult
    public func backward(_ outputGradient: Matrix) -> Matrix? {
        backward(outputGradient, needsInputGradient: true)
    }
}
