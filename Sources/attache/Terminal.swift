import AttacheModel
import AttacheSystem
import Foundation

/// Standard error, and whether there is a person watching it.
enum Terminal {
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    static func error(_ message: String) { write("attache: error: \(message)\n") }
    static func warning(_ message: String) { write("attache: warning: \(message)\n") }
    /// Writes to standard error, erasing the progress line first when one is drawn. Control
    /// characters in it (a file name's ESC) are written out, never sent to the terminal.
    static func write(_ s: String) { ProgressDisplay.shared.passThrough(Array(VisibleText.escapingControls(s).utf8), fd: 2) }
}

/// A one-line progress display on a terminal: redrawn in place, erased at the end.
/// Silent when standard error is not a terminal or with --quiet. Safe to update from
/// several threads (apply's workers). Every command's line is drawn by the one
/// ``ProgressDisplay`` of the process, so `attache run` shows one display for all its stages.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled && Terminal.stderrIsTerminal }

    /// Draws `text` at most ten times a second.
    func update(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        ProgressDisplay.shared.draw(text, fromStage: true)
    }

    func clear() {
        guard enabled else { return }
        ProgressDisplay.shared.clear()
    }
}

/// The process's one progress line on standard error. A stage's ``ProgressLine`` draws into
/// it; `attache run` sets a ``prefix`` (`run 4/8 · `) and, while a stage reports nothing of
/// its own, draws the stage and the time it has taken. Anything else written to the
/// terminal goes through ``passThrough(_:fd:)``, which erases the line first, so a summary
/// never lands on the end of a progress line.
final class ProgressDisplay: @unchecked Sendable {
    static let shared = ProgressDisplay()
    private let lock = NSLock()
    private var drawn = false
    private var lastDraw: UInt64 = 0
    private var lastStageDraw: UInt64 = 0
    private var prefixText = ""

    /// Put before every line (`run 4/8 · `); "" outside `attache run`.
    var prefix: String {
        get { lock.lock(); defer { lock.unlock() }; return prefixText }
        set { lock.lock(); prefixText = newValue; lastStageDraw = 0; lock.unlock() }
    }

    /// Draws `text` (at most ten times a second). `fromStage`: a stage's own progress; the
    /// run's filler (`fromStage` false) is drawn only when the stage has drawn nothing for a second.
    func draw(_ text: () -> String, fromStage: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 100_000_000 else { return }
        if !fromStage && now - lastStageDraw < 1_000_000_000 { return }
        lastDraw = now
        if fromStage { lastStageDraw = now }
        var width = 80
        var ws = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 { width = Int(ws.ws_col) }
        var line = prefixText + text()
        if line.count > width - 1 { line = String(line.prefix(width - 2)) + "…" }
        Self.writeAll(2, Array(("\r\u{1B}[K" + line).utf8))
        drawn = true
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        guard drawn else { return }
        Self.writeAll(2, Array("\r\u{1B}[K".utf8))
        drawn = false
    }

    /// Writes `bytes` to `fd`, erasing the progress line first.
    func passThrough(_ bytes: [UInt8], fd: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if drawn { Self.writeAll(2, Array("\r\u{1B}[K".utf8)); drawn = false }
        Self.writeAll(fd, bytes)
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            done += n
        }
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
