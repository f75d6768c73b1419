import NumericCore

/// A trainable tensor and the gradient of the loss with respect to it.
///
/// Layers own their parameters; optimizers see only this list, so any layer works with
/// any optimizer. The name is the one written to weight files (`encoder.dense1.kernel`).
public final class Parameter {
    public var name: String
    public let value: Matrix
    public let gradient: Matrix

    public init(name: String, value: Matrix) {
        self.name = name
        self.value = value
        self.gradient = Matrix(rows: value.rows, columns: value.columns)
    }

    /// A parameter that reads and writes `other`'s values and keeps a gradient of its own:
    /// what a replica of a layer trains the same weights on other images with.
    public init(sharing other: Parameter) {
        name = other.name
        value = other.value
        gradient = Matrix(rows: other.value.rows, columns: other.value.columns)
    }

    /// The shape written to files: a kernel is a matrix, anything else of one row a vector.
    public var shape: [Int] { value.rows == 1 && !name.hasSuffix("kernel") ? [value.columns] : [value.rows, value.columns] }
}
