import Foundation
import NeuralNetwork
import NumericCore

/// Each image convolved with the separable kernel `weights` ⊗ `weights` (odd length,
/// centred), renormalised where it hangs over an edge: a box blur with [1, 1, 1], a
/// Gaussian one with its samples.
public func blurred(_ images: Matrix, shape: ImageShape, weights: [Float]) -> Matrix {
    precondition(weights.count % 2 == 1, "a centred kernel has an odd length")
    let radius = weights.count / 2
    let result = Matrix(rows: images.rows, columns: images.columns)
    let (h, w, c) = (shape.height, shape.width, shape.channels)
    for image in 0..<images.rows {
        for y in 0..<h {
            for x in 0..<w {
                for channel in 0..<c {
                    var sum: Float = 0, total: Float = 0
                    for dy in -radius...radius where (0..<h).contains(y + dy) {
                        for dx in -radius...radius where (0..<w).contains(x + dx) {
                            let weight = weights[dy + radius] * weights[dx + radius]
                            sum += weight * images[image, ((y + dy) * w + x + dx) * c + channel]
                            total += weight
                        }
                    }
                    result[image, (y * w + x) * c + channel] = sum / total
                }
            }
        }
    }
    return result
}

/// A Gaussian of `sigma` pixels sampled out to 3σ.
public func gaussianWeights(sigma: Float) -> [Float] {
    let radius = Int((3 * sigma).rounded(.up))
    return (-radius...radius).map { expf(-Float($0 * $0) / (2 * sigma * sigma)) }
}
