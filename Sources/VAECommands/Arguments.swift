import ArgumentParser
import Datasets
import Foundation
import Optimizers
import VAE

/// `--hidden 150,100`: layer sizes, input side first; `none` for no layer.
struct LayerSizes: ExpressibleByArgument, CustomStringConvertible {
    var sizes: [Int]

    init(_ sizes: [Int]) { self.sizes = sizes }

    init?(argument: String) {
        if argument == "none" {
            sizes = []
            return
        }
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let sizes = parts.compactMap { Int($0) }
        guard !parts.isEmpty, sizes.count == parts.count, sizes.allSatisfy({ $0 > 0 }) else { return nil }
        self.sizes = sizes
    }

    var description: String { sizes.isEmpty ? "none" : sizes.map(String.init).joined(separator: ",") }
}

extension Likelihood: ExpressibleByArgument {}
extension ModelFamily: ExpressibleByArgument {}
extension Background: ExpressibleByArgument {}
extension Architecture: ExpressibleByArgument {}
extension Noise: ExpressibleByArgument {}
extension Prior: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ActivationChoice: ExpressibleByArgument {}
