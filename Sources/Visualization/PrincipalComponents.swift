import NumericCore

/// The first principal components of a set of rows: the directions along which the rows
/// vary most, to look at a latent space of more than two dimensions on a plane.
///
/// The rows are centred and their covariance summed in `Double` (`GaussianFit`), and its
/// eigenvectors found by Jacobi rotations (`SymmetricEigenDecomposition`), which costs
/// rows × dimension² + about 10 dimension³: nothing for codings of 2 to 64 dimensions,
/// seconds for images of 784 pixels. For two-dimensional codings the two components are
/// a rotation of the plane.
public struct PrincipalComponents: Sendable {
    /// The mean of the fitted rows, which projection subtracts first.
    public let mean: [Double]
    /// The components, unit vectors of the rows' dimension, most variance first. Each is
    /// signed so that its element of largest magnitude is positive: the same data always
    /// gives the same picture.
    public let components: [[Double]]
    /// The variance of the fitted rows along each component (the covariance's eigenvalues,
    /// divided by rows − 1).
    public let variances: [Double]
    /// Each component's share of the total variance, over all dimensions: how much of
    /// the picture a projection keeps.
    public let explainedVarianceRatio: [Double]

    /// The first `count` principal components of the rows of `data` (at least two rows).
    public init(fitting data: Matrix, count: Int) {
        precondition(count >= 1 && count <= data.columns, "\(count) components of \(data.columns) dimensions")
        let fit = GaussianFit(fitting: data)
        let dimension = fit.dimension
        let decomposition = SymmetricEigenDecomposition(fit.covariance, dimension: dimension)
        // Eigenvalues come in ascending order: the last ones are the largest.
        let chosen = (0..<dimension).reversed().prefix(count)
        mean = fit.mean
        components = chosen.map { column in
            let vector = (0..<dimension).map { decomposition.vectors[$0 * dimension + column] }
            let largest = vector.max { abs($0) < abs($1) } ?? 0
            return largest < 0 ? vector.map { -$0 } : vector
        }
        // Rounding can leave the eigenvalues of a singular covariance slightly negative.
        variances = chosen.map { max(decomposition.values[$0], 0) }
        let total = fit.trace
        explainedVarianceRatio = variances.map { total > 0 ? $0 / total : 0 }
    }

    /// The coordinates of the rows of `data` along the components: rows × components.
    public func project(_ data: Matrix) -> Matrix {
        precondition(data.columns == mean.count, "rows of \(data.columns) values for components of \(mean.count)")
        let projected = Matrix(rows: data.rows, columns: components.count)
        var centred = [Double](repeating: 0, count: mean.count)
        for row in 0..<data.rows {
            let values = data.row(row)
            for column in 0..<mean.count { centred[column] = Double(values[column]) - mean[column] }
            for (index, component) in components.enumerated() {
                var sum = 0.0
                for column in 0..<mean.count { sum += centred[column] * component[column] }
                projected[row, index] = Float(sum)
            }
        }
        return projected
    }
}
