import Foundation

/// One piece of work started on a thread of its own and waited for later: the scan loads
/// the catalog's rows for a root while it walks the root; the catalog forgets old plans or
/// compares with the previous plan on a second connection (`Catalog.inBackground`).
///
/// A plain thread, not a task: the work is blocking I/O (SQLite, the file system), which
/// must not hold a thread of the cooperative pool. Always ``wait()`` before the values the
/// work uses go away. It lives in AttacheModel (it is threads, not I/O) so that the catalog,
/// which may import only AttacheModel, uses the same helper as the stages.
public final class BackgroundJob<Value: Sendable, Failure: Error>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<Value, Failure>?
    private var waited: Result<Value, Failure>?

    /// Starts `body` at once on a new thread named `name`.
    public init(name: String, stackSize: Int = 1 << 20, _ body: @escaping @Sendable () throws(Failure) -> Value) {
        let thread = Thread { [self] in
            let outcome: Result<Value, Failure>
            do throws(Failure) { outcome = .success(try body()) } catch { outcome = .failure(error) }
            lock.lock()
            result = outcome
            lock.unlock()
            done.signal()
        }
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }

    /// Waits for the work to end; its value, or the error it threw. Waiting again returns the same.
    public func wait() throws(Failure) -> Value {
        if waited == nil {
            done.wait()
            lock.lock()
            waited = result
            lock.unlock()
        }
        return try waited!.get()
    }
}
