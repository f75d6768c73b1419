import NeuralNetwork
import NumericCore
import Testing
import TestSupport

@Suite struct ConvolutionTests {
    /// Every gradient of a layer against finite differences of a weighted sum of its output.
    func checkGradients(_ layer: any Layer, inputSize: Int, outputSize: Int, seed: UInt64) {
        for (name, analytic, numeric) in layerGradients(layer, inputSize: inputSize, outputSize: outputSize, seed: seed) {
            let error = relativeError(analytic, numeric)
            #expect(error < 1e-2, "\(name): relative error \(error)")
        }
    }

    @Test(arguments: [(5, 4, 2, 3, 2), (7, 7, 3, 3, 1), (6, 5, 1, 2, 2), (4, 4, 2, 5, 2)])
    func convolutionGradientsMatchFiniteDifferences(height: Int, width: Int, channels: Int, kernel: Int, stride: Int) {
        var generator = SeededGenerator(seed: 1)
        let layer = Convolution2D(input: ImageShape(height: height, width: width, channels: channels), filters: 3,
                                  kernelSize: kernel, stride: stride, activation: .gelu, generator: &generator)
        layer.bias.value.fillUniform(from: -0.3, to: 0.3, using: &generator)
        checkGradients(layer, inputSize: layer.inputShape.size, outputSize: layer.outputShape.size, seed: 2)
    }

    @Test(arguments: [(3, 3, 2, 3, 2), (4, 2, 3, 3, 1), (2, 3, 1, 4, 2)])
    func transposedConvolutionGradientsMatchFiniteDifferences(height: Int, width: Int, channels: Int, kernel: Int, stride: Int) {
        var generator = SeededGenerator(seed: 3)
        let layer = TransposedConvolution2D(input: ImageShape(height: height, width: width, channels: channels), filters: 2,
                                            kernelSize: kernel, stride: stride, activation: .sigmoid, generator: &generator)
        layer.bias.value.fillUniform(from: -0.3, to: 0.3, using: &generator)
        checkGradients(layer, inputSize: layer.inputShape.size, outputSize: layer.outputShape.size, seed: 4)
    }

    /// A convolution, computed by its definition: Σ over kernel and channels of weight × pixel.
    @Test func convolutionMatchesItsDefinition() {
        var generator = SeededGenerator(seed: 5)
        let shape = ImageShape(height: 5, width: 6, channels: 2)
        let layer = Convolution2D(input: shape, filters: 3, kernelSize: 3, stride: 2, activation: .linear, generator: &generator)
        let input = randomMatrix(2, shape.size, seed: 6)
        let output = layer.forward(input)
        #expect(layer.outputShape == ImageShape(height: 3, width: 3, channels: 3))
        // "same" padding: 5 rows → 3 outputs, padding (3−1)·2 + 3 − 5 = 2, one above; 6 columns → 1, none left.
        for image in 0..<2 {
            for oy in 0..<3 {
                for ox in 0..<3 {
                    for f in 0..<3 {
                        var sum = 0.0
                        for ky in 0..<3 {
                            for kx in 0..<3 {
                                let iy = oy * 2 + ky - 1, ix = ox * 2 + kx
                                guard iy >= 0, iy < 5, ix < 6 else { continue }
                                for c in 0..<2 {
                                    sum += Double(input[image, (iy * 6 + ix) * 2 + c])
                                        * Double(layer.kernel.value[(ky * 3 + kx) * 2 + c, f])
                                }
                            }
                        }
                        #expect(abs(Double(output[image, (oy * 3 + ox) * 3 + f]) - sum) < 1e-5)
                    }
                }
            }
        }
    }

    @Test func shapesOfAConvolutionalEncoderAndDecoder() {
        var generator = SeededGenerator(seed: 7)
        let first = Convolution2D(input: ImageShape(height: 28, width: 28, channels: 1), filters: 32, generator: &generator)
        let second = Convolution2D(input: first.outputShape, filters: 64, generator: &generator)
        #expect(second.outputShape == ImageShape(height: 7, width: 7, channels: 64))
        let up = TransposedConvolution2D(input: second.outputShape, filters: 32, generator: &generator)
        let up2 = TransposedConvolution2D(input: up.outputShape, filters: 1, activation: .linear, generator: &generator)
        #expect(up2.outputShape == ImageShape(height: 28, width: 28, channels: 1))
        let output = Sequential([first, second, up, up2]).forward(randomMatrix(4, 784, seed: 8))
        #expect(output.rows == 4 && output.columns == 784)
    }
}
