import Foundation
import NeuralNetwork
import NumericCore
import Testing
import TestSupport
@testable import Optimizers

/// Adam runs in a vectorised C kernel split between the cores; it must give exactly the
/// bits of the plain loop it replaced, step after step, tails included.
@Suite struct AdamTests {
    /// Adam as a Swift loop computes it, one element at a time, on copies of the weights.
    final class Reference {
        var w: [[Float]], m: [[Float]], v: [[Float]]
        var iterations = 0
        let (learningRate, beta1, beta2, epsilon): (Float, Float, Float, Float)

        init(_ parameters: [Parameter], learningRate: Float) {
            w = parameters.map(\.value.values)
            m = w.map { [Float](repeating: 0, count: $0.count) }
            v = m
            (self.learningRate, beta1, beta2, epsilon) = (learningRate, 0.9, 0.999, 1e-7)
        }

        func step(_ gradients: [[Float]]) {
            let t = Float(iterations + 1)
            let rate = learningRate * (1 - powf(beta2, t)).squareRoot() / (1 - powf(beta1, t))
            let (oneMinusBeta1, oneMinusBeta2) = (1 - beta1, 1 - beta2)
            for (p, g) in gradients.enumerated() {
                for i in g.indices {
                    m[p][i] += (g[i] - m[p][i]) * oneMinusBeta1
                    v[p][i] += (g[i] * g[i] - v[p][i]) * oneMinusBeta2
                    w[p][i] -= m[p][i] * rate / (v[p][i].squareRoot() + epsilon)
                }
            }
            iterations += 1
        }
    }

    @Test func kernelGivesThePlainLoopsBitsOverSeveralSteps() {
        let shapes = [(1, 1_013), (7, 19), (1, 1), (1, 3)]
        let parameters = shapes.enumerated().map { index, shape in
            Parameter(name: "p\(index)", value: randomMatrix(shape.0, shape.1, seed: UInt64(index)))
        }
        let adam = Adam(parameters, learningRate: 0.003)
        let reference = Reference(parameters, learningRate: 0.003)
        for step in 0..<5 {
            // Gradients over several scales, zeros included, as training sees them.
            let gradients = shapes.enumerated().map { index, shape in
                randomMatrix(shape.0, shape.1, in: -0.5...0.5, seed: UInt64(100 * step + index)).values
                    .enumerated().map { $0.offset % 7 == 0 ? 0 : $0.element * powf(10, Float($0.offset % 5) - 4) }
            }
            for (parameter, gradient) in zip(parameters, gradients) { parameter.gradient.assign(gradient) }
            adam.step()
            reference.step(gradients)
            for (index, parameter) in parameters.enumerated() {
                #expect(bitDifferences(parameter.value.values, reference.w[index]) == 0,
                        "step \(step + 1), \(parameter.name)")
            }
        }
        let state = adam.state
        for (index, parameter) in parameters.enumerated() {
            #expect(bitDifferences(state["m." + parameter.name]!.values, reference.m[index]) == 0)
            #expect(bitDifferences(state["v." + parameter.name]!.values, reference.v[index]) == 0)
        }
    }
}
