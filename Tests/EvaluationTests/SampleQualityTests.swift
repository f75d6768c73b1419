import Datasets
@testable import Evaluation
import Foundation
import NeuralNetwork
import NumericCore
import Testing
import TestSupport

/// The measures together, in a trained classifier's feature space: real images score
/// close to real images, noise and blur score far.
@Suite struct SampleQualityTests {
    @Test func realImagesAreCloseAndNoiseIsFar() throws {
        let (training, test) = try ImageClassifierTests.data()
        var generator = SeededGenerator(seed: 5)
        let classifier = ImageClassifier(ClassifierConfiguration(for: training, classes: 10), generator: &generator)
        classifier.train(on: training, epochs: 2, batchSize: 32, seed: 6)
        let shape = ImageShape(height: test.height, width: test.width, channels: test.channels)
        let real = test.matrix(0..<test.count)
        let features = classifier.features(of: real)

        let other = SampleQuality.measure(training.matrix(0..<1000), against: real, shape: shape,
                                          classifier: classifier, realFeatures: features)
        let noise = Matrix(rows: 1000, columns: shape.size)
        noise.fillUniform(from: 0, to: 1, using: &generator)
        let random = SampleQuality.measure(noise, against: real, shape: shape, classifier: classifier, realFeatures: features)

        let distance = try #require(other.frechetDistance), noiseDistance = try #require(random.frechetDistance)
        #expect(distance * 20 < noiseDistance, "training vs test \(distance), noise vs test \(noiseDistance)")
        #expect(other.precision! > 0.6 && other.recall! > 0.6, "\(other)")
        // Noise looks alike to the classifier: its features sit in a tight clump, which
        // can fall inside a real outlier's wide ball, so precision alone may call it real.
        // Recall and coverage see through it: the clump reaches a handful of real images.
        #expect(random.recall! < 0.05 && random.coverage! < 0.05, "\(random)")
        #expect(random.density! < other.density!, "\(random)")
        #expect(other.density! > 0.7 && other.coverage! > 0.7, "\(other)")
        #expect(other.classesSeen == 10 && other.classEntropy! > 0.95)
        #expect(abs(other.sharpnessRatio - 1) < 0.1 && random.sharpnessRatio > 2)

        // Without a classifier only sharpness is measured.
        let plain = SampleQuality.measure(noise, against: real, shape: shape, classifier: nil, realFeatures: nil)
        #expect(plain.frechetDistance == nil && plain.sharpnessRatio == random.sharpnessRatio)
    }
}
