import Datasets
import Foundation
import NumericCore
import Runs
import VAE
import Visualization

/// One run's trained model, held in memory for a person to explore: decode any coding,
/// the path between two test images (and the same path in pixel space), samples from a
/// prior, and for a VQ-VAE a region of the code grid redrawn from its prior.
///
/// Every answer is a PNG. Every argument is checked (`ExplorerError`) and each request's
/// work is bounded by `ExplorerLimits`. Nothing is written: a mixture prior that the run
/// has not kept is fitted in memory, in the background.
public final class LatentExplorer: @unchecked Sendable {
    public let layout: ExplorerLayout
    public let configuration: RunConfiguration
    /// The sizes and times of the files the model was loaded from: other ones mean reload.
    public let weightsStamp: String
    private let pool: ModelPool
    private let test: ImageDataset
    private let grid: ImageGrid
    private let mixture: MixtureInBackground?

    /// The test images the explorer keeps: its map's points and the images to pick.
    public static let testImages = 2000

    /// Loads the run's model and its test images and lays out the explorer. `copies`
    /// copies of the model serve requests at once.
    public init(run name: String, folder: RunFolder, copies: Int = 2) throws {
        weightsStamp = RunSummary.stamp(of: folder, files: RunSummary.modelFiles, activity: false)
        let (trained, configuration) = try folder.loadTrainedModel()
        self.configuration = configuration
        let model = configuration.model
        test = try RunData.trainingAndTest(of: configuration, run: folder, training: false).test.prefix(Self.testImages)
        grid = ImageGrid(imageHeight: model.imageHeight, imageWidth: model.imageWidth, channels: model.channels,
                         columns: 1, scale: max(1, 168 / max(model.imageWidth, 1)), border: 0)
        pool = ModelPool(trained, copies: copies)
        var dimensions: [ExplorerLayout.Dimension] = [], map: ExplorerLayout.Map?
        var priors: [Prior] = [], notes: [String] = []
        switch trained {
        case .vae(let vae), .twoStage(let vae, _):
            let codings = vae.meanCodings(of: test, batchSize: 500)
            dimensions = Self.dimensions(of: codings)
            map = Self.map(of: codings, test: test)
            priors = [.gaussian, .uniform, .truncated, .gmm]
            if case .twoStage(_, let second) = trained {
                if second != nil { priors.append(.secondStage) } else { notes.append("no second stage is trained yet") }
            }
        case .vqVAE(_, let prior):
            if prior != nil { priors = [.codePrior] } else { notes.append("no code prior is trained yet") }
        }
        if let vae = trained.continuousModel {
            mixture = MixtureInBackground(model: vae, folder: folder, configuration: configuration)
        } else {
            mixture = nil
        }
        var gridShape: [Int]?, codebookSize: Int?
        if case .vqVAE(let vq, _) = trained {
            gridShape = [vq.grid.height, vq.grid.width]
            codebookSize = vq.quantizer.codebookSize
        }
        layout = ExplorerLayout(
            run: name, family: model.family.rawValue, kind: trained.continuousModel == nil ? "discrete" : "continuous",
            height: model.imageHeight, width: model.imageWidth, channels: model.channels, codingSize: model.codingSize,
            dimensions: dimensions, map: map, classes: Self.classes(of: configuration, folder: folder, test: test),
            testImages: test.count, priors: priors.map(\.rawValue), priorNotes: notes, grid: gridShape,
            codebookSize: codebookSize, limits: ExplorerLimits())
    }

