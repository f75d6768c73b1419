import Datasets
import Foundation
import Runs
import NumericCore
import VAE
import Visualization

/// The pictures the study's report shows, made from trained models.
enum StudyFigures {
    /// Grids of 30 images are 6 wide at twice the pixels: three of them, real images and two
    /// models' samples, fit side by side on the page at a size that can be judged.
    static let samplesColumns = 6

    /// 30 images from random codings, the same codings for every model of a coding size.
    static func samples(_ model: VariationalAutoencoder, prior: Prior = .gaussian, mixture: GaussianMixture? = nil,
                        caption: String, file: String) throws -> HTMLReport.Figure {
        var generator = SeededGenerator(seed: 7)
        let codings = Codings.random(count: 30, size: model.configuration.codingSize, prior: prior,
                                     mixture: mixture, generator: &generator)
        let grid = RunFigures.grid(for: model.configuration, columns: samplesColumns, scale: 2)
        return .png(try grid.png(model.decoded(codings)), caption: caption, fileName: "figures/\(file).png")
    }

    /// 30 test images drawn with a fixed seed, in the samples' grid: the reference every
    /// samples grid stands beside.
    static func realImages(_ test: ImageDataset, caption: String, file: String) throws -> HTMLReport.Figure {
        var generator = SeededGenerator(seed: 7)
        let indices = (0..<min(30, test.count)).map { _ in Int(generator.next() % UInt64(test.count)) }
        return try grid(test.selecting(indices).matrix(0..<indices.count), columns: samplesColumns, test: test, caption: caption,
                        file: file)
    }

    /// 30 images from a run of any family through `prior`, drawn with the same seed.
    static func samples(_ trained: TrainedModel, of folder: RunFolder, weights: URL, prior: Prior, caption: String,
                        file: String) throws -> HTMLReport.Figure {
        let configuration = try folder.readConfiguration()
        let images = try RunSampling.samples(trained, of: folder, configuration: configuration, weights: weights, prior: prior,
                                             count: 30, seed: 7)
        let grid = RunFigures.grid(for: configuration.model, columns: samplesColumns, scale: 2)
        return .png(try grid.png(images), caption: caption, fileName: "figures/\(file).png")
    }

    /// Ten test images (or as many as there are) above their reconstructions from the mean coding.
    static func reconstructions(_ model: VariationalAutoencoder, test: ImageDataset, caption: String, file: String) throws -> HTMLReport.Figure {
        let count = min(10, test.count)
        let originals = test.matrix(0..<count)
        let grid = RunFigures.grid(for: model.configuration, columns: count, scale: 2)
        return .png(try grid.png(RunFigures.stacked(originals, over: model.reconstructed(originals))), caption: caption,
                    fileName: "figures/\(file).png")
    }

    /// The test images' mean codings on their first two principal axes, coloured by class,
    /// with the prior's 1σ and 2σ circles. The codings are projected without centring, so
    /// the circles are exactly where N(0, I) puts 39% and 86% of its mass on that plane.
    static func codingScatter(_ model: VariationalAutoencoder, test: ImageDataset, classes: [String],
                              title: String, file: String) -> (HTMLReport.Figure, secondMoment: Double) {
        let images = test.prefix(2000)
        let codings = model.meanCodings(of: images, batchSize: 500)
        let axes = PrincipalComponents(fitting: codings, count: min(2, codings.columns)).components
        var points: [(x: Double, y: Double)] = []
        var secondMoment = 0.0
        for r in 0..<codings.rows {
            let row = codings.row(r)
            let project = { (axis: [Double]) in zip(row, axis).reduce(0.0) { $0 + Double($1.0) * $1.1 } }
            points.append((project(axes[0]), axes.count > 1 ? project(axes[1]) : 0))
            secondMoment += row.reduce(0.0) { $0 + Double($1) * Double($1) }
        }
        let labels = (0..<images.count).map { images.label($0) ?? 0 }
        var plot = ScatterPlot(title: title, xLabel: "first principal axis", yLabel: "second principal axis",
                               series: ScatterPlot.classes(points: points, labels: labels, names: classes),
                               ellipses: [.circle(name: "N(0, I): 1σ", radius: 1, color: "#000000", dash: "6 4"),
                                          .circle(name: "N(0, I): 2σ", radius: 2, color: "#000000", dash: "2 3")])
        plot.equalAspect = true
        let perDimension = secondMoment / Double(max(codings.count, 1))
        return (.svg(plot.svg, caption: title, fileName: "figures/\(file).svg"), perDimension)
    }
}

