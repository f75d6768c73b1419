/// A buffer that grows to the largest batch seen and is reused after that.
public struct BatchBuffer {
    public private(set) var matrix: Matrix?
    public let columns: Int

    public init(columns: Int) { self.columns = columns }

    /// A matrix with `rows` rows in use; allocates only when a batch is larger than any before.
    public mutating func withRows(_ rows: Int) -> Matrix {
        if let matrix, matrix.rowCapacity >= rows {
            matrix.setRows(rows)
            return matrix
        }
        let fresh = Matrix(rows: rows, columns: columns)
        matrix = fresh
        return fresh
    }
}
