import Storage
import Foundation
import NumericCore
import Optimizers
import Testing
import TestSupport
@testable import VAE

/// The book's VAE against Keras's own numbers: same weights, images and noise in; the
/// same codings, reconstructions, loss, gradients and Nadam steps out, each to a relative
/// error below 1e-5 (forward values and gradients measure about 4e-7). The numbers are in
/// `Tests/Resources/keras-reference`; a missing file fails every test here.
@Suite struct KerasReferenceTests {
    let tensors: [String: SafeTensors.Tensor]
    let model: VariationalAutoencoder
    let images: Matrix
    let noise: Matrix

    init() throws {
        let url = try KerasReference.file("keras-vae-step.safetensors")
        tensors = try SafeTensors.read(url).tensors
        var generator = SeededGenerator(seed: 0)
        model = try VariationalAutoencoder(.book, generator: &generator)
        try model.load(tensors, prefix: "initial.", source: url.path)
        images = Matrix(rows: 16, columns: 784, values: try Self.values("input.images", in: tensors, count: 16 * 784))
        noise = Matrix(rows: 16, columns: 10, values: try Self.values("input.eps", in: tensors, count: 16 * 10))
    }

    static func values(_ name: String, in tensors: [String: SafeTensors.Tensor], count: Int) throws -> [Float] {
        guard let tensor = tensors[name], tensor.values.count == count else {
            throw FileError(path: name, problem: "missing from the Keras reference, or not \(count) values")
        }
        return tensor.values
    }

    func expectClose(_ values: [Float], _ name: String, tolerance: Double = 1e-5) {
        guard let reference = tensors[name]?.values, reference.count == values.count else {
            Issue.record("\(name): missing from the Keras reference, or not \(values.count) values")
            return
        }
        let error = relativeError(values, reference)
        #expect(error < tolerance, "\(name): relative error \(error)")
    }

    @Test func forwardPassMatchesKeras() throws {
        let (mean, logVariance) = model.encoded(images)
        expectClose(mean.values, "forward.mean")
        expectClose(logVariance.values, "forward.log_var")
        let codings = model.sampling.forward(mean: mean, logVariance: logVariance, noise: noise)
        expectClose(codings.values, "forward.z")
        expectClose(model.decoded(codings).values, "forward.reconstruction")

        let loss = model.loss(images: images, noise: noise)
        expectClose([loss.total], "forward.loss", tolerance: 1e-6)
        expectClose([loss.reconstruction], "forward.mse", tolerance: 1e-6)
        expectClose([loss.latent], "forward.latent", tolerance: 1e-6)
    }

    @Test func gradientsMatchKeras() throws {
        model.computeGradients(images: images, noise: noise)
        for parameter in model.parameters {
            expectClose(parameter.gradient.values, "gradient." + parameter.name)
        }
    }

    @Test func nadamStepsMatchKeras() throws {
        let optimizer = Nadam(model.parameters)
        for step in 1...3 {
            model.computeGradients(images: images, noise: noise)
            optimizer.step()
            if step == 1 || step == 3 {
                for parameter in model.parameters {
                    expectClose(parameter.value.values, "after_step\(step)." + parameter.name, tolerance: 1e-5)
                }
            }
        }
    }
}
