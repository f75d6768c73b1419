import Foundation
import NumericCore

/// A mixture of Gaussians fitted by expectation–maximisation: a prior for the codings that
/// follows where the encoder actually put the training images, rather than N(0, I). A
/// model trained with little or no latent loss leaves its codings far from N(0, I);
/// sampling from a mixture fitted to them still lands where the decoder has learned.
public struct GaussianMixture: Codable, Equatable, Sendable {
    public enum Covariance: String, Codable, CaseIterable, Sendable {
        case full, diagonal
    }

    public var covariance: Covariance
    public var weights: [Double]
    public var means: [[Double]]
    /// Each component's Cholesky factor L (Σ = L Lᵀ), lower triangle row by row as a full
    /// d × d matrix; diagonal for `.diagonal`.
    public var choleskyFactors: [[Double]]
    /// The mean log-likelihood of the points it was fitted to, per EM iteration.
    public var logLikelihoods: [Double]
    /// What the mixture was fitted to, in the caller's words (weights and data), so a
    /// cached mixture can be recognised as stale.
    public var source: String?

    public var dimension: Int { means.first?.count ?? 0 }
    public var components: Int { weights.count }

    /// Added to every variance, as scikit-learn's `reg_covar`, so that no component collapses.
    static let regularisation = 1e-6

    /// Fits `components` Gaussians to the rows of `points`.
    public static func fit(_ points: Matrix, components: Int, covariance: Covariance = .full,
                           iterations: Int = 100, tolerance: Double = 1e-4,
                           generator: inout SeededGenerator) throws(ConfigurationError) -> GaussianMixture {
        let n = points.rows, d = points.columns
        guard components >= 1 else { throw ConfigurationError(.components, components, "must be at least 1") }
        guard n >= components else { throw ConfigurationError("\(n) codings cannot fit \(components) components") }
        let data = (0..<n).map { r in (0..<d).map { Double(points[r, $0]) } }
        // Start from k-means++ seeds as means, the overall covariance for every component.
        var means = seeds(data, count: components, generator: &generator)
        let overall = covarianceMatrix(data, weights: [Double](repeating: 1, count: n), mean: mean(data), diagonal: covariance == .diagonal)
        var mixture = GaussianMixture(covariance: covariance, weights: [Double](repeating: 1 / Double(components), count: components),
                                      means: means, choleskyFactors: [], logLikelihoods: [])
        guard let factor = cholesky(overall, d) else { throw ConfigurationError("the codings have a degenerate covariance") }
        mixture.choleskyFactors = [[Double]](repeating: factor, count: components)

        var responsibilities = [[Double]](repeating: [Double](repeating: 0, count: components), count: n)
        for _ in 0..<iterations {
            // E-step: responsibilities, and the log-likelihood they come with.
            var total = 0.0
            for (i, x) in data.enumerated() {
                let logs = (0..<components).map { log(mixture.weights[$0]) + mixture.logDensity(x, component: $0) }
                let top = logs.max()!
                let sum = logs.reduce(0) { $0 + exp($1 - top) }
                total += top + log(sum)
                for k in 0..<components { responsibilities[i][k] = exp(logs[k] - top) / sum }
            }
            mixture.logLikelihoods.append(total / Double(n))
            // M-step: weights, means and covariances from the responsibilities.
            for k in 0..<components {
                let column = responsibilities.map { $0[k] }
                let mass = column.reduce(0, +) + 1e-10
                mixture.weights[k] = mass / Double(n)
                var centre = [Double](repeating: 0, count: d)
                for (i, x) in data.enumerated() { for j in 0..<d { centre[j] += column[i] * x[j] } }
                centre = centre.map { $0 / mass }
                means[k] = centre
                let sigma = covarianceMatrix(data, weights: column, mean: centre, diagonal: covariance == .diagonal)
                guard let factor = cholesky(sigma, d) else { throw ConfigurationError("component \(k) collapsed while fitting") }
                mixture.choleskyFactors[k] = factor
            }
            mixture.means = means
            let history = mixture.logLikelihoods
            if history.count >= 2, abs(history[history.count - 1] - history[history.count - 2]) < tolerance { break }
        }
        return mixture
    }

