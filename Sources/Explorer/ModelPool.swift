import Foundation
import Runs
import VAE

/// Copies of one trained model that requests borrow one at a time: a model keeps its
/// activations in buffers of its own, so two requests must never run the same copy, and
/// one copy per core lets two requests decode at once.
final class ModelPool: @unchecked Sendable {
    private var idle: [TrainedModel]
    private let condition = NSCondition()

    init(_ model: TrainedModel, copies: Int) {
        idle = [model] + (1..<max(copies, 1)).map { _ in model.replica() }
    }

    /// Runs `body` with a copy no other caller holds, waiting for one if all are lent.
    func with<R>(_ body: (TrainedModel) throws -> R) rethrows -> R {
        condition.lock()
        while idle.isEmpty { condition.wait() }
        let model = idle.removeLast()
        condition.unlock()
        defer {
            condition.lock()
            idle.append(model)
            condition.signal()
            condition.unlock()
        }
        return try body(model)
    }
}

extension TrainedModel {
    /// A copy with buffers of its own, sharing the weights (which nothing here changes).
    func replica() -> TrainedModel {
        switch self {
        case .vae(let model): .vae(model.replica())
        case .twoStage(let model, let second): .twoStage(model.replica(), second: second?.replica())
        case .vqVAE(let model, let prior): .vqVAE(model.replica(), prior: prior?.replica())
        }
    }
}
