import NumericCore

/// A stride-1 convolution whose kernel sees only the pixels before each pixel in raster
/// order (rows top to bottom, each left to right): PixelCNN's masked convolution (van den
/// Oord et al., 2016). Stacked, such layers give every pixel's output a function of the
/// pixels before it alone, so they model p(x) = Π p(xᵢ | x₍<ᵢ₎) in one pass.
///
/// The first layer must not see the pixel it predicts (`excludingCentre`, the paper's
/// mask A); the layers after it may see their own position's features, which by then
/// hold only earlier pixels (`includingCentre`, mask B). Masked weights start at zero and
/// their gradient is always zero, so no optimizer moves them.
public final class MaskedConvolution2D: Layer {
    public enum Mask: String, Codable, Sendable {
        /// PixelCNN's mask A: strictly earlier pixels.
        case excludingCentre = "A"
        /// Mask B: earlier pixels and the pixel itself.
        case includingCentre = "B"
    }

    public let convolution: Convolution2D
    public let mask: Mask
    /// Whether each row of the kernel ([ky, kx, channel] flattened) may be non-zero.
    private let visible: [Bool]

    public convenience init<G: RandomNumberGenerator>(
        input: ImageShape, filters: Int, kernelSize: Int, mask: Mask, activation: Activation = .relu,
        name: String = "masked_conv", generator: inout G
    ) {
        precondition(kernelSize % 2 == 1, "a masked convolution needs an odd kernel, centred on its pixel")
        let convolution = Convolution2D(input: input, filters: filters, kernelSize: kernelSize, stride: 1,
                                        activation: activation, name: name, generator: &generator)
        self.init(convolution, mask: mask)
        enforceMask()
    }

    private init(_ convolution: Convolution2D, mask: Mask) {
        self.convolution = convolution
        self.mask = mask
        let size = convolution.geometry.kernelSize, channels = convolution.inputShape.channels, centre = size / 2
        visible = (0..<(size * size * channels)).map { row in
            let position = row / channels, ky = position / size, kx = position % size
            return ky < centre || (ky == centre && (kx < centre || (mask == .includingCentre && kx == centre)))
        }
    }

    public var inputShape: ImageShape { convolution.inputShape }
    public var outputShape: ImageShape { convolution.outputShape }
    public var kernel: Parameter { convolution.kernel }
    public var parameters: [Parameter] { convolution.parameters }

    /// Whether the weights in kernel row `row` are kept (the others are zero).
    public func isVisible(kernelRow row: Int) -> Bool { visible[row] }

    public func replica() -> any Layer {
        MaskedConvolution2D(convolution.replica() as! Convolution2D, mask: mask)
    }

    public func forward(_ input: Matrix) -> Matrix { convolution.forward(input) }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix? {
        let inputGradient = convolution.backward(outputGradient, needsInputGradient: needsInputGradient)
        zeroHiddenRows(of: kernel.gradient)
        return inputGradient
    }

    /// Sets the masked weights to zero: after initialisation, and after weights are read
    /// from a file that may hold other values there.
    public func enforceMask() { zeroHiddenRows(of: kernel.value) }

    private func zeroHiddenRows(of matrix: Matrix) {
        let columns = matrix.columns
        for (row, shown) in visible.enumerated() where !shown {
            (matrix.base + row * columns).update(repeating: 0, count: columns)
        }
    }
}
