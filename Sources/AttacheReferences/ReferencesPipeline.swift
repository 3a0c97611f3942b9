import AttacheCatalog
import AttacheRecords
import Foundation

/// Batches of rows from the reading thread to the writing one, at most `capacity` batches
/// waiting (memory stays flat however many records a source has).
final class RowPipe: @unchecked Sendable {
    private let cond = NSCondition()
    private var batches: [[ReferenceRow]] = []
    private var closed = false
    private var abandoned = false
    let capacity = 8

    /// Returns false when the consumer gave up (the producer should stop).
    func put(_ batch: [ReferenceRow]) -> Bool {
        cond.lock(); defer { cond.unlock() }
        while batches.count >= capacity && !abandoned { cond.wait() }
        if abandoned { return false }
        batches.append(batch)
        cond.broadcast()
        return true
    }

    func close() { cond.lock(); closed = true; cond.broadcast(); cond.unlock() }

    /// The next batch, or nil once the producer closed the pipe and it is empty.
    func take() -> [ReferenceRow]? {
        cond.lock(); defer { cond.unlock() }
        while batches.isEmpty && !closed { cond.wait() }
        if batches.isEmpty { return nil }
        cond.broadcast()
        return batches.removeFirst()
    }

    /// The consumer stops early (an error while writing): unblock the producer.
    func abandon() { cond.lock(); abandoned = true; batches.removeAll(); cond.broadcast(); cond.unlock() }

}

/// Reads a source's records and turns them into resolved rows on a thread of its own.
final class Producer: @unchecked Sendable {
    let source: any RecordSource
    let plan: SourcePlan
    let base: PathSpelling?
    let resolver: Resolver
    let posixPrefixes: [String]
    let pipe: RowPipe
    private let done = DispatchSemaphore(value: 0)
    private(set) var records = 0
    private(set) var problems: [SourceError] = []
    private(set) var failure: (any Error)?
    static let batchSize = 4096

    init(source: any RecordSource, plan: SourcePlan, base: PathSpelling?, resolver: Resolver, posixPrefixes: [String], pipe: RowPipe) {
        self.source = source; self.plan = plan; self.base = base; self.resolver = resolver
        self.posixPrefixes = posixPrefixes; self.pipe = pipe
    }

    func start() {
        let thread = Thread { [self] in
            defer { pipe.close(); done.signal() }
            var batch: [ReferenceRow] = []
            batch.reserveCapacity(Producer.batchSize)
            struct Stop: Error {}
            do {
                try source.forEachRecord({ record in
                    records += 1
                    batch.append(contentsOf: ReferencesEngine.extract(record, plan: plan, base: base, resolver: resolver,
                                                                      posixPrefixes: posixPrefixes))
                    if batch.count >= Producer.batchSize {
                        guard pipe.put(batch) else { throw Stop() }
                        batch.removeAll(keepingCapacity: true)
                    }
                }, problem: { problems.append($0) })
                if !batch.isEmpty { _ = pipe.put(batch) }
            } catch is Stop {
            } catch {
                failure = error
            }
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Waits for the thread to end (after the pipe is drained).
    func wait() { done.wait() }
}
