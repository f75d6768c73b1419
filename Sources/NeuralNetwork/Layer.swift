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

/// A layer whose output rows each depend on its input rows around them alone, so it runs
/// unchanged on images cut to their first rows: a stride-1 convolution (masked or not), a
/// residual block or a sequence of such layers. A PixelCNN samples row after row through it.
public protocol RowwiseLayer: Layer {
    /// This layer on images of `height` of their `fullHeight` rows, on the same (shared)
    /// parameters, with buffers of its own.
    func replica(height: Int, of fullHeight: Int) -> any Layer
}

extension Convolution2D: RowwiseLayer {}
extension MaskedConvolution2D: RowwiseLayer {}
extension Residual: RowwiseLayer {}
extension Sequential: RowwiseLayer {}

extension Layer {
    /// `forward(input)`: a layer reads as the function it is.
    public func callAsFunction(_ input: Matrix) -> Matrix { forward(input) }

    @discardableResult
    public func backward(_ outputGradient: Matrix) -> Matrix? {
        backward(outputGradient, needsInputGradient: true)
    }
}
