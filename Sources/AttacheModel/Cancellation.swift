import Foundation

/// A request to stop, shared by whoever asks (the Ctrl-C handler, a test) and the long work
/// that checks it between units (a file, a chunk, a batch of records).
///
/// Stopping is cooperative: work that sees the request finishes the unit in hand, keeps what
/// it has (every catalog write is a transaction) and ends. A stage either reports that it was
/// interrupted in its result (the scan's run status, the references' `interrupted`) or throws
/// ``Cancelled`` (the plan). It lives in AttacheModel so that every stage and the catalog can
/// check it; the signal handling that cancels it is AttacheSystem's `InterruptTrap`.
public final class Cancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    /// Asks the work to stop. Calling it again changes nothing.
    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// Whether stopping was asked for.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Throws ``Cancelled`` when stopping was asked for: for work that ends by throwing.
    public func check() throws(Cancelled) {
        if isCancelled { throw Cancelled() }
    }
}

/// Thrown by work that stopped because its ``Cancellation`` asked it to (the command maps it
/// to exit status 130, like an interrupted scan).
public struct Cancelled: Error, Sendable, Equatable, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted: stopped on request before the end" }
}