    /// The image the decoder draws from `coding`.
    public func decode(_ coding: [Float]) throws(ExplorerError) -> Data {
        guard layout.kind == "continuous" else { throw .notApplicable("a VQ-VAE decodes grids of codes, not codings") }
        guard coding.count == layout.codingSize else {
            throw .invalid("a coding of \(coding.count) values for \(layout.codingSize) latent dimensions")
        }
        guard coding.allSatisfy({ $0.isFinite && abs($0) <= layout.limits.codingMagnitude }) else {
            throw .invalid("coding values must be finite numbers within ±\(Int(layout.limits.codingMagnitude))")
        }
        let codings = Matrix(rows: 1, columns: coding.count)
        for (i, value) in coding.enumerated() { codings[0, i] = value }
        return try png(pool.with { $0.continuousModel!.decoded(codings) }, columns: 1)
    }

    /// Test image `index` and the model's reconstruction of it, side by side.
    public func testImage(_ index: Int) throws(ExplorerError) -> Data {
        let image = try testImages([index])
        return try png(RunFigures.stacked(image, over: pool.with { $0.reconstructed(image) }), columns: 2)
    }

    /// Two rows from test image `from` to test image `to` with `steps` images between:
    /// through the model's codings above, blended in pixel space below.
    public func interpolation(from: Int, to: Int, steps: Int) throws(ExplorerError) -> Data {
        guard (1...layout.limits.interpolationSteps).contains(steps) else {
            throw .invalid("steps must be from 1 to \(layout.limits.interpolationSteps)")
        }
        let pair = try testImages([from, to])
        let latent = RunFigures.framed(pool.with { $0.interpolated(between: pair, steps: steps) }, between: pair)
        let pixels = RunFigures.framed(RunFigures.blended(between: pair, steps: steps), between: pair)
        return try png(RunFigures.stacked(latent, over: pixels), columns: steps + 2)
    }

    /// `count` new images from `prior`, drawn with `seed`.
    public func samples(prior name: String, count: Int, seed: UInt64) throws(ExplorerError) -> Data {
        guard let prior = Prior(rawValue: name), layout.priors.contains(name) else {
            throw .invalid("prior '\(name.prefix(40))' is not one of this run's: \(layout.priors.joined(separator: ", "))"
                           + (layout.priorNotes.isEmpty ? "" : " (\(layout.priorNotes.joined(separator: "; ")))"))
        }
        let limit = layout.kind == "discrete" ? layout.limits.discreteSamples : layout.limits.samples
        guard (1...limit).contains(count) else { throw .invalid("count must be from 1 to \(limit)") }
        var generator = SeededGenerator(seed: seed)
        let fitted: GaussianMixture? = prior == .gmm ? try mixture?.ready() : nil
        let family = configuration.model.family
        let drawn = pool.with { trained in
            Result { () throws(SamplingError) in
                try RunSampling.samples(trained, family: family, prior: prior, count: count, mixture: fitted, generator: &generator)
            }
        }
        let images: Matrix
        switch drawn {
        case .success(let matrix): images = matrix
        case .failure(let error): throw .notReady(error.description)
        }
        return try png(images, columns: min(count, 8))
    }

    /// A VQ-VAE's test image `index`, its reconstruction, and the reconstruction with the
    /// codes of a rectangle of its grid (rows `top..<top+height`, columns
    /// `left..<left+width`) redrawn from the code prior, given the codes before each.
    public func redrawn(index: Int, top: Int, left: Int, height: Int, width: Int, seed: UInt64) throws(ExplorerError) -> Data {
        guard let shape = layout.grid else { throw .notApplicable("only a VQ-VAE has a grid of codes to redraw") }
        guard top >= 0, left >= 0, height >= 1, width >= 1, top + height <= shape[0], left + width <= shape[1] else {
            throw .invalid("the region must lie within the \(shape[0])×\(shape[1]) code grid")
        }
        let image = try testImages([index])
        var redraw = [Bool](repeating: false, count: shape[0] * shape[1])
        for row in top..<(top + height) { for column in left..<(left + width) { redraw[row * shape[1] + column] = true } }
        var generator = SeededGenerator(seed: seed)
        let result = pool.with { trained -> Matrix? in
            guard case .vqVAE(let vq, let prior?) = trained else { return nil }
            let codes = vq.codes(of: image)
            let completed = prior.completed(codes, redrawing: redraw, codebook: vq.quantizer.codebook.value, generator: &generator)
            let reconstruction = vq.decoded(codes: codes, images: 1)
            return RunFigures.framed(reconstruction, between: RunFigures.stacked(image, over: vq.decoded(codes: completed, images: 1)))
        }
        guard let result else { throw .notReady("this run has no trained code prior yet") }
        return try png(result, columns: 3)
    }

