import NumericCore

/// y = x + f(x): a block whose layers learn a correction to their input, so that deep
/// stacks train (He et al., 2016). `body` must map its input to the same shape.
public final class Residual: Layer {
    public let body: any Layer
    private var output: BatchBuffer
    private var gradient: BatchBuffer

    public init(_ body: any Layer, width: Int) {
        self.body = body
        output = BatchBuffer(columns: width)
        gradient = BatchBuffer(columns: width)
    }

    public var parameters: [Parameter] { body.parameters }

    public func replica() -> any Layer { Residual(body.replica(), width: output.columns) }

    public func replica(height: Int, of fullHeight: Int) -> any Layer {
        guard let body = body as? any RowwiseLayer else { preconditionFailure("the residual block's body does not keep its rows") }
        return Residual(body.replica(height: height, of: fullHeight), width: output.columns / fullHeight * height)
    }

    public func forward(_ input: Matrix) -> Matrix {
        precondition(input.columns == output.columns, "a residual block of width \(output.columns) got \(input.columns) values")
        let y = output.withRows(input.rows)
        let correction = body.forward(input)
        precondition(correction.columns == input.columns, "a residual block's body must keep its input's shape")
        let a = input.base, b = correction.base, c = y.base
        for i in 0..<y.count { c[i] = a[i] + b[i] }
        return y
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix? {
        // The body may overwrite the gradient it is given, and the skip path needs it too.
        let skip = gradient.withRows(outputGradient.rows)
        if needsInputGradient { skip.base.update(from: outputGradient.base, count: outputGradient.count) }
        guard let fromBody = body.backward(outputGradient, needsInputGradient: needsInputGradient) else { return nil }
        let a = skip.base, b = fromBody.base
        for i in 0..<skip.count { a[i] += b[i] }
        return skip
    }
}
