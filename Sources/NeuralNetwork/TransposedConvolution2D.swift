import NumericCore

/// The transpose of a strided convolution ("deconvolution"): it maps a small image to one
/// `stride` times larger, as a decoder needs. It is exactly the input-gradient map of a
/// `Convolution2D` from the large shape to the small one, so it shares its geometry: each
/// input pixel's row of `x · Wᵀ` is scattered over the output pixels its kernel covers.
/// The kernel is [kernel × kernel × output channels, input channels], Keras's layout for
/// `Conv2DTranspose` flattened.
public final class TransposedConvolution2D: Layer {
    public let inputShape: ImageShape
    public let outputShape: ImageShape
    public let activation: Activation
    public let kernel: Parameter
    public let bias: Parameter
    /// The geometry of the convolution this layer transposes: from the output shape down.
    let geometry: ConvolutionGeometry

    private var patches: BatchBuffer
    private var output: BatchBuffer
    private var preActivation: BatchBuffer
    private var inputGradient: BatchBuffer
    private var lastInput: Matrix?

    public convenience init<G: RandomNumberGenerator>(
        input: ImageShape, filters: Int, kernelSize: Int = 3, stride: Int = 2,
        activation: Activation = .relu, name: String = "deconv", generator: inout G
    ) {
        let large = ImageShape(height: input.height * stride, width: input.width * stride, channels: filters)
        let geometry = ConvolutionGeometry(input: large, kernelSize: kernelSize, stride: stride)
        precondition(geometry.outputHeight == input.height && geometry.outputWidth == input.width)
        let weights = Matrix(rows: geometry.patchSize, columns: input.channels)
        let field = kernelSize * kernelSize
        weights.fillGlorotUniform(fanIn: field * input.channels, fanOut: field * filters, using: &generator)
        self.init(geometry: geometry, input: input, activation: activation,
                  kernel: Parameter(name: name + ".kernel", value: weights),
                  bias: Parameter(name: name + ".bias", value: Matrix(rows: 1, columns: filters)))
    }

    private init(geometry: ConvolutionGeometry, input: ImageShape, activation: Activation, kernel: Parameter, bias: Parameter) {
        self.geometry = geometry
        inputShape = input
        outputShape = geometry.input
        self.activation = activation
        self.kernel = kernel
        self.bias = bias
        let large = geometry.input
        patches = BatchBuffer(columns: geometry.outputPixels * geometry.patchSize)
        output = BatchBuffer(columns: large.size)
        preActivation = BatchBuffer(columns: activation.needsInput ? large.size : 0)
        inputGradient = BatchBuffer(columns: input.size)
    }

    public var parameters: [Parameter] { [kernel, bias] }

    public func replica() -> any Layer {
        TransposedConvolution2D(geometry: geometry, input: inputShape, activation: activation,
                                kernel: Parameter(sharing: kernel), bias: Parameter(sharing: bias))
    }

    public func forward(_ input: Matrix) -> Matrix {
        precondition(input.columns == inputShape.size, "a transposed convolution over \(inputShape) images got \(input.columns) values")
        lastInput = input
        let batch = input.rows, pixels = batch * geometry.outputPixels
        let patches = patches.withRows(batch), y = output.withRows(batch)
        BLAS.multiply(m: pixels, n: geometry.patchSize, k: inputShape.channels, input.base,
                      kernel.value.base, transposeB: true, into: patches.base)
        y.fill(with: 0)
        geometry.scatterPatches(patches.base, count: batch, into: y.base)
        activation.applyWithBias(y.base, rows: batch * outputShape.height * outputShape.width,
                                 columns: outputShape.channels, bias: bias.value.base,
                                 input: preActivation.withRows(batch).base)
        return y
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix? {
        guard let y = output.matrix, let input = lastInput, let patches = patches.matrix else {
            preconditionFailure("backward before forward")
        }
        let batch = outputGradient.rows, pixels = batch * geometry.outputPixels
        activation.multiplyByDerivative(outputGradient, output: y, input: preActivation.matrix?.base)
        Matrix.sumRows(outputGradient.base, rows: batch * outputShape.height * outputShape.width,
                       columns: outputShape.channels, into: bias.gradient.base)
        // d(patches) = gather(dY);  dW = d(patches)ᵀ · x;  dx = d(patches) · W.
        geometry.gatherPatches(outputGradient.base, count: batch, into: patches.base)
        BLAS.multiply(m: geometry.patchSize, n: inputShape.channels, k: pixels, patches.base, transposeA: true,
                      input.base, into: kernel.gradient.base)
        guard needsInputGradient else { return nil }
        let dx = inputGradient.withRows(batch)
        BLAS.multiply(m: pixels, n: inputShape.channels, k: geometry.patchSize, patches.base,
                      kernel.value.base, into: dx.base)
        return dx
    }
}
