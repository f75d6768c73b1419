import NumericCore

/// A fully connected layer, `y = f(x · W + b)`, laid out as Keras lays it out:
/// the kernel `W` is [inputs, outputs], so weights move between the two unchanged.
public final class Dense: Layer {
    public let inputSize: Int
    public let outputSize: Int
    public let activation: Activation
    public let kernel: Parameter
    public let bias: Parameter

    private var output: BatchBuffer
    private var preActivation: BatchBuffer
    private var inputGradient: BatchBuffer
    private var lastInput: Matrix?

    /// A layer with Keras's default initialisation: Glorot-uniform kernel, zero bias.
    public convenience init<G: RandomNumberGenerator>(
        _ inputSize: Int, _ outputSize: Int, activation: Activation = .linear,
        name: String = "dense", generator: inout G
    ) {
        let weights = Matrix(rows: inputSize, columns: outputSize)
        weights.fillGlorotUniform(using: &generator)
        self.init(activation: activation, kernel: Parameter(name: name + ".kernel", value: weights),
                  bias: Parameter(name: name + ".bias", value: Matrix(rows: 1, columns: outputSize)))
    }

    private init(activation: Activation, kernel: Parameter, bias: Parameter) {
        inputSize = kernel.value.rows
        outputSize = kernel.value.columns
        self.activation = activation
        self.kernel = kernel
        self.bias = bias
        output = BatchBuffer(columns: outputSize)
        preActivation = BatchBuffer(columns: activation.needsInput ? outputSize : 0)
        inputGradient = BatchBuffer(columns: inputSize)
    }

    public var parameters: [Parameter] { [kernel, bias] }

    public func replica() -> any Layer {
        Dense(activation: activation, kernel: Parameter(sharing: kernel), bias: Parameter(sharing: bias))
    }

    public func forward(_ input: Matrix) -> Matrix {
        precondition(input.columns == inputSize, "Dense(\(inputSize)→\(outputSize)) got \(input.columns) inputs")
        lastInput = input
        let y = output.withRows(input.rows)
        Matrix.multiply(input, kernel.value, into: y)
        activation.applyWithBias(y.base, rows: y.rows, columns: outputSize, bias: bias.value.base,
                                 input: preActivation.withRows(y.rows).base)
        return y
    }

    public func backward(_ outputGradient: Matrix, needsInputGradient: Bool) -> Matrix? {
        guard let input = lastInput, let y = output.matrix else {
            preconditionFailure("Dense.backward called before forward")
        }
        activation.multiplyByDerivative(outputGradient, output: y, input: preActivation.matrix?.base)
        // dW = xᵀ · dy,  db = Σ_rows dy,  dx = dy · Wᵀ
        Matrix.multiply(input, outputGradient, into: kernel.gradient, transposeA: true)
        outputGradient.sumRows(into: bias.gradient)
        guard needsInputGradient else { return nil }
        let dx = inputGradient.withRows(outputGradient.rows)
        Matrix.multiply(outputGradient, kernel.value, into: dx, transposeB: true)
        return dx
    }
}

extension Matrix {
    /// Keras's `glorot_uniform`: U(−l, l) with l = √(6 / (fan in + fan out)); the fans of
    /// a dense kernel are its rows and columns.
    public func fillGlorotUniform<G: RandomNumberGenerator>(fanIn: Int? = nil, fanOut: Int? = nil, using generator: inout G) {
        let limit = (6 / Float((fanIn ?? rows) + (fanOut ?? columns))).squareRoot()
        fillUniform(from: -limit, to: limit, using: &generator)
    }

    /// `result[0, c] = Σ_r self[r, c]`: a bias gradient.
    public func sumRows(into result: Matrix) {
        precondition(result.columns == columns && result.rows == 1)
        Matrix.sumRows(base, rows: rows, columns: columns, into: result.base)
    }

    /// Column sums of `rows × columns` values on raw storage.
    /// Each core sums its own columns, in the same order one core would.
    public static func sumRows(_ values: UnsafePointer<Float>, rows: Int, columns: Int, into sum: UnsafeMutablePointer<Float>) {
        let parts = rows * columns >= Parallel.minimumElements && columns >= 32 ? Parallel.width : 1
        Parallel.forEachPart(parts) { part, parts in
            let slice = Parallel.slice(columns / 16, part: part, of: parts)
            let first = slice.lowerBound * 16, end = part == parts - 1 ? columns : slice.upperBound * 16
            (sum + first).update(repeating: 0, count: end - first)
            for r in 0..<rows {
                let row = values + r * columns
                for c in first..<end { sum[c] += row[c] }
            }
        }
    }
}
