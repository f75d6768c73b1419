import NumericCore

/// Precision and recall of generated images, as Kynkäänniemi et al. define them
/// ("Improved precision and recall metric for assessing generative models", 2019).
///
/// One number like the Fréchet distance cannot tell blurry or odd samples (low quality)
/// from samples that cover only part of the data (low variety). These two can: each set
/// of features is taken to fill the union of balls around its points, each ball reaching
/// the point's k-th nearest neighbour in its own set, and
/// - precision is the fraction of generated points inside the real set's balls: how many
///   samples look real;
/// - recall is the fraction of real points inside the generated set's balls: how much of
///   the real data the samples cover.
public struct PrecisionRecall: Equatable, Sendable {
    public let precision: Double
    public let recall: Double
    /// The k of the k-th nearest neighbour that sets each ball's radius.
    public let neighbours: Int

    /// Compares the rows of `real` and `generated` features (both need more than
    /// `neighbours` rows). Three passes of blocked BLAS products (real × real,
    /// generated × generated, generated × real) hold a block of distances at a time.
    public init(real: Matrix, generated: Matrix, neighbours: Int = 3) {
        precondition(real.columns == generated.columns, "real features of \(real.columns) values, generated of \(generated.columns)")
        let realRadii = PairwiseDistances.kthNeighbourSquaredDistances(real, k: neighbours)
        let generatedRadii = PairwiseDistances.kthNeighbourSquaredDistances(generated, k: neighbours)
        // One pass over generated × real answers both questions: row i (a generated point)
        // lies in column j's ball when d ≤ realRadii[j], and column j (a real point) lies
        // in row i's ball when d ≤ generatedRadii[i].
        var generatedInside = [Bool](repeating: false, count: generated.rows)
        var realInside = [Bool](repeating: false, count: real.rows)
        realInside.withUnsafeMutableBufferPointer { realInside in
            PairwiseDistances(generated, real).forEachBlock { rows, columns, distances in
                let width = columns.count
                for i in rows {
                    let row = distances + (i - rows.lowerBound) * width
                    let radius = generatedRadii[i]
                    var inside = generatedInside[i]
                    for j in 0..<width {
                        let distance = row[j]
                        inside = inside || distance <= realRadii[columns.lowerBound + j]
                        if distance <= radius { realInside[columns.lowerBound + j] = true }
                    }
                    generatedInside[i] = inside
                }
            }
        }
        precision = Double(generatedInside.count { $0 }) / Double(generated.rows)
        recall = Double(realInside.count { $0 }) / Double(real.rows)
        self.neighbours = neighbours
    }

    public init(precision: Double, recall: Double, neighbours: Int) {
        self.precision = precision
        self.recall = recall
        self.neighbours = neighbours
    }
}
