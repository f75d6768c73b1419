import NumericCore

/// A stride-1 convolution whose kernel sees only the pixels before each pixel in raster
/// order (rows top to bottom, each left to right): PixelCNN's masked convolution (van den
/// Oord et al., 2016). Stacked, such layers give every pixel's output a function of the
/// pixels before it alone, so they model p(x) = Π p(xᵢ | x₍<ᵢ₎) in one pass.
///
/// The first layer must not see the pixel it predicts (`excludingCentre`, the paper's
/// mask A); the layers after it may see their own position's features, which by then
/// hold only earlier pixels (`includingCentre`, mask B). The kernel holds only the
/// positions the mask keeps (its rows are those of the full kernel, [ky, kx, channel],
/// with the hidden ones left out), so no work or weight is spent on zeros: a 5 × 5 mask A
/// keeps 12 positions, a 3 × 3 mask B 5.
public final class MaskedConvolution2D: Layer {
    public enum Mask: String, Codable, Sendable {
        /// PixelCNN's mask A: strictly earlier pixels.
        case excludingCentre = "A"
        /// Mask B: earlier pixels and the pixel itself.
        case includingCentre = "B"
    }

    public let convolution: Convolution2D
    public let mask: Mask

    public convenience init<G: RandomNumberGenerator>(
        input: ImageShape, filters: Int, kernelSize: Int, mask: Mask, activation: Activation = .relu,
        name: String = "masked_conv", generator: inout G
    ) {
        precondition(kernelSize % 2 == 1, "a masked convolution needs an odd kernel, centred on its pixel")
        let geometry = ConvolutionGeometry(masked: input, kernelSize: kernelSize, includingCentre: mask == .includingCentre)
        self.init(Convolution2D(geometry: geometry, filters: filters, activation: activation, name: name, generator: &generator),
                  mask: mask)
    }

    private init(_ convolution: Convolution2D, mask: Mask) {
        self.convolution = convolution
        self.mask = mask
    }

    public var inputShape: ImageShape { convolution.inputShape }
    public var outputShape: ImageShape { convolution.outputShape }
    public var kernel: Parameter { convolution.kernel }
    public var parameters: [Parameter] { convolution.parameters }

    public func replica() -> any Layer { MaskedConvolution2D(convolution.replica() as! Convolution2D, mask: mask) }

    public func replica(height: Int, of fullHeight: Int) -> any Layer {
        MaskedConvolution2D(convolution.replica(height: height, of: fullHeight) as! Convolution2D, mask: mask)
    }

    public func forward(_ input: Matrix) -> Matrix { convolution.forward(input) }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix? {
        convolution.backward(outputGradient, needsInputGradient: needsInputGradient)
    }
}
