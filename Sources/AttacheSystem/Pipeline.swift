import AttacheModel
import Foundation

/// Producer threads feeding a consumer on the calling thread through a ``BoundedQueue``:
/// the one shape of concurrency the stages use (the scan's readers and catalog writer; the
/// references' record reader and writer; any stage with blocking work and one writer).
///
/// - **Back-pressure**: at most `capacity` results wait; producers block beyond that.
/// - **Order**: results from one producer reach the consumer in the order it emitted them;
///   results of several producers interleave in the order they were emitted.
/// - **Errors**: the first error a producer or the consumer throws stops the others (blocked
///   producers are released, waiting results are dropped) and is rethrown by `run`.
/// - **Cancellation**: producers check the ``Cancellation`` between units (``Emitter`` and
///   ``map(_:states:capacity:name:cancel:tick:transform:consume:)`` do); what was produced
///   before is still consumed, so work done is never lost.
/// - Every thread has ended when `run` returns or throws.
///
/// Plain threads, not Swift tasks: the work is blocking I/O (reading files, SQLite), which
/// must not occupy the cooperative pool.
public enum Pipeline {
    /// What a producer uses to hand results to the consumer.
    public struct Emitter<Output: Sendable>: Sendable {
        let queue: BoundedQueue<Output>
        /// The run's cancellation, for producers that check it between units.
        public let cancellation: Cancellation

        /// Hands `output` to the consumer, waiting while the queue is full.
        /// - Returns: false when the run is failing (stop producing; `output` is dropped).
        @discardableResult
        public func callAsFunction(_ output: Output) -> Bool { queue.put(output) }

        /// Whether the producer should stop: cancelled, or the run is failing.
        public var shouldStop: Bool { cancellation.isCancelled || queue.isAbandoned }
    }

    /// Runs `produce(index, emit)` on `producers` threads and hands what they emit to
    /// `consume` on the calling thread, in batches (everything waiting when it wakes).
    /// - Parameters:
    ///   - capacity: results that may wait before producers block.
    ///   - tick: when given, `consume` is also called at least this often (in seconds) with
    ///     whatever waits, perhaps nothing, so the caller can draw progress or flush on time.
    /// - Throws: the first error of a producer or of `consume`.
    public static func run<Output: Sendable, Failure: Error>(
        producers: Int = 1, capacity: Int, name: String = "attache-worker", stackSize: Int = 1 << 20,
        cancel: Cancellation = Cancellation(), tick: Double? = nil,
        produce: @escaping @Sendable (_ index: Int, _ emit: Emitter<Output>) throws(Failure) -> Void,
        consume: (_ batch: [Output]) throws(Failure) -> Void
    ) throws(Failure) {
        let queue = BoundedQueue<Output>(capacity: capacity)
        let failures = FirstFailure<Failure>()
        let group = DispatchGroup()
        let running = Countdown(max(1, producers)) { queue.close() }
        for index in 0..<max(1, producers) {
            group.enter()
            let thread = Thread {
                defer { running.done(); group.leave() }
                do throws(Failure) {
                    try produce(index, Emitter(queue: queue, cancellation: cancel))
                } catch {
                    failures.record(error)
                    queue.abandon()
                }
            }
            thread.name = producers > 1 ? "\(name)-\(index)" : name
            thread.stackSize = stackSize
            thread.start()
        }
        var consumerFailure: Failure?
        while true {
            let (batch, finished) = queue.takeAll(waitingUpTo: tick)
            if !batch.isEmpty || (tick != nil && !finished) {
                do throws(Failure) { try consume(batch) } catch {
                    consumerFailure = error
                    queue.abandon()
                    break
                }
            }
            if finished { break }
        }
        group.wait()
        if let failure = failures.first { throw failure }
        if let consumerFailure { throw consumerFailure }
    }

    /// Transforms each input once on `states.count` threads (one state each, used by that
    /// thread only: a reader with its buffer and its libmagic cookie) and hands the outputs to
    /// `consume` on the calling thread, in the order they were finished.
    ///
    /// Workers take the next input from a shared index, so one slow input never leaves the
    /// others idle. The cancellation is checked before each input: inputs in hand finish and
    /// are consumed, the rest are not started.
    /// - Returns: how many inputs were started (all of them unless cancelled); those are
    ///   exactly the ones whose outputs were consumed.
    /// - Throws: the first error of `transform` or `consume`.
    @discardableResult
    public static func map<Input: Sendable, State, Output: Sendable, Failure: Error>(
        _ inputs: [Input], states: [State], capacity: Int, name: String = "attache-worker",
        cancel: Cancellation = Cancellation(), tick: Double? = nil,
        transform: @escaping @Sendable (_ state: State, _ input: Input) throws(Failure) -> Output,
        consume: (_ batch: [Output]) throws(Failure) -> Void
    ) throws(Failure) -> Int {
        guard !inputs.isEmpty, !states.isEmpty else { return 0 }
        let next = SharedIndex(limit: inputs.count)
        let owned = states.prefix(inputs.count).map { OwnedState($0) }
        try run(producers: owned.count, capacity: capacity, name: name, cancel: cancel, tick: tick,
                produce: { (index, emit) throws(Failure) in
                    let state = owned[index].value
                    while !emit.shouldStop, let i = next.take() {
                        guard emit(try transform(state, inputs[i])) else { return }
                    }
                }, consume: consume)
        return next.taken
    }
}

/// A value handed to exactly one thread (the pipeline's per-worker state).
private final class OwnedState<State>: @unchecked Sendable {
    let value: State
    init(_ value: State) { self.value = value }
}

/// The next input index, shared by the workers of ``Pipeline/map``.
private final class SharedIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    let limit: Int
    init(limit: Int) { self.limit = limit }

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }

    var taken: Int {
        lock.lock()
        defer { lock.unlock() }
        return next
    }
}

/// The first error of several threads (later ones are consequences of stopping).
private final class FirstFailure<Failure: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var failure: Failure?
    func record(_ error: Failure) {
        lock.lock()
        if failure == nil { failure = error }
        lock.unlock()
    }
    var first: Failure? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }
}

/// Calls `atZero` when the last of `count` producers is done (the queue closes then).
private final class Countdown: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private let atZero: @Sendable () -> Void
    init(_ count: Int, atZero: @escaping @Sendable () -> Void) {
        remaining = count
        self.atZero = atZero
    }
    func done() {
        lock.lock()
        remaining -= 1
        let last = remaining == 0
        lock.unlock()
        if last { atZero() }
    }
}
