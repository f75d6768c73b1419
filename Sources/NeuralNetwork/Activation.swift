import Foundation
import NumericCore

/// The elementwise non-linearity that follows a dense layer's product.
///
/// Each case's derivative but GELU's is written in terms of the layer's *output*, so the
/// layer keeps one buffer and applies bias, activation and, on the way back, the
/// derivative in single passes that the compiler vectorises. GELU's derivative needs its
/// input, which layers keep for it alone (`needsInput`).
public enum Activation: String, Codable, CaseIterable, Sendable {
    case linear
    case relu
    case tanh
    case sigmoid
    /// x for x > 0, eˣ − 1 below.
    case elu
    /// λ · elu with α: self-normalising (Klambauer et al., 2017).
    case selu
    /// x · Φ(x), with Φ the standard normal CDF (Keras's exact form).
    case gelu

    /// Whether the derivative needs the pre-activation values, not just the output.
    public var needsInput: Bool { self == .gelu }

    static let seluScale: Float = 1.0507009873554805
    static let seluAlpha: Float = 1.6732632423543772

    /// `values[r, c] = f(values[r, c] + bias[c])` over every row of `rows × columns` values;
    /// `input` (when the activation needs it) receives `values[r, c] + bias[c]`.
    func applyWithBias(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, bias b: UnsafePointer<Float>,
                       input: UnsafeMutablePointer<Float>? = nil) {
        Parallel.forEachRowSlice(rows: rows, columns: columns) { slice in
            applyWithBias(values, rows: slice, columns: columns, bias: b, input: input)
        }
    }

    private func applyWithBias(_ values: UnsafeMutablePointer<Float>, rows: Range<Int>, columns: Int,
                               bias b: UnsafePointer<Float>, input: UnsafeMutablePointer<Float>?) {
        for r in rows {
            let row = values + r * columns
            switch self {
            case .linear:
                for c in 0..<columns { row[c] += b[c] }
            case .relu:
                for c in 0..<columns { row[c] = max(row[c] + b[c], 0) }
            case .tanh:
                for c in 0..<columns { row[c] = tanhf(row[c] + b[c]) }
            case .sigmoid:
                for c in 0..<columns { row[c] = logistic(row[c] + b[c]) }
            case .elu:
                for c in 0..<columns { let x = row[c] + b[c]; row[c] = x > 0 ? x : expm1f(x) }
            case .selu:
                let (scale, alpha) = (Self.seluScale, Self.seluAlpha)
                for c in 0..<columns { let x = row[c] + b[c]; row[c] = scale * (x > 0 ? x : alpha * expm1f(x)) }
            case .gelu:
                let kept = input! + r * columns
                for c in 0..<columns {
                    let x = row[c] + b[c]
                    kept[c] = x
                    row[c] = 0.5 * x * (1 + erff(x * 0.70710678))
                }
            }
        }
    }

    /// `gradient ⊙= f′`, with f′ computed from the activation's output (or, for GELU, its input).
    func multiplyByDerivative(_ gradient: Matrix, output: Matrix, input: UnsafePointer<Float>? = nil) {
        let columns = gradient.columns
        Parallel.forEachRowSlice(rows: gradient.rows, columns: columns) { slice in
            let start = slice.lowerBound * columns
            multiplyByDerivative(gradient.base + start, output: output.base + start, input: input.map { $0 + start },
                                 count: slice.count * columns)
        }
    }

    private func multiplyByDerivative(_ g: UnsafeMutablePointer<Float>, output y: UnsafeMutablePointer<Float>,
                                      input: UnsafePointer<Float>?, count: Int) {
        switch self {
        case .linear:
            break
        case .relu:
            var i = 0
            while i + 8 <= count {
                g.store8(g.load8(i).replacing(with: 0, where: y.load8(i) .<= 0), i)
                i += 8
            }
            while i < count { g[i] = y[i] > 0 ? g[i] : 0; i += 1 }
        case .tanh:
            for i in 0..<count { g[i] *= 1 - y[i] * y[i] }
        case .sigmoid:
            for i in 0..<count { g[i] *= y[i] * (1 - y[i]) }
        case .elu:
            for i in 0..<count { g[i] *= y[i] > 0 ? 1 : y[i] + 1 }
        case .selu:
            let (scale, scaledAlpha) = (Self.seluScale, Self.seluScale * Self.seluAlpha)
            for i in 0..<count { g[i] *= y[i] > 0 ? scale : y[i] + scaledAlpha }
        case .gelu:
            // d/dx x Φ(x) = Φ(x) + x φ(x)
            let x = input!
            for i in 0..<count {
                let cdf = 0.5 * (1 + erff(x[i] * 0.70710678))
                let density = 0.39894228 * expf(-0.5 * x[i] * x[i])
                g[i] *= cdf + x[i] * density
            }
        }
    }
}

/// The logistic function, written so that neither branch overflows.
@inlinable public func logistic(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x))
}
