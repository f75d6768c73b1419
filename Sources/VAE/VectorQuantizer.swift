import NeuralNetwork
import NumericCore

/// The bottleneck of a VQ-VAE (van den Oord et al., 2017): each position's encoder output
/// z is replaced by the nearest of K learned codebook vectors e₁ … e_K.
///
/// Choosing the nearest vector has no gradient, so the decoder's gradient with respect to
/// the chosen vectors is passed to the encoder unchanged (the straight-through estimator),
/// and two terms make the encoder and the codebook meet:
///
///     codebook loss   = Σ ‖sg(z) − e‖²        moves the chosen vectors towards the outputs
///     commitment loss = β · Σ ‖z − sg(e)‖²    keeps the outputs near the vectors they chose
///
/// summed over positions, averaged over images (sg: no gradient through it).
public final class VectorQuantizer {
    public let codebook: Parameter
    /// Positions per image: each holds `codeDimension` values in the input.
    public let positions: Int
    public var codebookSize: Int { codebook.value.rows }
    public var codeDimension: Int { codebook.value.columns }

    private var quantized: BatchBuffer
    private var inputGradient: BatchBuffer
    private var products: BatchBuffer
    /// The chosen code of every position of the last batch, image after image.
    public private(set) var codes: [Int32] = []
    private var lastInput: Matrix?

    /// A codebook of `codebookSize` vectors drawn uniformly from ±1/K, the paper's choice.
    public convenience init<G: RandomNumberGenerator>(codebookSize: Int, codeDimension: Int, positions: Int,
                                          name: String = "quantizer.codebook", generator: inout G) {
        let vectors = Matrix(rows: codebookSize, columns: codeDimension)
        let limit = 1 / Float(codebookSize)
        vectors.fillUniform(from: -limit, to: limit, using: &generator)
        self.init(codebook: Parameter(name: name, value: vectors), positions: positions)
    }

    private init(codebook: Parameter, positions: Int) {
        self.codebook = codebook
        self.positions = positions
        let width = positions * codebook.value.columns
        quantized = BatchBuffer(columns: width)
        inputGradient = BatchBuffer(columns: width)
        products = BatchBuffer(columns: codebook.value.rows)
    }

    /// The same codebook (shared), with buffers and gradients of its own.
    public func replica() -> VectorQuantizer { VectorQuantizer(codebook: Parameter(sharing: codebook), positions: positions) }

    public func callAsFunction(_ encoded: Matrix) -> Matrix { forward(encoded) }

    /// The nearest codebook vector at every position, in a buffer of the quantizer's; the
    /// choices are left in `codes`.
    public func forward(_ encoded: Matrix) -> Matrix {
        chooseCodes(encoded)
        lastInput = encoded
        return embed(codes, images: encoded.rows)
    }

    /// Sets `codes` to the index of the nearest vector of every position of `encoded`:
    /// argmin_k ‖z − e_k‖² = argmin_k (‖e_k‖² − 2 z·e_k), the first on a tie.
    public func chooseCodes(_ encoded: Matrix) {
        precondition(encoded.columns == positions * codeDimension, "a quantizer of \(positions) positions got \(encoded.columns) values")
        let vectors = encoded.rows * positions, k = codebookSize, d = codeDimension
        let dots = products.withRows(vectors)
        BLAS.multiply(m: vectors, n: k, k: d, encoded.base, codebook.value.base, transposeB: true, into: dots.base)
        let e = codebook.value.base
        let norms = (0..<k).map { c in (0..<d).reduce(Float(0)) { $0 + e[c * d + $1] * e[c * d + $1] } }
        if codes.count < vectors { codes = [Int32](repeating: 0, count: vectors) }
        codes.withUnsafeMutableBufferPointer { codes in
            Parallel.forEachRowSlice(rows: vectors, columns: k) { slice in
                for v in slice {
                    let row = dots.base + v * k
                    var best = 0, bestDistance = norms[0] - 2 * row[0]
                    for c in 1..<k {
                        let distance = norms[c] - 2 * row[c]
                        if distance < bestDistance { (best, bestDistance) = (c, distance) }
                    }
                    codes[v] = Int32(best)
                }
            }
        }
    }

    /// The codebook vectors of `codes` (positions of `images` images, image after image),
    /// laid out as the decoder reads them, in a buffer of the quantizer's.
    public func embed(_ codes: [Int32], images: Int) -> Matrix {
        let output = quantized.withRows(images), d = codeDimension
        for v in 0..<(images * positions) {
            (output.base + v * d).update(from: codebook.value.base + Int(codes[v]) * d, count: d)
        }
        return output
    }

    /// Σ over positions of ‖z − e‖² for the last batch, averaged over its images: the value
    /// of both the codebook loss and the commitment loss before β.
    public func squaredError(quantized output: Matrix) -> Float {
        guard let input = lastInput else { preconditionFailure("squaredError before forward") }
        var total = 0.0
        for r in 0..<input.rows {
            total += Double(Reductions.squaredDistance(input.base + r * input.columns, output.base + r * output.columns,
                                                       count: input.columns))
        }
        return Float(total / Double(max(input.rows, 1)))
    }

    /// The encoder's gradient: the decoder's gradient at the chosen vectors, passed straight
    /// through, plus the commitment loss's, β · 2(z − e) / images. Sets the codebook's
    /// gradient to the codebook loss's, 2(e − z) / images summed over the positions that chose each vector.
    public func backward(_ quantizedGradient: Matrix, quantized output: Matrix, commitment beta: Float) -> Matrix {
        guard let input = lastInput else { preconditionFailure("backward before forward") }
        let images = input.rows, d = codeDimension, scale = 2 / Float(max(images, 1))
        let dz = inputGradient.withRows(images)
        let z = input.base, e = output.base, g = quantizedGradient.base
        for i in 0..<input.count { dz.base[i] = g[i] + beta * scale * (z[i] - e[i]) }
        codebook.gradient.fill(with: 0)
        let dCodebook = codebook.gradient.base
        for v in 0..<(images * positions) {
            let row = dCodebook + Int(codes[v]) * d, offset = v * d
            for j in 0..<d { row[j] += scale * (e[offset + j] - z[offset + j]) }
        }
        return dz
    }
}