    /// log N(x; μₖ, Σₖ), through the Cholesky factor: −½ (d log 2π + log|Σ| + ‖L⁻¹(x − μ)‖²).
    public func logDensity(_ x: [Double], component k: Int) -> Double {
        let d = dimension, factor = choleskyFactors[k], centre = means[k]
        var solved = [Double](repeating: 0, count: d)
        var logDeterminant = 0.0, distance = 0.0
        for i in 0..<d {
            var value = x[i] - centre[i]
            for j in 0..<i { value -= factor[i * d + j] * solved[j] }
            solved[i] = value / factor[i * d + i]
            distance += solved[i] * solved[i]
            logDeterminant += 2 * log(factor[i * d + i])
        }
        return -0.5 * (Double(d) * log(2 * Double.pi) + logDeterminant + distance)
    }

    /// `count` codings drawn from the mixture.
    public func sample(count: Int, generator: inout SeededGenerator) -> Matrix {
        let d = dimension
        let result = Matrix(rows: count, columns: d)
        for r in 0..<count {
            var pick = Double(generator.nextUnitFloat()), k = 0
            while k < components - 1 && pick >= weights[k] { pick -= weights[k]; k += 1 }
            let noise = (0..<d).map { _ in Double(generator.nextNormal()) }
            for i in 0..<d {
                var value = means[k][i]
                for j in 0...i { value += choleskyFactors[k][i * d + j] * noise[j] }
                result[r, i] = Float(value)
            }
        }
        return result
    }

    /// Checks a mixture read from a file before it is used.
    public func validate() throws(ConfigurationError) {
        let d = dimension
        guard components >= 1, d >= 1, means.count == components, choleskyFactors.count == components,
              means.allSatisfy({ $0.count == d }), choleskyFactors.allSatisfy({ $0.count == d * d }) else {
            throw ConfigurationError("the mixture's shapes do not agree")
        }
        guard weights.allSatisfy({ $0 >= 0 && $0.isFinite }), abs(weights.reduce(0, +) - 1) < 1e-6,
              means.joined().allSatisfy(\.isFinite), choleskyFactors.joined().allSatisfy(\.isFinite),
              choleskyFactors.allSatisfy({ factor in (0..<d).allSatisfy { factor[$0 * d + $0] > 0 } }) else {
            throw ConfigurationError("the mixture holds invalid weights, means or covariances")
        }
    }

    /// k-means++ seeding: each next seed is a point drawn with probability proportional to
    /// its squared distance from the seeds so far, so the seeds spread over the clusters.
    static func seeds(_ data: [[Double]], count: Int, generator: inout SeededGenerator) -> [[Double]] {
        var seeds = [data[Int(generator.next() % UInt64(data.count))]]
        var distances = data.map { squaredDistance($0, seeds[0]) }
        while seeds.count < count {
            let total = distances.reduce(0, +)
            var pick = Double(generator.nextUnitFloat()) * total
            var index = 0
            while index < data.count - 1 && pick >= distances[index] { pick -= distances[index]; index += 1 }
            seeds.append(data[index])
            for i in data.indices { distances[i] = min(distances[i], squaredDistance(data[i], data[index])) }
        }
        return seeds
    }

    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    static func mean(_ data: [[Double]]) -> [Double] {
        let d = data[0].count
        var sum = [Double](repeating: 0, count: d)
        for x in data { for j in 0..<d { sum[j] += x[j] } }
        return sum.map { $0 / Double(data.count) }
    }

    /// The weighted covariance about `mean`, regularised; only its diagonal when asked.
    static func covarianceMatrix(_ data: [[Double]], weights: [Double], mean: [Double], diagonal: Bool) -> [Double] {
        let d = mean.count
        var sigma = [Double](repeating: 0, count: d * d)
        var mass = 0.0
        for (x, w) in zip(data, weights) where w > 0 {
            mass += w
            for i in 0..<d {
                let a = x[i] - mean[i]
                if diagonal { sigma[i * d + i] += w * a * a; continue }
                for j in 0...i { sigma[i * d + j] += w * a * (x[j] - mean[j]) }
            }
        }
        for i in 0..<d {
            for j in 0...i {
                sigma[i * d + j] /= max(mass, 1e-10)
                sigma[j * d + i] = sigma[i * d + j]
            }
            sigma[i * d + i] += regularisation
        }
        return sigma
    }

    /// The lower-triangular L with L Lᵀ = `matrix`, or nil if it is not positive definite.
    static func cholesky(_ matrix: [Double], _ d: Int) -> [Double]? {
        var factor = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var sum = matrix[i * d + j]
                for k in 0..<j { sum -= factor[i * d + k] * factor[j * d + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    factor[i * d + i] = sum.squareRoot()
                } else {
                    factor[i * d + j] = sum / factor[j * d + j]
                }
            }
        }
        return factor
    }
}
