/// A row-major matrix of `Float` whose storage is allocated once and then reused.
///
/// Training touches the same shapes every step, so every buffer a layer needs is a
/// `Matrix` made when the layer first sees a batch. The row count can shrink and grow
/// again within `rowCapacity`: the smaller last batch of an epoch uses the same memory.
/// It is a class, not a value type, so that passing a buffer around never copies it.
public final class Matrix {
    /// Columns per row; fixed for the life of the matrix.
    public let columns: Int
    /// The most rows the storage can hold.
    public let rowCapacity: Int
    /// The rows currently in use.
    public private(set) var rows: Int
    /// The first element; rows follow one another with no padding.
    public let base: UnsafeMutablePointer<Float>

    /// A zero-filled matrix.
    public init(rows: Int, columns: Int, rowCapacity: Int? = nil) {
        precondition(rows >= 0 && columns >= 0, "Matrix sizes must not be negative")
        let capacity = max(rowCapacity ?? rows, rows)
        self.rows = rows
        self.columns = columns
        self.rowCapacity = capacity
        self.base = .allocate(capacity: max(capacity * columns, 1))
        base.initialize(repeating: 0, count: max(capacity * columns, 1))
    }

    /// A matrix holding `values`, row after row.
    public convenience init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "\(values.count) values do not fill \(rows)×\(columns)")
        self.init(rows: rows, columns: columns)
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { base.deallocate() }

    /// Elements in use: `rows × columns`.
    @inlinable public var count: Int { rows * columns }

    /// The elements in use, as a buffer for loops the compiler can vectorise.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: base, count: count)
    }

    /// The elements in use, copied into an array (for tests and files, not the hot path).
    public var values: [Float] { Array(buffer) }

    /// Changes the number of rows in use; the storage stays where it is.
    public func setRows(_ newRows: Int) {
        precondition(newRows >= 0 && newRows <= rowCapacity, "\(newRows) rows exceed the capacity \(rowCapacity)")
        rows = newRows
    }

    @inlinable public subscript(row: Int, column: Int) -> Float {
        get { base[row * columns + column] }
        set { base[row * columns + column] = newValue }
    }

    /// Row `index`, as a buffer.
    @inlinable public func row(_ index: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: base + index * columns, count: columns)
    }

    public func fill(with value: Float) {
        base.update(repeating: value, count: count)
    }

    /// Copies another matrix of the same column count, taking its row count.
    public func copy(from other: Matrix) {
        precondition(other.columns == columns, "cannot copy \(other.columns) columns into \(columns)")
        setRows(other.rows)
        base.update(from: other.base, count: other.count)
    }

    /// Copies every row of another matrix of the same column count into this one's rows
    /// from `row` on. (Through a method, so `other` stays alive for the whole copy: a
    /// pointer taken from a temporary matrix may outlive it.)
    public func copy(from other: Matrix, toRow row: Int) {
        precondition(other.columns == columns && row >= 0 && row + other.rows <= rowCapacity,
                     "cannot copy \(other.rows) rows of \(other.columns) columns to row \(row) of \(rowCapacity) × \(columns)")
        (base + row * columns).update(from: other.base, count: other.count)
    }

    /// A new matrix holding the same values: a result the caller owns, which no later
    /// call overwrites.
    public func copy() -> Matrix {
        let result = Matrix(rows: rows, columns: columns)
        result.base.update(from: base, count: count)
        return result
    }

    /// Overwrites the elements in use with `values`.
    public func assign(_ values: [Float]) {
        precondition(values.count == count, "\(values.count) values for \(rows)×\(columns)")
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: count) }
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String { "Matrix(\(rows)×\(columns))" }
}
