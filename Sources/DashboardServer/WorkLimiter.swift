import Foundation

/// Runs the dashboard's work on threads of its own, at most `concurrent` at once and
/// `queued` waiting: a decode takes milliseconds of a core, and a burst of requests must
/// neither starve the server's own threads nor pile up without bound.
actor WorkLimiter {
    private let concurrent: Int
    private let queued: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private let queue = DispatchQueue(label: "vae-serve.work", attributes: .concurrent)

    init(concurrent: Int, queued: Int) {
        self.concurrent = max(concurrent, 1)
        self.queued = queued
    }

    /// The work's result, or nil when too many requests are already waiting.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        if running >= concurrent {
            guard waiting.count < queued else { return nil }
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        let result = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        return result
    }
}

/// How many live streams are open, bounded: each looks at the runs four times a second.
final class StreamCounter: @unchecked Sendable {
    private let limit: Int
    private var open = 0
    private let lock = NSLock()

    init(limit: Int) { self.limit = limit }

    func take() -> Bool {
        lock.withLock {
            guard open < limit else { return false }
            open += 1
            return true
        }
    }

    func give() { lock.withLock { open -= 1 } }
}
