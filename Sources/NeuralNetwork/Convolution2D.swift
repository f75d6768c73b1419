import NumericCore

/// A 2-D convolution with a square kernel, a stride and Keras's "same" padding, computed
/// as one matrix product over all receptive fields of the batch (im2col), so the work goes
/// to BLAS. The kernel is [kernel × kernel × input channels, filters]: Keras's
/// [kh, kw, in, out] kernel with its first three axes flattened, so weights move unchanged.
public final class Convolution2D: Layer {
    public let inputShape: ImageShape
    public let outputShape: ImageShape
    public let activation: Activation
    public let kernel: Parameter
    public let bias: Parameter
    let geometry: ConvolutionGeometry

    private var patches: BatchBuffer
    private var output: BatchBuffer
    private var preActivation: BatchBuffer
    private var inputGradient: BatchBuffer
    private var patchGradient: BatchBuffer

    public convenience init<G: RandomNumberGenerator>(
        input: ImageShape, filters: Int, kernelSize: Int = 3, stride: Int = 2,
        activation: Activation = .relu, name: String = "conv", generator: inout G
    ) {
        self.init(geometry: ConvolutionGeometry(input: input, kernelSize: kernelSize, stride: stride), filters: filters,
                  activation: activation, name: name, generator: &generator)
    }

    /// A convolution of any geometry (a masked one's too), initialised with the fans of its
    /// whole square kernel as Keras's are.
    convenience init<G: RandomNumberGenerator>(geometry: ConvolutionGeometry, filters: Int, activation: Activation,
                                               name: String, generator: inout G) {
        let weights = Matrix(rows: geometry.patchSize, columns: filters)
        // Keras's fans for a convolution: receptive field × channels in, and out.
        let field = geometry.kernelSize * geometry.kernelSize
        weights.fillGlorotUniform(fanIn: field * geometry.input.channels, fanOut: field * filters, using: &generator)
        self.init(geometry: geometry, activation: activation, kernel: Parameter(name: name + ".kernel", value: weights),
                  bias: Parameter(name: name + ".bias", value: Matrix(rows: 1, columns: filters)))
    }

    private init(geometry: ConvolutionGeometry, activation: Activation, kernel: Parameter, bias: Parameter) {
        self.geometry = geometry
        inputShape = geometry.input
        outputShape = ImageShape(height: geometry.outputHeight, width: geometry.outputWidth, channels: kernel.value.columns)
        self.activation = activation
        self.kernel = kernel
        self.bias = bias
        let input = inputShape
        patches = BatchBuffer(columns: geometry.outputPixels * geometry.patchSize)
        output = BatchBuffer(columns: outputShape.size)
        preActivation = BatchBuffer(columns: activation.needsInput ? outputShape.size : 0)
        inputGradient = BatchBuffer(columns: input.size)
        patchGradient = BatchBuffer(columns: geometry.outputPixels * geometry.patchSize)
    }

    public var parameters: [Parameter] { [kernel, bias] }

    public func replica() -> any Layer {
        Convolution2D(geometry: geometry, activation: activation, kernel: Parameter(sharing: kernel),
                      bias: Parameter(sharing: bias))
    }

    /// This convolution on images of `height` rows, on the same (shared) weights.
    public func replica(height: Int, of fullHeight: Int) -> any Layer {
        Convolution2D(geometry: geometry.withInputHeight(height), activation: activation, kernel: Parameter(sharing: kernel),
                      bias: Parameter(sharing: bias))
    }

    public func forward(_ input: Matrix) -> Matrix {
        precondition(input.columns == inputShape.size, "a convolution over \(inputShape) images got \(input.columns) values")
        let batch = input.rows, pixels = batch * geometry.outputPixels
        let patches = patches.withRows(batch), y = output.withRows(batch)
        geometry.gatherPatches(input.base, count: batch, into: patches.base)
        BLAS.multiply(m: pixels, n: outputShape.channels, k: geometry.patchSize, patches.base, kernel.value.base, into: y.base)
        activation.applyWithBias(y.base, rows: pixels, columns: outputShape.channels, bias: bias.value.base,
                                 input: preActivation.withRows(batch).base)
        return y
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix? {
        guard let y = output.matrix, let patches = patches.matrix else { preconditionFailure("backward before forward") }
        let batch = outputGradient.rows, pixels = batch * geometry.outputPixels, filters = outputShape.channels
        activation.multiplyByDerivative(outputGradient, output: y, input: preActivation.matrix?.base)
        // dW = patchesᵀ · dY,  db = Σ_pixels dY,  d(patches) = dY · Wᵀ, then scattered back.
        BLAS.multiply(m: geometry.patchSize, n: filters, k: pixels, patches.base, transposeA: true,
                      outputGradient.base, into: kernel.gradient.base)
        Matrix.sumRows(outputGradient.base, rows: pixels, columns: filters, into: bias.gradient.base)
        guard needsInputGradient else { return nil }
        let patchGradient = patchGradient.withRows(batch), dx = inputGradient.withRows(batch)
        BLAS.multiply(m: pixels, n: geometry.patchSize, k: filters, outputGradient.base,
                      kernel.value.base, transposeB: true, into: patchGradient.base)
        dx.fill(with: 0)
        geometry.scatterPatches(patchGradient.base, count: batch, into: dx.base)
        return dx
    }
}
