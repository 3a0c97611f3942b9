import AttacheModel
import Foundation

// MARK: - How many plans the catalog keeps

extension Catalog {
    /// Plans kept: the newest, the one before it (what `--diff` compares with), and one more.
    public static let plansKept = 3

    /// Forgets every plan but the newest `keeping` (their decisions first, then the plans, in
    /// one transaction). Returns how many plans went.
    @discardableResult
    public func forgetOldPlans(keeping: Int) throws(CatalogError) -> Int {
        try write { db in
            let old = try Int64.fetchAll(db, sql: "SELECT id FROM plans ORDER BY id DESC LIMIT -1 OFFSET ?", arguments: [keeping])
            guard !old.isEmpty else { return 0 }
            let list = old.map(String.init).joined(separator: ",")
            try db.execute(sql: "DELETE FROM decisions WHERE plan_id IN (\(list))")
            try db.execute(sql: "DELETE FROM plans WHERE id IN (\(list))")
            return old.count
        }
    }

    /// Runs `body` on another thread with a connection of its own to this catalog: SQLite's
    /// WAL lets it read while this connection reads or writes, and writes wait for each other.
    /// Call `wait()` on the result before the process ends (and before this catalog goes).
    public func inBackground<T: Sendable>(
        name: String = "attache-catalog", _ body: @escaping @Sendable (Catalog) throws(CatalogError) -> T
    ) -> BackgroundJob<T, CatalogError> {
        let path = self.path
        return BackgroundJob(name: name) { () throws(CatalogError) -> T in
            try body(try Catalog(path: path, mustExist: true))
        }
    }
}
