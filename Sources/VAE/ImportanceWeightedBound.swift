import Datasets
import Foundation
import NumericCore

/// The importance-weighted estimate of log p(x) (Burda, Grosse and Salakhutdinov, 2016),
/// and the likelihood terms it is made of.
///
/// With k codings z₁…z_k drawn from the encoder's q(z | x),
///
///     log p(x) ≥ log (1/k) Σⱼ p(x | zⱼ) p(zⱼ) / q(zⱼ | x)
///
/// which is the ELBO for k = 1 and tightens towards log p(x) as k grows, so the negative
/// of it is an upper bound on the negative log-likelihood that can be compared across
/// models and likelihoods, in nats per image.
public struct LikelihoodEstimate: Codable, Equatable, Sendable {
    /// −log p(x) estimated with `samples` importance samples, nats per image (mean over images).
    public var negativeLogLikelihood: Double
    /// −ELBO from the same samples (the mean of their log weights), nats per image.
    public var negativeELBO: Double
    public var samples: Int
    public var images: Int
    /// The bound in bits per dimension of the 8-bit pixels, where the likelihood allows one
    /// (`EightBitMeasure`); nil for the Bernoulli likelihood.
    public var bitsPerDimension: Double?
    /// How `bitsPerDimension` was measured.
    public var eightBitMeasure: EightBitMeasure?
}

extension VariationalAutoencoder {
    /// Estimates −log p(x) over `dataset` with `samples` codings per image, drawn from
    /// `generator`. Decoding runs in batches of about `batchSize` codings.
    public func importanceWeightedBound(on dataset: ImageDataset, samples: Int, batchSize: Int = 1000,
                                        generator: inout SeededGenerator) -> LikelihoodEstimate {
        precondition(samples >= 1, "at least one sample")
        let size = configuration.codingSize
        let chunk = max(1, min(samples, batchSize))
        let image = Matrix(rows: 1, columns: dataset.imageSize)
        let noise = Matrix(rows: chunk, columns: size)
        let codings = Matrix(rows: chunk, columns: size)
        let measure = reconstructionLoss.likelihood.eightBitMeasure
        // A density's bits are measured on the image moved within its levels' bins, with the
        // same codings (drawn from q(z | x) of the image itself, a proposal as valid as any),
        // from noise of its own, so the codings' draws stay the bound's.
        let dequantized = measure == .dequantized ? Matrix(rows: 1, columns: dataset.imageSize) : nil
        var dequantization = SeededGenerator(seed: 0xDE9)
        var logWeights = [Double](repeating: 0, count: samples)
        var dequantizedLogWeights = [Double](repeating: 0, count: dequantized == nil ? 0 : samples)
        var totalBound = 0.0, totalELBO = 0.0, totalDequantized = 0.0
        for index in 0..<dataset.count {
            dataset.fill(image, with: [index])
            if let dequantized { EightBitMeasure.dequantize(image, into: dequantized, using: &dequantization) }
            let (mean, logVariance) = encoder(image)
            let mu = Array(mean.row(0)), gamma = Array(logVariance.row(0))
            let sigma = gamma.map { expf(0.5 * $0) }
            let logDeterminant = 0.5 * gamma.reduce(0.0) { $0 + Double($1) }
            for start in stride(from: 0, to: samples, by: chunk) {
                let rows = min(chunk, samples - start)
                noise.setRows(rows)
                codings.setRows(rows)
                noise.fillNormal(using: &generator)
                var priorTerms = [Double](repeating: 0, count: rows)
                for r in 0..<rows {
                    var zSquares: Float = 0, epsilonSquares: Float = 0
                    for i in 0..<size {
                        let epsilon = noise[r, i]
                        let z = mu[i] + sigma[i] * epsilon
                        codings.base[r * size + i] = z
                        zSquares += z * z
                        epsilonSquares += epsilon * epsilon
                    }
                    // log p(z) − log q(z | x): the 2π terms cancel.
                    priorTerms[r] = -0.5 * Double(zSquares) + 0.5 * Double(epsilonSquares) + logDeterminant
                }
                let output = decoder.forward(codings)
                for r in 0..<rows {
                    let negativeLogLikelihood = reconstructionLoss.negativeLogLikelihood(
                        output: output.base + r * output.columns, target: image.base)
                    logWeights[start + r] = -Double(negativeLogLikelihood) + priorTerms[r]
                    if let dequantized {
                        dequantizedLogWeights[start + r] = priorTerms[r] - Double(reconstructionLoss.negativeLogLikelihood(
                            output: output.base + r * output.columns, target: dequantized.base))
                    }
                }
            }
            totalBound += Self.logMeanExp(logWeights)
            totalELBO += logWeights.reduce(0, +) / Double(samples)
            if dequantized != nil { totalDequantized += Self.logMeanExp(dequantizedLogWeights) }
        }
        let n = Double(max(dataset.count, 1))
        let boundNats = measure == .dequantized ? -totalDequantized / n : -totalBound / n
        return LikelihoodEstimate(negativeLogLikelihood: -totalBound / n, negativeELBO: -totalELBO / n,
                                  samples: samples, images: dataset.count,
                                  bitsPerDimension: measure.bitsPerDimension(nats: boundNats, values: dataset.imageSize),
                                  eightBitMeasure: measure)
    }

    /// log (1/k) Σ exp(wⱼ), without overflow.
    static func logMeanExp(_ logWeights: [Double]) -> Double {
        let largest = logWeights.max()!
        return largest + log(logWeights.reduce(0.0) { $0 + exp($1 - largest) }) - log(Double(logWeights.count))
    }
}
