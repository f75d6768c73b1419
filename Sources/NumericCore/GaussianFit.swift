/// The mean and covariance of a set of feature vectors: the Gaussian that the Fréchet
/// distance puts in the place of each set, and whose principal axes principal component
/// analysis finds.
///
/// Sums are taken in `Double`: with 10,000 rows of float32 features, float sums would lose
/// the last digits the distance's difference of traces depends on.
public struct GaussianFit: Equatable, Sendable {
    public let dimension: Int
    /// How many rows were fitted (0 for a Gaussian given directly).
    public let count: Int
    public let mean: [Double]
    /// dimension × dimension, row-major.
    public let covariance: [Double]

    /// A Gaussian given by its moments.
    public init(mean: [Double], covariance: [Double]) {
        precondition(covariance.count == mean.count * mean.count, "a covariance of \(covariance.count) values for \(mean.count) dimensions")
        dimension = mean.count
        count = 0
        self.mean = mean
        self.covariance = covariance
    }

    /// The sample mean and the unbiased sample covariance (divided by rows − 1, as numpy's
    /// `cov` and the usual FID code compute it) of the rows of `features`.
    public init(fitting features: Matrix) {
        let n = features.rows, d = features.columns
        precondition(n >= 2, "a covariance needs at least two rows, not \(n)")
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<n {
            let row = features.base + r * d
            for c in 0..<d { mean[c] += Double(row[c]) }
        }
        for c in 0..<d { mean[c] /= Double(n) }

        // Σ (x − μ)(x − μ)ᵀ, upper triangle, one centred row at a time.
        var covariance = [Double](repeating: 0, count: d * d)
        var centred = [Double](repeating: 0, count: d)
        covariance.withUnsafeMutableBufferPointer { sums in
            centred.withUnsafeMutableBufferPointer { x in
                for r in 0..<n {
                    let row = features.base + r * d
                    for c in 0..<d { x[c] = Double(row[c]) - mean[c] }
                    for i in 0..<d {
                        let xi = x[i]
                        let target = sums.baseAddress! + i * d
                        for j in i..<d { target[j] += xi * x[j] }
                    }
                }
            }
        }
        let divisor = Double(n - 1)
        for i in 0..<d {
            for j in i..<d {
                let value = covariance[i * d + j] / divisor
                covariance[i * d + j] = value
                covariance[j * d + i] = value
            }
        }
        dimension = d
        count = n
        self.mean = mean
        self.covariance = covariance
    }

    /// The sum of the covariance's diagonal: the total variance.
    public var trace: Double { (0..<dimension).reduce(0) { $0 + covariance[$1 * dimension + $1] } }
}