    // MARK: - Helpers

    private func testImages(_ indices: [Int]) throws(ExplorerError) -> Matrix {
        for index in indices where index < 0 || index >= test.count {
            throw .invalid("test image \(index) is not one of 0–\(test.count - 1)")
        }
        let images = Matrix(rows: indices.count, columns: test.imageSize)
        test.fill(images, with: indices)
        return images
    }

    private func png(_ images: Matrix, columns: Int) throws(ExplorerError) -> Data {
        // One image large (168 pixels wide), several at half that.
        var layout = grid
        layout.columns = columns
        if images.rows > 1 {
            layout.border = 2
            layout.scale = max(1, 84 / max(grid.imageWidth, 1))
        }
        do { return try layout.png(images) } catch { throw .failed("\(error)") }
    }

    static func dimensions(of codings: Matrix) -> [ExplorerLayout.Dimension] {
        var statistics = MeanCodingStatistics(dimensions: codings.columns)
        statistics.add(codings)
        let (mean, variance) = (statistics.mean, statistics.variance)
        return (0..<codings.columns).map { column in
            .init(index: column, mean: mean[column], spread: variance[column].squareRoot(),
                  active: variance[column] > LatentUsage.activeThreshold)
        }
    }

    static func map(of codings: Matrix, test: ImageDataset) -> ExplorerLayout.Map? {
        guard codings.rows >= 2, codings.columns >= 2 else { return nil }
        let labels = (0..<test.count).map { Float(test.label($0) ?? -1) }
        if codings.columns == 2 {
            let points = (0..<codings.rows).map { [codings[$0, 0], codings[$0, 1], labels[$0]] }
            return .init(kind: "dimensions", axisNames: ["z0", "z1"], origin: [0, 0], axes: [[1, 0], [0, 1]],
                         explained: [1, 1], points: points)
        }
        let components = PrincipalComponents(fitting: codings, count: 2)
        let projected = components.project(codings)
        let points = (0..<codings.rows).map { [projected[$0, 0], projected[$0, 1], labels[$0]] }
        return .init(kind: "pca", axisNames: ["PC1", "PC2"], origin: components.mean.map(Float.init),
                     axes: components.components.map { $0.map(Float.init) },
                     explained: components.explainedVarianceRatio.map(Float.init), points: points)
    }

    static func classes(of configuration: RunConfiguration, folder: RunFolder, test: ImageDataset) -> [String] {
        if configuration.data.pictures != nil, let split = try? ImageFolderSplit.read(folder.splitURL) { return split.classes }
        guard test.hasLabels else { return [] }
        if configuration.data.folder.lowercased().contains("fashion") { return MNISTFormat.fashionMNISTClasses }
        let largest = (0..<test.count).compactMap(test.label).max() ?? 0
        return (0...largest).map(String.init)
    }
}

/// Why a request to the explorer was refused.
public enum ExplorerError: Error, CustomStringConvertible, Equatable {
    /// An argument out of its range (the request's fault).
    case invalid(String)
    /// The request does not apply to this run's family.
    case notApplicable(String)
    /// The run cannot answer yet (a prior still training or fitting); ask again later.
    case notReady(String)
    /// Something failed while answering.
    case failed(String)

    public var description: String {
        switch self {
        case .invalid(let reason), .notApplicable(let reason), .notReady(let reason), .failed(let reason): reason
        }
    }
}
