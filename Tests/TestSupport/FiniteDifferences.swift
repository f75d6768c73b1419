import NumericCore
import NeuralNetwork

/// Central finite differences of a scalar loss with respect to every element of `parameters`,
/// for checking hand-written backward passes.
///
/// The loss is evaluated in float32 like the model, so `step` must be large enough that
/// rounding (about 1e-7 of the loss) stays small beside the change it measures.
public func numericalGradients(of parameters: [Matrix], step: Float = 1e-3, loss: () -> Double) -> [[Float]] {
    parameters.map { parameter in
        (0..<parameter.count).map { i in
            let saved = parameter.base[i]
            parameter.base[i] = saved + step
            let plus = loss()
            parameter.base[i] = saved - step
            let minus = loss()
            parameter.base[i] = saved
            return Float((plus - minus) / (2 * Double(step)))
        }
    }
}

/// ‖a − b‖ / max(‖b‖, floor): one number that is small when two gradients agree.
public func relativeError(_ a: [Float], _ b: [Float], floor: Double = 1e-6) -> Double {
    precondition(a.count == b.count, "comparing \(a.count) values with \(b.count)")
    var difference = 0.0, norm = 0.0
    for (x, y) in zip(a, b) {
        difference += Double(x - y) * Double(x - y)
        norm += Double(y) * Double(y)
    }
    return difference.squareRoot() / max(norm.squareRoot(), floor)
}

/// A matrix of uniform values in [low, high), from a seeded generator.
public func randomMatrix(_ rows: Int, _ columns: Int, in range: ClosedRange<Float> = -1...1, seed: UInt64) -> Matrix {
    var generator = SeededGenerator(seed: seed)
    let matrix = Matrix(rows: rows, columns: columns)
    matrix.fillUniform(from: range.lowerBound, to: range.upperBound, using: &generator)
    return matrix
}

/// A layer's gradients by its `backward` and by finite differences of a weighted sum of its
/// output (weights drawn from `seed`), for every parameter and for the input, by name.
public func layerGradients(_ layer: any Layer, inputSize: Int, outputSize: Int, rows: Int = 3,
                           seed: UInt64) -> [(name: String, analytic: [Float], numeric: [Float])] {
    let input = randomMatrix(rows, inputSize, seed: seed)
    let lossWeights = randomMatrix(rows, outputSize, seed: seed + 1)
    func weightedSum(_ output: Matrix) -> Double {
        zip(output.values, lossWeights.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    _ = layer.forward(input)
    let outputGradient = Matrix(rows: rows, columns: outputSize)
    outputGradient.copy(from: lossWeights)
    let inputGradient = layer.backward(outputGradient)!.values
    let analytic = layer.parameters.map(\.gradient.values) + [inputGradient]
    let numeric = numericalGradients(of: layer.parameters.map(\.value) + [input]) { weightedSum(layer.forward(input)) }
    return (layer.parameters.map(\.name) + ["input"]).enumerated().map { ($1, analytic[$0], numeric[$0]) }
}
