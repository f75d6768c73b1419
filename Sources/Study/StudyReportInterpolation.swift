import Datasets
import Evaluation
import Foundation
import NumericCore
import Runs
import VAE
import Visualization

extension StudyReport {
    /// The assignment's interpolation: paths between test images through the latent space
    /// of the book's model and of the best sharper family, beside the same paths in pixel
    /// space, and each active dimension of a continuous coding swept on its own.
    mutating func latentPaths() throws {
        report.section("Interpolations and traversals")
        let pairs = Self.pairs(in: test, count: 4)
        let steps = 7
        let book = try loaded(StudyPlan.book, epoch: plan.standardEpochs)
        let ranking = try familiesByDistance()
        let family = try loadedFamily(ranking[0])
        let pixelPaths = StudyFigures.paths(pairs, test: test) { RunFigures.blended(between: $0, steps: steps) }
        let bookPaths = StudyFigures.paths(pairs, test: test) { book.interpolated(between: $0, steps: steps) }
        let familyPaths = StudyFigures.paths(pairs, test: test) { family.trained.interpolated(between: $0, steps: steps) }
        report.paragraph("Four pairs of test images, the same for every row: each row starts at one image and ends at the other, with \(steps) images between them. In pixel space the path is a blend, (1 − t) a + t b; through a model it is the straight line between the two images' codings, decoded\(family.trained.continuousModel == nil ? " (for the VQ-VAE, between its encoder's outputs, each step quantized to the nearest codes)" : ""). The best sharper family is the one with the lowest Fréchet distance in question 4's table: \(family.label).")
        try report.figureRow([
            StudyFigures.grid(pixelPaths.images, columns: steps + 2, test: test, caption: "pixel space: blends", file: "interpolation-pixels"),
            StudyFigures.grid(bookPaths.images, columns: steps + 2, test: test, caption: "the book's VAE", file: "interpolation-book"),
            StudyFigures.grid(familyPaths.images, columns: steps + 2, test: test, caption: family.label, file: "interpolation-\(family.model)"),
        ])
        let middle = [("pixel blends", pixelPaths.middles), ("the book's VAE", bookPaths.middles), (family.label, familyPaths.middles)]
        let real = test.matrix(0..<min(test.count, 1000))
        let sharpness = middle.map { name, images in
            "\(name) \(Self.number(SpectralSharpness(samples: images, real: real, shape: book.continuousModel!.configuration.imageShape).ratio, 2))"
        }
        report.paragraph("The images halfway along the paths hold this share of real images' high-frequency power (spectral sharpness): " + sharpness.joined(separator: ", ")
            + ". A blend keeps both images' edges, a double exposure that is no garment; a model's path passes through images of its own, which are as sharp as its decoder draws.")

        var traversals = [try StudyFigures.traversal(book.continuousModel!, test: test, caption: "the book's VAE", file: "traversal-book")]
        // The best family with continuous codings: the best one itself, unless it is the VQ-VAE.
        let continuous = try family.trained.continuousModel == nil ? loadedFamily(ranking.first { $0.model != "vq-vae" }!) : family
        if let model = continuous.trained.continuousModel {
            traversals.append(try StudyFigures.traversal(model, test: test, caption: continuous.label, file: "traversal-\(continuous.model)"))
        }
        report.paragraph("Traversals: each row sweeps one active dimension of the coding (those whose mean coding varies across the test images, the most varied first) from two standard deviations of the test images' codings below their mean to two above, the other dimensions at their means."
            + (family.trained.continuousModel == nil ? " The VQ-VAE's codes are a grid of discrete symbols with no axes to sweep, so the traversal shown beside the book's is that of the best family with continuous codings, \(continuous.label)." : ""))
        report.figureRow(traversals)
    }

    /// The model of a run at an epoch, of any family.
    func loaded(_ model: String, epoch: Int) throws -> TrainedModel {
        try runner.runFolder(model, seed: first).loadTrainedModel(weights: runner.weights(model, seed: first, epoch: epoch)).0
    }

    /// The families built for sharp samples, the lowest Fréchet distance over their seeds first.
    func familiesByDistance() throws -> [(model: String, label: String, epoch: Int)] {
        let candidates: [(model: String, label: String, epoch: Int, prior: Prior)] = [
            (StudyPlan.betaName(0), "the regularised autoencoder", plan.standardEpochs, .gmm),
            ("two-stage", "the two-stage VAE", plan.twoStageEpochs.first, .secondStage),
            ("vq-vae", "the VQ-VAE", plan.vectorQuantizedEpochs.autoencoder, .codePrior),
        ]
        let distances = try candidates.map { StudyMeasure.frechetDistance.summary(try reports($0.model, epoch: $0.epoch, prior: $0.prior)).mean }
        return candidates.indices.sorted { distances[$0] < distances[$1] }.map { (candidates[$0].model, candidates[$0].label, candidates[$0].epoch) }
    }

    func loadedFamily(_ family: (model: String, label: String, epoch: Int)) throws -> (model: String, label: String, trained: TrainedModel) {
        (family.model, family.label, try loaded(family.model, epoch: family.epoch))
    }

    /// `count` pairs of test images of different classes where labels allow, drawn with a fixed seed.
    static func pairs(in test: ImageDataset, count: Int) -> [(Int, Int)] {
        var generator = SeededGenerator(seed: 11)
        var pairs: [(Int, Int)] = []
        for _ in 0..<(count * 20) where pairs.count < count && test.count > 1 {
            let a = Int(generator.next() % UInt64(test.count)), b = Int(generator.next() % UInt64(test.count))
            if a != b && (test.label(a) == nil || test.label(a) != test.label(b)) { pairs.append((a, b)) }
        }
        return pairs
    }
}
