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
///
/// Precision trusts every real ball, and a real outlier's ball can be wide: samples that
/// all look alike (noise, a collapsed model) can land inside one and score a precision
/// near 1. Density and coverage (Naeem et al., "Reliable fidelity and diversity metrics
/// for generative models", 2020) come from the same distances and resist that:
/// - density is the mean number of real balls around a sample, ÷ k (about 1 for samples
///   distributed like the real data, near 0 for samples only an outlier's ball holds);
/// - coverage is the fraction of real points whose own ball holds at least one sample.
public struct PrecisionRecall: Equatable, Sendable {
    public let precision: Double
    public let recall: Double
    public let density: Double
    public let coverage: Double
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
        // Of each generated point: how many real balls hold it. Of each real point: whether
        // it lies in a generated ball (recall), and whether its own ball holds a generated one (coverage).
        var realBallsAround = [Int](repeating: 0, count: generated.rows)
        var realInside = [Bool](repeating: false, count: real.rows)
        var realCovered = [Bool](repeating: false, count: real.rows)
        realInside.withUnsafeMutableBufferPointer { realInside in
            realCovered.withUnsafeMutableBufferPointer { realCovered in
                PairwiseDistances(generated, real).forEachBlock { rows, columns, distances in
                    let width = columns.count
                    for i in rows {
                        let row = distances + (i - rows.lowerBound) * width
                        let radius = generatedRadii[i]
                        var around = 0
                        for j in 0..<width {
                            let distance = row[j], column = columns.lowerBound + j
                            if distance <= realRadii[column] {
                                around += 1
                                realCovered[column] = true
                            }
                            if distance <= radius { realInside[column] = true }
                        }
                        realBallsAround[i] += around
                    }
                }
            }
        }
        precision = Double(realBallsAround.count { $0 > 0 }) / Double(generated.rows)
        recall = Double(realInside.count { $0 }) / Double(real.rows)
        density = Double(realBallsAround.reduce(0, +)) / Double(neighbours * generated.rows)
        coverage = Double(realCovered.count { $0 }) / Double(real.rows)
        self.neighbours = neighbours
    }

    public init(precision: Double, recall: Double, density: Double, coverage: Double, neighbours: Int) {
        self.precision = precision
        self.recall = recall
        self.density = density
        self.coverage = coverage
        self.neighbours = neighbours
    }
}
