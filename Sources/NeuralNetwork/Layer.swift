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
    /// A layer computing the same function with the same parameter values (shared, not
    /// copied) and buffers and gradients of its own: what a second core trains another
    /// part of a batch on.
    func replica() -> any Layer
}

extension Layer {
    /// `forward(input)`: a layer reads as the function it is.
    public func callAsFunction(_ input: Matrix) -> Matrix { forward(input) }

    @discardableResult
    public func backward(_ outputGradient: Matrix) -> Matrix? {
        backward(outputGradient, needsInputGradient: true)
    }
}
