import NumericCore

/// A trainable tensor and the gradient of the loss with respect to it.
///
/// Layers own their parameters; optimizers see only this list, so any layer works with
/// any optimizer. The name is the one written to weight files (`encoder.dense1.kernel`).
public final class Parameter {
    public var name: String
    public private(set) var value: Matrix
    public let gradient: Matrix

    public init(name: String, value: Matrix) {
        self.name = name
        self.value = value
        self.gradient = Matrix(rows: value.rows, columns: value.columns)
    }

    /// From now on reads and writes `other`'s values, keeping a gradient of its own: a
    /// second copy of a model that trains the same weights on other images.
    public func shareValues(with other: Parameter) {
        precondition(other.value.rows == value.rows && other.value.columns == value.columns,
                     "\(name) cannot share the values of \(other.name)")
        value = other.value
    }

    /// The shape written to files: a kernel is a matrix, anything else of one row a vector.
    public var shape: [Int] { value.rows == 1 && !name.hasSuffix("kernel") ? [value.columns] : [value.rows, value.columns] }
}
