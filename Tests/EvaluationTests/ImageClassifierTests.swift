import Storage
import CKernels
import Datasets
@testable import Evaluation
import Foundation
import NeuralNetwork
import NumericCore
import Testing
import TestSupport

@Suite struct ImageClassifierTests {
    /// A small classifier of small non-square colour images, for checks of the mechanics.
    static func smallClassifier(seed: UInt64 = 1) -> ImageClassifier {
        var generator = SeededGenerator(seed: seed)
        let configuration = ClassifierConfiguration(imageShape: ImageShape(height: 7, width: 5, channels: 2),
                                                    classes: 3, filters: [3, 4], featureSize: 6)
        let classifier = ImageClassifier(configuration, generator: &generator)
        for parameter in classifier.parameters where parameter.name.hasSuffix("bias") {
            parameter.value.fillUniform(from: -0.2, to: 0.2, using: &generator)
        }
        return classifier
    }

    @Test func gradientsMatchFiniteDifferences() {
        let classifier = Self.smallClassifier()
        let images = randomMatrix(4, 70, in: 0...1, seed: 2)
        let labels = [0, 2, 1, 2]
        let logitGradient = Matrix(rows: 4, columns: 3)
        _ = SoftmaxCrossEntropy.evaluate(logits: classifier.forwardLogits(images), labels: labels, gradient: logitGradient)
        classifier.backward(logitGradient)
        let parameters = classifier.parameters
        let numeric = numericalGradients(of: parameters.map(\.value), step: 1e-3) {
            Double(SoftmaxCrossEntropy.evaluate(logits: classifier.forwardLogits(images), labels: labels, gradient: nil))
        }
        for (parameter, expected) in zip(parameters, numeric) {
            #expect(relativeError(parameter.gradient.values, expected) < 1e-2, "\(parameter.name)")
        }
    }

    @Test func shapesFollowTheConfiguration() {
        let classifier = Self.smallClassifier()
        let images = randomMatrix(300, 70, in: 0...1, seed: 3)    // more rows than one evaluation batch
        let features = classifier.features(of: images)
        #expect(features.rows == 300 && features.columns == 6)
        #expect(features.values.allSatisfy { $0 >= 0 })           // after a ReLU
        let logits = classifier.logits(of: images)
        #expect(logits.rows == 300 && logits.columns == 3)
        // Chunked evaluation gives what one small batch gives.
        let few = Matrix(rows: 2, columns: 70, values: Array(images.values[0..<140]))
        #expect(classifier.logits(of: few).values == Array(logits.values[0..<6]))
        #expect(classifier.predict(images).allSatisfy { (0..<3).contains($0) })
        #expect(classifier.parameters.map(\.name) == ["conv1.kernel", "conv1.bias", "conv2.kernel", "conv2.bias",
                                                      "features.kernel", "features.bias", "logits.kernel", "logits.bias"])
        #expect(classifier.parameters.map(\.shape) == ImageClassifier.parameterShapes(classifier.configuration).map(\.1))
    }

    @Test func weightsSurviveAFile() throws {
        let classifier = Self.smallClassifier()
        classifier.recordedAccuracy = 0.875
        let url = IDXFiles.temporaryFolder("classifier").appendingPathComponent("classifier.safetensors")
        try classifier.save(to: url)
        let loaded = try ImageClassifier.load(from: url)
        #expect(loaded.configuration == classifier.configuration)
        #expect(loaded.recordedAccuracy == 0.875 && loaded.epochsTrained == 0)
        let images = randomMatrix(5, 70, in: 0...1, seed: 4)
        #expect(loaded.logits(of: images).values == classifier.logits(of: images).values)

        // A file of another shape is refused with the tensor named.
        var tensors = classifier.weights
        tensors["features.bias"] = SafeTensors.Tensor(shape: [5], values: [0, 0, 0, 0, 0])
        try SafeTensors.write(tensors, metadata: classifier.metadata, to: url)
        #expect { try ImageClassifier.load(from: url) } throws: { "\($0)".contains("features.bias has shape [5]") }
        try SafeTensors.write(classifier.weights, metadata: [:], to: url)
        #expect { try ImageClassifier.load(from: url) } throws: { "\($0)".contains("does not hold an image classifier") }
    }

    /// Fashion-MNIST when installed, otherwise a synthetic set whose classes are squares
    /// in different places.
    static func data() throws -> (training: ImageDataset, test: ImageDataset) {
        let folder = RealData.available ? RealData.fashionMNIST : try IDXFiles.makeDataset(train: 2000, test: 1000, side: 28)
        return (try MNISTFormat.load(.train, from: folder).prefix(2000), try MNISTFormat.load(.test, from: folder).prefix(1000))
    }

    @Test func learnsFromAFewImages() throws {
        let (training, test) = try Self.data()
        var generator = SeededGenerator(seed: 5)
        let classifier = ImageClassifier(ClassifierConfiguration(for: training, classes: 10), generator: &generator)
        var heard: [ClassifierEpoch] = []
        let records = classifier.train(on: training, epochs: 2, batchSize: 32, seed: 6) { heard.append($0) }
        #expect(records == heard && records.map(\.epoch) == [1, 2] && classifier.epochsTrained == 2)
        #expect(records[1].loss < records[0].loss)
        let accuracy = classifier.accuracy(on: test)
        #expect(accuracy > 0.6, "accuracy \(accuracy) after two epochs on \(training.count) images")
        let coverage = ClassCoverage(classifier: classifier, images: test.matrix(0..<test.count))
        #expect(coverage.total == test.count && coverage.classesSeen >= 8)
    }

    @Test func theSameSeedTrainsTheSameWeights() throws {
        let training = try Self.data().training.prefix(200)
        func trained() -> [Float] {
            var generator = SeededGenerator(seed: 7)
            let classifier = ImageClassifier(ClassifierConfiguration(for: training, classes: 10), generator: &generator)
            let before = vae_floating_point_control()
            classifier.train(on: training, epochs: 1, batchSize: 64, seed: 8)
            #expect(vae_floating_point_control() == before, "training leaves the thread's floating-point mode as it was")
            return classifier.parameters.flatMap(\.value.values)
        }
        #expect(trained() == trained())
    }
}
