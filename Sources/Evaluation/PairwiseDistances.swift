import NumericCore

/// Squared Euclidean distances between the rows of two sets, one block at a time.
///
/// ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b puts nearly all the work in the products a·b, which one
/// `sgemm` per block computes for a thousand by a thousand rows at once. Ten thousand rows
/// against ten thousand then take a hundred products and a 4 MB buffer, never a 400 MB
/// matrix. The expansion loses digits when two rows nearly coincide, so a squared distance
/// below 10⁻⁵ of ‖a‖² + ‖b‖² (float32 rounding of the terms) is taken as 0: a point's exact
/// copy must count as at distance 0.
struct PairwiseDistances {
    /// Rows of each set in one block.
    static let defaultBlockSize = 1024
    static let cancellationTolerance: Float = 1e-5

    let first: Matrix
    let second: Matrix
    let blockSize: Int
    private let firstNorms: [Float]
    private let secondNorms: [Float]
    private let block: Matrix

    init(_ first: Matrix, _ second: Matrix, blockSize: Int = defaultBlockSize) {
        precondition(first.columns == second.columns, "rows of \(first.columns) and \(second.columns) values")
        precondition(blockSize > 0)
        self.first = first
        self.second = second
        self.blockSize = blockSize
        firstNorms = Self.squaredNorms(first)
        secondNorms = first === second ? firstNorms : Self.squaredNorms(second)
        block = Matrix(rows: 0, columns: min(blockSize, max(second.rows, 1)), rowCapacity: min(blockSize, max(first.rows, 1)))
    }

    /// Calls `body` for every block: the rows of `first` and of `second` it covers, and
    /// the squared distances, `rows.count × columns.count` row-major (valid during the call).
    func forEachBlock(_ body: (_ rows: Range<Int>, _ columns: Range<Int>, _ distances: UnsafePointer<Float>) -> Void) {
        let d = first.columns
        for rowStart in stride(from: 0, to: first.rows, by: blockSize) {
            let rows = rowStart..<min(rowStart + blockSize, first.rows)
            for columnStart in stride(from: 0, to: second.rows, by: blockSize) {
                let columns = columnStart..<min(columnStart + blockSize, second.rows)
                let width = columns.count
                let distances = block.base
                if d > 0 {
                    BLAS.multiply(m: rows.count, n: width, k: d, first.base + rowStart * d,
                                  second.base + columnStart * d, transposeB: true, into: distances, alpha: -2)
                } else {
                    distances.update(repeating: 0, count: rows.count * width)
                }
                let tolerance = Self.cancellationTolerance
                secondNorms.withUnsafeBufferPointer { norms in
                    let columnNorms = norms.baseAddress! + columnStart
                    for i in 0..<rows.count {
                        let rowNorm = firstNorms[rowStart + i]
                        let row = distances + i * width
                        for j in 0..<width {
                            let scale = rowNorm + columnNorms[j]
                            let value = row[j] + scale
                            row[j] = value <= tolerance * scale ? 0 : value
                        }
                    }
                }
                body(rows, columns, distances)
            }
        }
    }

    /// The squared distance from each row of a set to its k-th nearest other row (the row
    /// itself left out, but exact copies of it counted): the radius of the ball around each
    /// point that holds k of its neighbours.
    static func kthNeighbourSquaredDistances(_ set: Matrix, k: Int, blockSize: Int = defaultBlockSize) -> [Float] {
        precondition(k >= 1 && set.rows > k, "the \(k)-th neighbour needs more than \(k) rows, not \(set.rows)")
        // Each row's k smallest distances so far, ascending.
        var nearest = [Float](repeating: .infinity, count: set.rows * k)
        nearest.withUnsafeMutableBufferPointer { nearest in
            PairwiseDistances(set, set, blockSize: blockSize).forEachBlock { rows, columns, distances in
                for i in rows {
                    let kept = nearest.baseAddress! + i * k
                    let row = distances + (i - rows.lowerBound) * columns.count
                    var worst = kept[k - 1]
                    for j in columns where row[j - columns.lowerBound] < worst && j != i {
                        // Insertion into the sorted list of k, dropping its largest.
                        var position = k - 1
                        let value = row[j - columns.lowerBound]
                        while position > 0 && kept[position - 1] > value {
                            kept[position] = kept[position - 1]
                            position -= 1
                        }
                        kept[position] = value
                        worst = kept[k - 1]
                    }
                }
            }
        }
        return (0..<set.rows).map { nearest[$0 * k + k - 1] }
    }

    private static func squaredNorms(_ matrix: Matrix) -> [Float] {
        (0..<matrix.rows).map { r in
            let row = matrix.base + r * matrix.columns
            var sum = 0.0
            for c in 0..<matrix.columns { sum += Double(row[c]) * Double(row[c]) }
            return Float(sum)
        }
    }
}
