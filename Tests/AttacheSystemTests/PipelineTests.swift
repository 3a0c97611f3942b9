import Foundation
import Testing
import AttacheModel
@testable import AttacheSystem

/// A counter several threads bump.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    @discardableResult func add(_ k: Int = 1) -> Int { lock.lock(); defer { lock.unlock() }; n += k; return n }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

struct Boom: Error, Equatable { let at: Int }

/// Waits (polling) until `condition` holds; false after `seconds` (a guard against a hang,
/// never an assertion about speed).
func eventually(within seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while !condition() {
        if Date() > deadline { return false }
        usleep(500)
    }
    return true
}

/// The error `body` threw, or nil.
func caught<E: Error>(_ body: () throws(E) -> Void) -> E? {
    do { try body(); return nil } catch { return error }
}

@Suite(.timeLimit(.minutes(5))) struct PipelineTests {
    @Test func oneProducersResultsArriveInOrder() throws {
        var got: [Int] = []
        try Pipeline.run(capacity: 16, produce: { (_, emit: Pipeline.Emitter<Int>) in
            for i in 0..<10_000 { emit(i) }
        }, consume: { batch in got.append(contentsOf: batch) })
        #expect(got == Array(0..<10_000))
    }

    @Test func mapTransformsEveryInputExactlyOnceOnEveryWorker() throws {
        let workersUsed = Tally()
        let states = (0..<4).map { _ in Tally() }
        var got: [Int] = []
        let started = try Pipeline.map(Array(0..<5_000), states: states, capacity: 32, transform: { (state: Tally, i: Int) in
            if state.add() == 1 { workersUsed.add() }
            return i * 2
        }, consume: { got.append(contentsOf: $0) })
        #expect(started == 5_000)
        #expect(got.sorted() == (0..<5_000).map { $0 * 2 })
        #expect(states.map(\.value).reduce(0, +) == 5_000, "each input went to exactly one worker's state")
        #expect(workersUsed.value >= 1)
    }

    @Test func oneWorkerKeepsTheInputOrder() throws {
        var got: [String] = []
        try Pipeline.map(["c", "a", "b"], states: [()], capacity: 1, transform: { (_: Void, s: String) in s + s },
                         consume: { got.append(contentsOf: $0) })
        #expect(got == ["cc", "aa", "bb"])
    }

    @Test func aFullQueueHoldsTheProducerBack() throws {
        let capacity = 5
        let emitted = Tally()
        var taken = 0
        var sawFull = false
        try Pipeline.run(capacity: capacity, produce: { (_, emit: Pipeline.Emitter<Int>) in
            for i in 0..<200 {
                guard emit(i) else { return }
                emitted.add()
            }
        }, consume: { batch in
            if !sawFull {
                // The consumer is slow: the producer fills the queue, then must wait.
                #expect(eventually { emitted.value >= taken + batch.count + capacity })
                usleep(20_000)
                #expect(emitted.value == taken + batch.count + capacity, "the producer waits while the queue is full")
                sawFull = true
            }
            taken += batch.count
            #expect(emitted.value - taken <= capacity)
        })
        #expect(taken == 200)
        #expect(sawFull)
    }

    @Test func aProducerErrorStopsTheRunAndIsRethrown() {
        var consumed = 0
        let error = caught { () throws(Boom) in
            try Pipeline.run(producers: 3, capacity: 4, produce: { (index: Int, emit: Pipeline.Emitter<Int>) throws(Boom) in
                if index == 1 {
                    for i in 0..<50 { emit(i) }
                    throw Boom(at: 50)
                }
                // The others would never end on their own: the failure must stop them.
                var i = 0
                while emit(i) { i += 1 }
            }, consume: { (batch: [Int]) throws(Boom) in consumed += batch.count })
        }
        #expect(error == Boom(at: 50))
        #expect(consumed > 0)
    }

    @Test func aConsumerErrorReleasesBlockedProducers() {
        let producerEnded = Tally()
        let error = caught { () throws(Boom) in
            try Pipeline.run(producers: 2, capacity: 2, produce: { (_: Int, emit: Pipeline.Emitter<Int>) throws(Boom) in
                defer { producerEnded.add() }
                var i = 0
                while emit(i) { i += 1 }
            }, consume: { (batch: [Int]) throws(Boom) in throw Boom(at: 3) })
        }
        #expect(error == Boom(at: 3))
        #expect(producerEnded.value == 2, "every producer thread ended before run returned")
    }

    @Test func aTransformErrorIsRethrownFromMap() {
        let error = caught { () throws(Boom) in
            try Pipeline.map(Array(0..<1_000), states: [(), (), ()], capacity: 8, transform: { (_: Void, i: Int) throws(Boom) -> Int in
                if i == 7 { throw Boom(at: 7) }
                return i
            }, consume: { (batch: [Int]) throws(Boom) in })
        }
        #expect(error == Boom(at: 7))
    }

    @Test func cancellingStopsStartingInputsButDeliversTheStartedOnes() throws {
        let cancel = Cancellation()
        var got: [Int] = []
        let started = try Pipeline.map(Array(0..<10_000), states: [(), ()], capacity: 4, cancel: cancel,
                                       transform: { (_: Void, i: Int) in i }, consume: { batch in
            got.append(contentsOf: batch)
            if got.count >= 10 { cancel.cancel() }
        })
        #expect(started < 10_000, "inputs after the cancellation were not started")
        #expect(got.count == started, "every started input was consumed")
        #expect(Set(got).count == got.count)
    }

    @Test func aTickCallsTheConsumerWhileNothingArrives() throws {
        let release = Cancellation()
        var emptyCalls = 0
        try Pipeline.run(capacity: 4, tick: 0.01, produce: { (_, emit: Pipeline.Emitter<Int>) in
            while !release.isCancelled { usleep(1_000) }
            emit(1)
        }, consume: { batch in
            if batch.isEmpty { emptyCalls += 1 }
            if emptyCalls >= 3 { release.cancel() }
        })
        #expect(emptyCalls >= 3)
    }
}

// BackgroundJob and Cancellation are AttacheModel's now: Tests/AttacheModelTests/ThreadHelperTests.swift.
// InterruptTrap is tested through the binary (EndToEndTests/InterruptTests): signals sent to
// this test process do not reach its dispatch sources reliably.
