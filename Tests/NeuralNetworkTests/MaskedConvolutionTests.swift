import NeuralNetwork
import NumericCore
import Testing
import TestSupport

@Suite struct MaskedConvolutionTests {
    /// Every weight and the input against finite differences; the kernel holds only the
    /// positions the mask keeps.
    @Test(arguments: [MaskedConvolution2D.Mask.excludingCentre, .includingCentre])
    func gradientsMatchFiniteDifferences(mask: MaskedConvolution2D.Mask) {
        var generator = SeededGenerator(seed: 11)
        let layer = MaskedConvolution2D(input: ImageShape(height: 4, width: 5, channels: 2), filters: 3, kernelSize: 3,
                                        mask: mask, activation: .tanh, generator: &generator)
        layer.convolution.bias.value.fillUniform(from: -0.3, to: 0.3, using: &generator)
        for (name, analytic, numeric) in layerGradients(layer, inputSize: layer.inputShape.size,
                                                        outputSize: layer.outputShape.size, seed: 12) {
            #expect(relativeError(analytic, numeric) < 1e-2, "\(name)")
        }
        // Mask A keeps the 4 positions before the centre of a 3 × 3 kernel; B the centre too.
        #expect(layer.kernel.value.rows == (mask == .excludingCentre ? 4 : 5) * 2)
    }

    /// The same as a full convolution whose hidden weights are zero.
    @Test func aMaskedConvolutionIsAFullOneWithZeros() {
        var generator = SeededGenerator(seed: 17)
        let shape = ImageShape(height: 5, width: 4, channels: 2)
        let masked = MaskedConvolution2D(input: shape, filters: 3, kernelSize: 5, mask: .excludingCentre, activation: .linear,
                                         generator: &generator)
        let full = Convolution2D(input: shape, filters: 3, kernelSize: 5, stride: 1, activation: .linear, generator: &generator)
        full.kernel.value.fill(with: 0)
        var row = 0
        for position in 0..<12 {  // the two rows above the centre and the two positions left of it
            for channel in 0..<2 {
                for filter in 0..<3 { full.kernel.value[position * 2 + channel, filter] = masked.kernel.value[row, filter] }
                row += 1
            }
        }
        let input = randomMatrix(2, shape.size, seed: 18)
        let a = masked.forward(input).values, b = full.forward(input).values
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    /// Stacked masked layers are causal: changing a pixel changes the outputs at that pixel
    /// and after it in raster order, never before it; with mask A first, not at it either.
    @Test func aStackSeesOnlyEarlierPixels() {
        var generator = SeededGenerator(seed: 13)
        let shape = ImageShape(height: 5, width: 5, channels: 2)
        let stack = Sequential([
            MaskedConvolution2D(input: shape, filters: 3, kernelSize: 5, mask: .excludingCentre, activation: .tanh,
                                generator: &generator),
            MaskedConvolution2D(input: ImageShape(height: 5, width: 5, channels: 3), filters: 3, kernelSize: 3,
                                mask: .includingCentre, activation: .tanh, generator: &generator),
            Residual(MaskedConvolution2D(input: ImageShape(height: 5, width: 5, channels: 3), filters: 3, kernelSize: 3,
                                         mask: .includingCentre, activation: .tanh, generator: &generator), width: 75),
        ])
        let input = randomMatrix(1, shape.size, seed: 14)
        let before = stack.forward(input).values
        for pixel in [0, 7, 12, 24] {
            let changed = input.copy()
            for c in 0..<2 { changed[0, pixel * 2 + c] += 1 }
            let after = stack.forward(changed).values
            for position in 0..<25 {
                let moved = (0..<3).contains { abs(after[position * 3 + $0] - before[position * 3 + $0]) > 1e-6 }
                if position <= pixel { #expect(!moved, "pixel \(pixel) changed the output at \(position)") }
            }
            // The pixel right after it (when there is one) sees it.
            if pixel + 1 < 25 { #expect((0..<3).contains { abs(after[(pixel + 1) * 3 + $0] - before[(pixel + 1) * 3 + $0]) > 1e-6 }) }
        }
    }

    @Test func residualGradientsMatchFiniteDifferences() {
        var generator = SeededGenerator(seed: 15)
        let shape = ImageShape(height: 3, width: 3, channels: 2)
        let block = Residual(Sequential([
            Convolution2D(input: shape, filters: 2, kernelSize: 3, stride: 1, activation: .tanh, generator: &generator),
            Convolution2D(input: shape, filters: 2, kernelSize: 1, stride: 1, activation: .linear, generator: &generator),
        ]), width: shape.size)
        for (name, analytic, numeric) in layerGradients(block, inputSize: 18, outputSize: 18, seed: 16) {
            #expect(relativeError(analytic, numeric) < 1e-2, "\(name)")
        }
    }
}
