import AttacheModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM during a long command: the first one cancels the command's
/// ``Cancellation`` (the work stops at its next check and keeps what it has) and calls
/// `onFirst`, so the command can say it is stopping; a second one ends the process at once
/// with `exitCode`. Ending at once is safe for the catalog: every write is a transaction.
///
/// Signals are received on a dispatch queue (not in a C signal handler), so `onFirst` may
/// do anything. Call ``restore()`` when the command ends, so the default actions return.
public final class InterruptTrap: @unchecked Sendable {
    private let lock = NSLock()
    private var sources: [DispatchSourceSignal] = []
    private var received = 0

    /// The signals a long command traps.
    public static let signals: [Int32] = [SIGINT, SIGTERM]

    /// Installs the trap for ``signals``.
    /// - Parameters:
    ///   - cancellation: cancelled at the first signal.
    ///   - exitCode: the process's exit status at the second signal.
    ///   - onFirst: called once, after the cancellation, on a background queue.
    public init(cancelling cancellation: Cancellation, exitCode: Int32, onFirst: @escaping @Sendable () -> Void = {}) {
        for sig in InterruptTrap.signals {
            // The dispatch source sees the signal only while its default action (exit) is off.
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                self.received += 1
                let n = self.received
                self.lock.unlock()
                if n == 1 {
                    cancellation.cancel()
                    onFirst()
                } else {
                    _exit(exitCode)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// How many of the trapped signals arrived so far.
    public var signalsReceived: Int {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Removes the trap and gives SIGINT and SIGTERM their default actions back.
    public func restore() {
        lock.lock()
        let installed = sources
        sources = []
        lock.unlock()
        for s in installed { s.cancel() }
        if !installed.isEmpty {
            for sig in InterruptTrap.signals { signal(sig, SIG_DFL) }
        }
    }
}
