import Foundation
import NeuralNetwork
import NumericCore
import Testing
import TestSupport
import CKernels
@testable import Optimizers

@Suite struct NadamTests {
    func parameter(_ values: [Float]) -> Parameter {
        Parameter(name: "w", value: Matrix(rows: 1, columns: values.count, values: values))
    }

    /// Keras's Nadam on four numbers and five gradients, against the values Keras printed.
    @Test func matchesKerasOnFiveSteps() throws {
        let url = try KerasReference.file("keras-nadam.json")
        struct Reference: Decodable {
            let initial: [Float]
            let gradients: [[Float]]
            let parameters_after_each_step: [[Float]]
        }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        try #require(reference.gradients.count == 5 && reference.parameters_after_each_step.count == 5)
        let w = parameter(reference.initial)
        let nadam = Nadam([w])
        for (gradient, expected) in zip(reference.gradients, reference.parameters_after_each_step) {
            w.gradient.assign(gradient)
            nadam.step()
            try #require(expected.count == reference.initial.count)
            for (value, target) in zip(w.value.values, expected) {
                #expect(abs(value - target) <= 2e-7 * max(1, abs(target)), "step \(nadam.iterations): \(value) vs \(target)")
            }
        }
    }

    /// The first two steps worked by hand from the formula, in double precision.
    @Test func matchesTheFormulaByHand() {
        let w = parameter([0.5])
        let nadam = Nadam([w], learningRate: 0.01)
        var m = 0.0, v = 0.0, product = 1.0, value = 0.5
        for (t, g) in [(1, 0.3), (2, -0.1)] {
            let mu = 0.9 * (1 - 0.5 * pow(0.96, Double(t)))
            let muNext = 0.9 * (1 - 0.5 * pow(0.96, Double(t + 1)))
            product *= mu
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let mHat = muNext * m / (1 - product * muNext) + (1 - mu) * g / (1 - product)
            let vHat = v / (1 - pow(0.999, Double(t)))
            value -= 0.01 * mHat / (vHat.squareRoot() + 1e-7)
            w.gradient.assign([Float(g)])
            nadam.step()
            #expect(abs(Double(w.value[0, 0]) - value) < 1e-6)
        }
    }

    @Test func stateRoundTripsAndResumesIdentically() throws {
        let a = parameter([1, 2, 3]), b = parameter([1, 2, 3])
        let first = Nadam([a]), second = Nadam([b])
        for g: Float in [0.1, -0.2] {
            a.gradient.assign([g, g, g]); first.step()
        }
        b.value.copy(from: a.value)
        try second.restore(first.state)
        a.gradient.assign([0.3, 0.3, 0.3]); first.step()
        b.gradient.assign([0.3, 0.3, 0.3]); second.step()
        #expect(a.value.values == b.value.values)
    }

    @Test func adamAndGradientDescentReduceAQuadratic() {
        for kind in OptimizerKind.allCases {
            let w = parameter([3, -2])
            let optimizer = kind.make(for: [w], learningRate: 0.05)
            for _ in 0..<200 {
                w.gradient.assign(w.value.values.map { 2 * $0 })  // d/dw of w²
                optimizer.step()
            }
            #expect(w.value.values.allSatisfy { abs($0) < 0.5 }, "\(kind) ended at \(w.value.values)")
        }
    }
}

/// The update runs in a vectorised C loop split between the cores; it must give exactly
/// the bits of the formula computed one element at a time, tails included.
@Suite struct NadamUpdateTests {
    @Test func vectorisedUpdateGivesTheScalarBits() {
        let count = 1_000 + 13
        let weights = randomMatrix(1, count, seed: 1), gradients = randomMatrix(1, count, seed: 2)
        let first = randomMatrix(1, count, in: -0.1...0.1, seed: 3), second = randomMatrix(1, count, in: 0...0.01, seed: 4)
        let (b1, b2, mw, gw, sc, rate, epsilon): (Float, Float, Float, Float, Float, Float, Float) =
            (0.1, 0.001, 0.93, 0.052, 0.0019, 0.001, 1e-7)
        var expected = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let g = gradients.base[i]
            let m = first.base[i] + (g - first.base[i]) * b1
            let v = second.base[i] + (g * g - second.base[i]) * b2
            let mHat = mw * m + gw * g
            expected[i] = weights.base[i] - mHat * rate / ((v / sc).squareRoot() + epsilon)
        }
        let shard: [UnsafePointer<Float>?] = [UnsafePointer(gradients.base)], share: [Float] = [1]
        vae_nadam_update(weights.base, shard, share, 1, first.base, second.base, 0, count,
                         vae_nadam_step_t(one_minus_beta1: b1, one_minus_beta2: b2, momentum_weight: mw,
                                          gradient_weight: gw, second_correction: sc, rate: rate, epsilon: epsilon))
        #expect(weights.values.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