extension StudyFigures {
    /// For each pair of test images, the first image, the path `interpolate` makes from the
    /// pair, and the second image, one row per pair; and the middle image of every path.
    static func paths(_ pairs: [(Int, Int)], test: ImageDataset, _ interpolate: (Matrix) -> Matrix) -> (images: Matrix, middles: Matrix) {
        var rows: [Float] = [], middles: [Float] = []
        let pair = Matrix(rows: 2, columns: test.imageSize)
        for (a, b) in pairs {
            test.fill(pair, with: [a, b])
            let path = interpolate(pair)
            rows += RunFigures.framed(path, between: pair).values
            middles += path.row(path.rows / 2)
        }
        return (Matrix(rows: rows.count / test.imageSize, columns: test.imageSize, values: rows),
                Matrix(rows: pairs.count, columns: test.imageSize, values: middles))
    }

    /// Images in a grid of `columns`, at the scale of the samples' grids.
    static func grid(_ images: Matrix, columns: Int, test: ImageDataset, caption: String, file: String) throws -> HTMLReport.Figure {
        let grid = ImageGrid(imageHeight: test.height, imageWidth: test.width, channels: test.channels, columns: columns, scale: 2)
        return .png(try grid.png(images), caption: caption, fileName: "figures/\(file).png")
    }

    /// Training and validation loss per epoch.
    static func lossCurves(training: [Double], validation: [Double], title: String, file: String) -> HTMLReport.Figure {
        let chart = LineChart(title: title, xLabel: "epoch", yLabel: "loss", series: [
            .init(name: "training loss", points: training.enumerated().map { (Double($0 + 1), $1) }, color: LineChart.palette[0]),
            .init(name: "validation loss", points: validation.enumerated().map { (Double($0 + 1), $1) }, color: LineChart.palette[1]),
        ])
        return .svg(chart.svg, caption: "Training and validation loss", fileName: "figures/\(file).svg")
    }

    /// Each active dimension swept from two standard deviations of the test images' mean
    /// codings below their mean to two above, the others at their means; the most varied first.
    static func traversal(_ model: VariationalAutoencoder, test: ImageDataset, steps: Int = 9, caption: String, file: String) throws -> HTMLReport.Figure {
        let codings = model.meanCodings(of: test.prefix(2000), batchSize: 500)
        let size = codings.columns, count = Double(max(codings.rows, 1))
        var mean = [Double](repeating: 0, count: size), variance = [Double](repeating: 0, count: size)
        for r in 0..<codings.rows { for i in 0..<size { mean[i] += Double(codings[r, i]) / count } }
        for r in 0..<codings.rows { for i in 0..<size { variance[i] += pow(Double(codings[r, i]) - mean[i], 2) / count } }
        let active = (0..<size).filter { variance[$0] > Double(LatentUsage.activeThreshold) }.sorted { variance[$0] > variance[$1] }
        let dimensions = active.isEmpty ? [0] : active
        let sweep = Matrix(rows: dimensions.count * steps, columns: size)
        for (row, dimension) in dimensions.enumerated() {
            let spread = variance[dimension].squareRoot()
            for step in 0..<steps {
                for i in 0..<size { sweep[row * steps + step, i] = Float(mean[i]) }
                let t = Double(step) / Double(steps - 1) * 4 - 2
                sweep[row * steps + step, dimension] = Float(mean[dimension] + t * spread)
            }
        }
        let grid = RunFigures.grid(for: model.configuration, columns: steps, scale: 2)
        return .png(try grid.png(model.decoded(sweep)), caption: caption + ": \(dimensions.count) active dimension\(dimensions.count == 1 ? "" : "s")",
                    fileName: "figures/\(file).png")
    }
}

extension StudyFigures {
    /// Ten samples over the training images nearest to each in pixel space: a model that
    /// copied its training pictures would show the same picture twice.
    static func nearestNeighbours(_ model: VariationalAutoencoder, mixture: GaussianMixture, training: ImageDataset,
                                  caption: String, file: String) throws -> HTMLReport.Figure {
        var generator = SeededGenerator(seed: 7)
        let samples = model.decoded(Codings.random(count: 10, size: model.configuration.codingSize, prior: .gmm,
                                                   mixture: mixture, generator: &generator))
        let nearest = Matrix(rows: samples.rows, columns: samples.columns)
        let candidate = Matrix(rows: 1, columns: training.imageSize)
        var best = [Float](repeating: .infinity, count: samples.rows), index = [Int](repeating: 0, count: samples.rows)
        for i in 0..<training.count {
            training.fill(candidate, with: [i])
            for s in 0..<samples.rows {
                let distance = Reductions.squaredDistance(samples.base + s * samples.columns, candidate.base, count: samples.columns)
                if distance < best[s] { best[s] = distance; index[s] = i }
            }
        }
        for s in 0..<samples.rows {
            training.fill(candidate, with: [index[s]])
            (nearest.base + s * nearest.columns).update(from: candidate.base, count: candidate.columns)
        }
        let grid = RunFigures.grid(for: model.configuration, columns: samples.rows, scale: 2)
        return .png(try grid.png(RunFigures.stacked(samples, over: nearest)), caption: caption, fileName: "figures/\(file).png")
    }
}
