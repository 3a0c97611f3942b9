import AttacheTestSupport
import Foundation
import GRDB
import Testing
@testable import AttacheCatalog

/// The plan stage shrinks its connection's page cache while another connection deletes old
/// plans: setting it must not wait for that writer (a write transaction did, and failed with
/// "database is locked" once the delete outlasted the busy timeout).
@Suite struct PlanPageCacheTests {
    @Test func thePageCacheIsSetWhileAnotherConnectionHoldsTheWriteLock() throws {
        let s = Scratch("plan-cache")
        let catalog = try Catalog(path: s.join("a.db"))
        let other = try Catalog(path: s.join("a.db"))
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let writer = Thread {
            // An IMMEDIATE transaction: the write lock is held until `release`.
            try? other.write { db in
                try db.execute(sql: "DELETE FROM plans")
                holding.signal()
                release.wait()
            }
        }
        writer.start()
        holding.wait()
        defer { release.signal() }
        try catalog.setPageCacheWhileReading(mebibytes: 8)
        let size = try catalog.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        #expect(size == -8 * 1024)
    }
}
