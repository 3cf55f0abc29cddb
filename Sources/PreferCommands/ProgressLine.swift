import Foundation
import Synchronization

/// A one-line progress indicator on standard error ("bootstrap round 312 of
/// 1000"), redrawn at most ten times a second, and silent when standard error
/// is not a terminal or the user asked for quiet.
final class ProgressLine: Sendable {
    private struct State {
        var lastDraw: ContinuousClock.Instant?
        var visible = false
    }

    let enabled: Bool
    private let state = Mutex(State())

    init(quiet: Bool) {
        enabled = !quiet && Console.errorIsTerminal
    }

    /// Shows `text` unless a line was drawn less than 0.1 s ago (`force` draws anyway).
    func update(_ text: @autoclosure () -> String, force: Bool = false) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let draw = state.withLock { s -> Bool in
            if !force, let last = s.lastDraw, now - last < .milliseconds(100) { return false }
            s.lastDraw = now
            s.visible = true
            return true
        }
        if draw { Console.writeError("\r\u{1B}[2K" + text()) }
    }

    /// Erases the line.
    func finish() {
        guard enabled else { return }
        let wasVisible = state.withLock { s in
            defer { s.visible = false }
            return s.visible
        }
        if wasVisible { Console.writeError("\r\u{1B}[2K") }
    }

    /// A callback for counted work: "label k of N".
    func counter(_ label: String) -> @Sendable (Int, Int) -> Void {
        { [self] done, total in update("\(label) \(done) of \(total)", force: done == total) }
    }
}
