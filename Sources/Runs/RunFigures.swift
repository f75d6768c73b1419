import Storage
import Foundation
import NumericCore
import VAE
import Visualization

/// The pictures a run produces: written by a training, redone by the commands that draw them.
public enum RunFigures {
    public static func grid(for configuration: ModelConfiguration, columns: Int, scale: Int = 3) -> ImageGrid {
        ImageGrid(imageHeight: configuration.imageHeight, imageWidth: configuration.imageWidth,
                  channels: configuration.channels, columns: columns, scale: scale)
    }

    /// Images decoded from random codings, as the book's Figure 17-12.
    public static func writeSamples(_ model: VariationalAutoencoder, count: Int, columns: Int, seed: UInt64,
                                    prior: Prior, mixture: GaussianMixture? = nil, to url: URL) throws {
        var generator = SeededGenerator(seed: seed)
        let codings = Codings.random(count: count, size: model.configuration.codingSize, prior: prior,
                                     mixture: mixture, generator: &generator)
        try writeGrid(model.decoded(codings), configuration: model.configuration, columns: columns, to: url)
    }

    /// Generated images in a grid: three times enlarged for a few; less for many, so that
    /// thousands make a picture a viewer can open rather than one of 70 million pixels.
    public static func writeGrid(_ images: Matrix, configuration: ModelConfiguration, columns: Int, to url: URL) throws {
        let rows = (images.rows + columns - 1) / columns
        let side = max(columns * configuration.imageWidth, rows * configuration.imageHeight)
        let scale = max(1, min(3, 2400 / max(side, 1)))
        try grid(for: configuration, columns: columns, scale: scale).write(images, to: url)
    }

    /// Images along one latent axis, as the book's Figure 17-13.
    public static func writeAxisInterpolation(_ model: VariationalAutoencoder, axis: Int, from start: Float, to end: Float,
                                       steps: Int, to url: URL) throws {
        let codings = Codings.alongAxis(axis, from: start, to: end, steps: steps, size: model.configuration.codingSize)
        try grid(for: model.configuration, columns: steps).write(model.decoded(codings), to: url)
    }

    /// Images above their reconstructions, one column each.
    public static func writeReconstructions(originals: Matrix, reconstructions: Matrix, configuration: ModelConfiguration,
                                            to url: URL) throws {
        try grid(for: configuration, columns: originals.rows).write(stacked(originals, over: reconstructions), to: url)
    }

    /// The first image of `pair`, the rows of `path`, then the second image, in one new
    /// matrix: a grid's line from one image to another.
    public static func framed(_ path: Matrix, between pair: Matrix) -> Matrix {
        precondition(pair.rows == 2 && pair.columns == path.columns)
        let strip = Matrix(rows: path.rows + 2, columns: path.columns)
        strip.base.update(from: pair.base, count: pair.columns)
        (strip.base + pair.columns).update(from: path.base, count: path.count)
        (strip.base + (path.rows + 1) * pair.columns).update(from: pair.base + pair.columns, count: pair.columns)
        return strip
    }

    /// The same path in pixel space: `steps` blends (1 − t) a + t b of the pair's two images,
    /// a double exposure.
    public static func blended(between pair: Matrix, steps: Int) -> Matrix {
        let images = Matrix(rows: steps, columns: pair.columns)
        for step in 0..<steps {
            let t = steps == 1 ? 0 : Float(step) / Float(steps - 1)
            for i in 0..<pair.columns { images[step, i] = (1 - t) * pair[0, i] + t * pair[1, i] }
        }
        return images
    }

    /// The rows of `top`, then those of `bottom`, in one new matrix: a grid's two lines.
    public static func stacked(_ top: Matrix, over bottom: Matrix) -> Matrix {
        precondition(top.rows == bottom.rows && top.columns == bottom.columns)
        let both = Matrix(rows: 2 * top.rows, columns: top.columns)
        both.base.update(from: top.base, count: top.count)
        (both.base + top.count).update(from: bottom.base, count: bottom.count)
        return both
    }

    /// Training and validation loss per epoch.
    public static func writeCurves(_ history: [EpochRecord], to url: URL) throws {
        let training = history.map { (x: Double($0.epoch), y: Double($0.loss.total)) }
        let validation = history.compactMap { record in record.validation.map { (x: Double(record.epoch), y: Double($0.total)) } }
        var series = [LineChart.Series(name: "training loss", points: training, color: LineChart.palette[0])]
        if !validation.isEmpty {
            series.append(LineChart.Series(name: "validation loss", points: validation, color: LineChart.palette[1]))
        }
        let chart = LineChart(title: "Loss per epoch", xLabel: "epoch", yLabel: "loss", series: series)
        try AtomicFile.write(chart.svg, to: url)
    }
}
