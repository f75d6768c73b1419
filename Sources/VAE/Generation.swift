import NumericCore

/// Distributions to draw codings from when generating images.
public enum Prior: String, Codable, CaseIterable, Sendable {
    /// N(0, I), the prior the latent loss pulls the codings towards.
    case gaussian
    /// U(−1, 1) in every dimension, the assignment's alternative.
    case uniform
    /// U(−√3, √3): uniform with the prior's variance of 1.
    case uniformMatched = "uniform-matched"
    /// N(0, I) with every value redrawn until |z| ≤ 2: the prior without its tails.
    case truncated
    /// A Gaussian mixture fitted to the training images' mean codings (`GaussianMixture`).
    case gmm
    /// A two-stage model's second VAE: N(0, I) through its decoder.
    case secondStage = "second-stage"
    /// A VQ-VAE's PixelCNN over its codes.
    case codePrior = "pixelcnn"
}

/// Codings to decode: random draws, a line along one axis, a path between two codings.
public enum Codings {
    /// `count` codings from `prior`; `.gmm` draws from `mixture` and `.secondStage`
    /// through `secondStage`, which they then require. A code prior draws codes, not codings.
    public static func random(count: Int, size: Int, prior: Prior = .gaussian, mixture: GaussianMixture? = nil,
                              secondStage: VariationalAutoencoder? = nil, generator: inout SeededGenerator) -> Matrix {
        let codings = Matrix(rows: count, columns: size)
        switch prior {
        case .secondStage:
            guard let secondStage, secondStage.configuration.imageSize == size else {
                preconditionFailure("the second-stage prior needs a second VAE over \(size)-dimensional codings")
            }
            let inner = Matrix(rows: count, columns: secondStage.configuration.codingSize)
            inner.fillNormal(using: &generator)
            return secondStage.decoded(inner)
        case .codePrior:
            preconditionFailure("a code prior draws a VQ-VAE's codes, not codings")
        case .gmm:
            guard let mixture, mixture.dimension == size else {
                preconditionFailure("the gmm prior needs a mixture fitted to \(size)-dimensional codings")
            }
            return mixture.sample(count: count, generator: &generator)
        case .gaussian: codings.fillNormal(using: &generator)
        case .uniform: codings.fillUniform(from: -1, to: 1, using: &generator)
        case .uniformMatched: codings.fillUniformUnitVariance(using: &generator)
        case .truncated:
            let values = codings.buffer
            for i in values.indices {
                repeat { values[i] = generator.nextNormal() } while abs(values[i]) > 2
            }
        }
        return codings
    }

    /// `steps` codings with dimension `axis` going evenly from `start` to `end`, the others 0:
    /// the book's `codings[:, 3] = np.linspace(-0.8, 0.8, 7)`.
    public static func alongAxis(_ axis: Int, from start: Float, to end: Float, steps: Int, size: Int) -> Matrix {
        precondition(axis >= 0 && axis < size, "axis \(axis) of a \(size)-dimensional coding")
        let codings = Matrix(rows: steps, columns: size)
        for step in 0..<steps { codings[step, axis] = linearStep(step, of: steps, from: start, to: end) }
        return codings
    }

    /// One row per latent dimension, each sweeping that dimension from `start` to `end` in
    /// `steps` columns with the others at 0: what each dimension encodes.
    public static func traversal(size: Int, from start: Float, to end: Float, steps: Int) -> Matrix {
        let codings = Matrix(rows: size * steps, columns: size)
        for dimension in 0..<size {
            for step in 0..<steps {
                codings[dimension * steps + step, dimension] = linearStep(step, of: steps, from: start, to: end)
            }
        }
        return codings
    }

    /// A `steps × steps` grid over the plane of a two-dimensional coding, from `start` to
    /// `end` on both axes; the first axis runs along rows, the second down columns.
    public static func grid(from start: Float, to end: Float, steps: Int) -> Matrix {
        let codings = Matrix(rows: steps * steps, columns: 2)
        for row in 0..<steps {
            for column in 0..<steps {
                codings[row * steps + column, 0] = linearStep(column, of: steps, from: start, to: end)
                codings[row * steps + column, 1] = linearStep(row, of: steps, from: end, to: start)
            }
        }
        return codings
    }

    /// `steps` codings on the straight line from `start` to `end` (both included).
    public static func between(_ start: [Float], _ end: [Float], steps: Int) -> Matrix {
        precondition(start.count == end.count)
        let codings = Matrix(rows: steps, columns: start.count)
        for step in 0..<steps {
            let t = linearStep(step, of: steps, from: 0, to: 1)
            for i in 0..<start.count { codings[step, i] = start[i] + t * (end[i] - start[i]) }
        }
        return codings
    }

    static func linearStep(_ step: Int, of steps: Int, from start: Float, to end: Float) -> Float {
        steps == 1 ? start : start + (end - start) * Float(step) / Float(steps - 1)
    }
}
