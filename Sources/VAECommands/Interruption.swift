import Foundation
import Synchronization

/// Ctrl-C and SIGTERM during training: the first asks the training to stop after the
/// current step (the last checkpoint stays whole), a second one ends the program at once.
enum Interruption {
    private static let requested = Atomic<Bool>(false)

    static var wasRequested: Bool { requested.load(ordering: .relaxed) }

    static func install() {
        requested.store(false, ordering: .relaxed)
        // A parent may have started us with these signals blocked; Ctrl-C must still reach us.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { number in
                Interruption.requested.store(true, ordering: .relaxed)
                signal(number, SIG_DFL)  // a second signal ends the program
            }
        }
    }

    static func uninstall() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
