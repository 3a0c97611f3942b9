import AttacheModel
import Foundation
import Testing

private struct Boom: Error, Equatable { let at: Int }

/// The thread helpers AttacheModel holds so that the catalog can use them too.
@Suite(.timeLimit(.minutes(5))) struct BackgroundJobTests {
    @Test func aBackgroundJobCarriesItsValueOrItsError() {
        let ok = BackgroundJob<Int, Boom>(name: "t") { 42 }
        #expect(throws: Never.self) { try ok.wait() }
        #expect((try? ok.wait()) == 42)
        let failing = BackgroundJob<Int, Boom>(name: "t") { () throws(Boom) in throw Boom(at: 1) }
        #expect(throws: Boom(at: 1)) { try failing.wait() }
    }

    @Test func theWorkRunsOnAThreadOfItsOwnAndWaitWaitsForIt() {
        // The job blocks until the caller releases it after the init returned: were it run on
        // the caller's thread, the init would never return (the time limit would end the test).
        let release = DispatchSemaphore(value: 0)
        let ran = DispatchSemaphore(value: 0)
        let job = BackgroundJob<Int, Never>(name: "attache-test-job") {
            release.wait()
            ran.signal()
            return 7
        }
        #expect(ran.wait(timeout: .now()) == .timedOut, "the work waits for the release")
        release.signal()
        #expect(job.wait() == 7)
        #expect(ran.wait(timeout: .now()) == .success, "wait() returned after the work ran")
    }
}

@Suite struct CancellationTests {
    @Test func checkThrowsOnlyOnceCancelled() throws {
        let c = Cancellation()
        try c.check()
        #expect(!c.isCancelled)
        c.cancel()
        #expect(c.isCancelled)
        #expect(throws: Cancelled()) { try c.check() }
        c.cancel()
        #expect(c.isCancelled, "cancelling again changes nothing")
    }
}
