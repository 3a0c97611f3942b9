import AttacheModel
import AttacheSystem
import Foundation

/// Standard error, and whether there is a person watching it.
enum Terminal {
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    static func error(_ message: String) { write("attache: error: \(message)\n") }
    static func warning(_ message: String) { write("attache: warning: \(message)\n") }
    static func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}

/// A one-line progress display on a terminal: redrawn in place, erased at the end.
/// Silent when standard error is not a terminal or with --quiet. Safe to update from
/// several threads (apply's workers).
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    private var lastDraw = DispatchTime(uptimeNanoseconds: 0)
    private var drawn = false
    private let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled && Terminal.stderrIsTerminal }

    /// Draws `text` at most ten times a second.
    func update(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now()
        guard now.uptimeNanoseconds - lastDraw.uptimeNanoseconds > 100_000_000 else { return }
        lastDraw = now
        var width = 80
        var ws = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 { width = Int(ws.ws_col) }
        var line = text()
        if line.count > width - 1 { line = String(line.prefix(width - 2)) + "…" }
        Terminal.write("\r\u{1B}[K" + line)
        drawn = true
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        guard enabled, drawn else { return }
        Terminal.write("\r\u{1B}[K")
        drawn = false
    }
}

/// "1:05", "12:00:07".
func formatDuration(_ seconds: Double) -> String {
    let s = max(0, Int(seconds.rounded()))
    if s >= 3600 { return "\(s / 3600):" + pad2((s / 60) % 60) + ":" + pad2(s % 60) }
    return "\(s / 60):" + pad2(s % 60)
}

private func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

/// Ctrl-C (and SIGTERM) for every long command, one way: the first signal cancels the work
/// gracefully (it keeps what it has, the command exits 130); a second one exits 130 at once.
enum Interrupts {
    /// Runs `body` with a ``Cancellation`` the first Ctrl-C cancels, writing "attache:
    /// `stopping`… (Ctrl-C again to quit at once)" to standard error when it does.
    ///
    /// A stage that reports the interruption in its result (the scan) returns normally and
    /// its command throws `ExitStatus(.interrupted)` after the summary; a stage that throws
    /// ``Cancelled`` ends the command with exit status 130 here.
    static func whileRunning<T>(_ stopping: String, _ body: (Cancellation) throws -> T) throws -> T {
        let cancel = Cancellation()
        let message = "\nattache: \(stopping)… (Ctrl-C again to quit at once)\n"
        let trap = InterruptTrap(cancelling: cancel, exitCode: Exit.interrupted.rawValue) { Terminal.write(message) }
        defer { trap.restore() }
        do {
            return try body(cancel)
        } catch is Cancelled {
            throw ExitStatus(.interrupted)
        }
    }
}
