import Storage
import Foundation
import NumericCore
import Optimizers
import Testing
import TestSupport
@testable import VAE

/// The book's VAE against Keras's own numbers: same weights, images and noise in; the
/// same codings, reconstructions, loss, gradients and Nadam steps out.
@Suite struct KerasReferenceTests {
    let tensors: [String: SafeTensors.Tensor]
    let model: VariationalAutoencoder
    let images: Matrix
    let noise: Matrix

    init() throws {
        guard let url = KerasReference.file("keras-vae-step.safetensors"),
              FileManager.default.fileExists(atPath: url.path) else {
            if KerasReference.required { throw FileError(path: "shared/reference", problem: "the Keras reference is missing") }
            tensors = [:]
            var unused = SeededGenerator(seed: 0)
            model = try VariationalAutoencoder(.book, generator: &unused)
            images = Matrix(rows: 0, columns: 784)
            noise = Matrix(rows: 0, columns: 10)
            return
        }
        tensors = try SafeTensors.read(url).tensors
        var generator = SeededGenerator(seed: 0)
        model = try VariationalAutoencoder(.book, generator: &generator)
        try model.load(tensors, prefix: "initial.", source: url.path)
        images = Matrix(rows: 16, columns: 784, values: tensors["input.images"]!.values)
        noise = Matrix(rows: 16, columns: 10, values: tensors["input.eps"]!.values)
    }

    var available: Bool { !tensors.isEmpty }

    func expectClose(_ values: [Float], _ name: String, tolerance: Double = 1e-5) {
        let reference = tensors[name]!.values
        let error = relativeError(values, reference)
        #expect(error < tolerance, "\(name): relative error \(error)")
    }

    @Test func forwardPassMatchesKeras() throws {
        guard available else { return }
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
        guard available else { return }
        model.computeGradients(images: images, noise: noise)
        for parameter in model.parameters {
            expectClose(parameter.gradient.values, "gradient." + parameter.name, tolerance: 1e-4)
        }
    }

    @Test func nadamStepsMatchKeras() throws {
        guard available else { return }
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
