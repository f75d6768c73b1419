import NeuralNetwork
import NumericCore
import Testing
import TestSupport

@Suite struct DenseTests {
    /// A loss that weighs every output differently, so every output's gradient matters.
    func weightedSum(_ output: Matrix, _ weights: Matrix) -> Double {
        zip(output.values, weights.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test(arguments: Activation.allCases)
    func backwardMatchesFiniteDifferences(activation: Activation) {
        var generator = SeededGenerator(seed: 1)
        let layer = Dense(6, 4, activation: activation, generator: &generator)
        layer.bias.value.fillUniform(from: -0.5, to: 0.5, using: &generator)
        let input = randomMatrix(5, 6, seed: 2)
        let lossWeights = randomMatrix(5, 4, seed: 3)

        _ = layer.forward(input)
        let outputGradient = Matrix(rows: 5, columns: 4)
        outputGradient.copy(from: lossWeights)
        let inputGradient = layer.backward(outputGradient)!

        let numeric = numericalGradients(of: [layer.kernel.value, layer.bias.value, input]) {
            weightedSum(layer.forward(input), lossWeights)
        }
        #expect(relativeError(layer.kernel.gradient.values, numeric[0]) < 1e-2)
        #expect(relativeError(layer.bias.gradient.values, numeric[1]) < 1e-2)
        #expect(relativeError(inputGradient.values, numeric[2]) < 1e-2)
    }

    @Test func kerasGlorotLimitAndZeroBias() {
        var generator = SeededGenerator(seed: 4)
        let layer = Dense(784, 150, generator: &generator)
        let limit = (6.0 / Float(784 + 150)).squareRoot()
        let values = layer.kernel.value.values
        #expect(values.allSatisfy { abs($0) <= limit })
        #expect(values.max()! > 0.95 * limit)
        #expect(layer.bias.value.values.allSatisfy { $0 == 0 })
        #expect(layer.kernel.shape == [784, 150] && layer.bias.shape == [150])
    }

    @Test func sequentialChainsAndSkipsTheFirstInputGradient() {
        var generator = SeededGenerator(seed: 5)
        let network = Sequential([Dense(3, 5, activation: .relu, generator: &generator),
                                  Dense(5, 2, generator: &generator)])
        let input = randomMatrix(4, 3, seed: 6)
        let output = network.forward(input)
        #expect(output.rows == 4 && output.columns == 2)
        let gradient = randomMatrix(4, 2, seed: 7)
        #expect(network.backward(gradient, needsInputGradient: false) == nil)
        #expect(network.parameters.count == 4)
    }

    @Test func smallerBatchReusesTheBuffers() {
        var generator = SeededGenerator(seed: 8)
        let layer = Dense(3, 2, generator: &generator)
        let first = layer.forward(randomMatrix(8, 3, seed: 9))
        let second = layer.forward(randomMatrix(5, 3, seed: 10))
        #expect(first === second && second.rows == 5)
    }
}
