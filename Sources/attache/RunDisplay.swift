import AttacheSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `attache run`'s one progress display on a terminal: every stage's progress line carries
/// `run 4/8 · `, and while a stage reports nothing of its own (refs, plan, rewrite) the line
/// shows the stage and how long it has taken. Standard output is passed through the display
/// (a pipe read by a thread), so a stage's summary erases the line before it is printed.
/// Nothing of this happens on a pipe or with --quiet.
final class RunDisplay: @unchecked Sendable {
    private let enabled: Bool
    private var timer: DispatchSourceTimer?
    private var savedStdout: Int32 = -1
    private var reader: Thread?
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stage = ""
    private var stageStart = Date()

    init(enabled: Bool) { self.enabled = enabled && Terminal.stderrIsTerminal }

    func start() {
        guard enabled else { return }
        if Terminal.stdoutIsTerminal { funnelStandardOutput() }
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        t.schedule(deadline: .now() + 1, repeating: 0.5)
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
        timer = t
    }

    /// The stage now running: `index` of `count`.
    func stage(_ name: String, index: Int, count: Int) {
        guard enabled else { return }
        lock.lock(); stage = name; stageStart = Date(); lock.unlock()
        ProgressDisplay.shared.prefix = "run \(index)/\(count) · "
    }

    func stop() {
        guard enabled else { return }
        timer?.cancel()
        timer = nil
        ProgressDisplay.shared.clear()
        ProgressDisplay.shared.prefix = ""
        if savedStdout >= 0 {
            StandardOutput.flush()
            dup2(savedStdout, 1)  // closes the pipe's last write end: the reader sees the end
            done.wait()
            close(savedStdout)
            savedStdout = -1
        }
    }

    private func tick() {
        lock.lock(); let name = stage; let since = stageStart; lock.unlock()
        guard !name.isEmpty else { return }
        ProgressDisplay.shared.draw({ "\(name) · \(formatDuration(Date().timeIntervalSince(since)))" }, fromStage: false)
    }

    /// Points standard output at a pipe whose reader passes everything to the terminal
    /// through the display.
    private func funnelStandardOutput() {
        var fds: [Int32] = [0, 0]
        StandardOutput.flush()
        guard pipe(&fds) == 0 else { return }
        let real = dup(1)
        guard real >= 0, dup2(fds[1], 1) >= 0 else { close(fds[0]); close(fds[1]); if real >= 0 { close(real) }; return }
        close(fds[1])
        StandardOutput.lineBuffered()
        savedStdout = real
        let input = fds[0]
        let finished = done
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                ProgressDisplay.shared.passThrough(Array(buffer[0..<n]), fd: real)
            }
            close(input)
            finished.signal()
        }
        thread.start()
        reader = thread
    }
}
