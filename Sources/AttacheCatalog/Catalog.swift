import AttacheModel
import Foundation
import GRDB

/// The catalog: one SQLite file that every stage reads and writes.
///
/// It is the only place attache keeps state. Every write is a transaction, so a process
/// killed at any instant leaves the catalog as it was after the last committed batch.
/// Schema changes are named migrations; a catalog written by a newer attache is refused.
public final class Catalog: @unchecked Sendable {
    /// The file this catalog lives in.
    public let path: String
    let dbQueue: DatabaseQueue
    /// A read-only connection's memory of where files are now (``RewritePlacements``), kept
    /// from page to page of a rewrite's references (the mapping does not change meanwhile); nil
    /// for a catalog that writes, whose pages each look files up afresh.
    let placements: RewritePlacements?

    /// Opens (and, unless `mustExist`, creates) the catalog and brings its schema up to date.
    /// - Throws: ``CatalogError/notFound(_:)`` when `mustExist` and there is no file;
    ///   ``CatalogError/newerSchema(path:unknown:)`` when a newer attache wrote it;
    ///   ``CatalogError/cannotOpen(path:reason:)`` when SQLite cannot open it or it is not a catalog.
    /// - Parameter durable: every commit reaches the disk before it returns (`synchronous =
    ///   FULL`): apply's journal must survive a power loss, not only a killed process, since
    ///   a step journaled as started is what lets the next run claim the file it left.
    public init(path: String, mustExist: Bool = false, durable: Bool = false) throws(CatalogError) {
        self.path = path
        placements = nil
        if mustExist && !FileManager.default.fileExists(atPath: path) { throw .notFound(path) }
        var config = Configuration()
        config.label = "attache.catalog"
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // A bounded 64 MiB page cache: bulk writes of references keep their indexes in memory.
            try db.execute(sql: "PRAGMA cache_size = \(-1024 * Catalog.defaultPageCacheMiB)")
        }
        do {
            dbQueue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw .cannotOpen(path: path, reason: Catalog.describe(error))
        }
        do {
            let migrator = Schema.migrator
            let superseded = try dbQueue.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                let applied = try dbQueue.read { db in try migrator.appliedIdentifiers(db) }
                let unknown = applied.subtracting(Set(migrator.migrations)).sorted()
                throw CatalogError.newerSchema(path: path, unknown: unknown)
            }
            try migrator.migrate(dbQueue)
        } catch let e as CatalogError {
            throw e
        } catch {
            throw .cannotOpen(path: path, reason: Catalog.describe(error))
        }
    }

    /// A second connection to this catalog that only reads (no migration, no write): in WAL
    /// mode its reads run beside this connection's writes instead of queueing behind them. A
    /// rewrite reads each source's references on one while the audit is written on this one;
    /// open one for such a read, not for longer (it remembers where files are now).
    public func readOnlyConnection() throws(CatalogError) -> Catalog {
        try Catalog(readOnly: path)
    }

    private init(readOnly path: String) throws(CatalogError) {
        self.path = path
        var config = Configuration()
        config.label = "attache.catalog.reader"
        placements = RewritePlacements()
        config.readonly = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        do {
            dbQueue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw .cannotOpen(path: path, reason: Catalog.describe(error))
        }
    }

    /// The schema migrations applied to this catalog, in order.
    public func appliedMigrations() throws(CatalogError) -> [String] {
        try read { db in try Schema.migrator.appliedMigrations(db) }
    }

    /// Runs SQLite's integrity check; returns "ok" when the file is sound.
    public func integrityCheck() throws(CatalogError) -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }

    /// The connection's page cache: bulk writes of references keep their indexes in memory.
    public static let defaultPageCacheMiB = 64

    /// Sets the page cache of this catalog's connection (``defaultPageCacheMiB`` at open). The
    /// scan, whose inserts arrive in walk order, keeps 16 MiB: as fast, 40 MB less at 100,000 files.
    public func setPageCache(mebibytes: Int) throws(CatalogError) {
        try write { db in try db.execute(sql: "PRAGMA cache_size = \(-1024 * max(1, mebibytes))") }
    }

    func read<T>(_ body: (Database) throws -> T) throws(CatalogError) -> T {
        do { return try dbQueue.read(body) } catch { throw .sqlite(path: path, reason: Catalog.describe(error)) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(CatalogError) -> T {
        do { return try dbQueue.write(body) } catch { throw .sqlite(path: path, reason: Catalog.describe(error)) }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DatabaseError {
            return e.message ?? "SQLite error \(e.resultCode.rawValue)"
        }
        return String(describing: error)
    }
}

/// What can go wrong with the catalog, in words a user can act on.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case cannotOpen(path: String, reason: String)
    case newerSchema(path: String, unknown: [String])
    case sqlite(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let p):
            return "no catalog at \(p): run 'attache scan' first (or pass --catalog FILE / --manifest FILE)"
        case .cannotOpen(let p, let r):
            return "cannot open the catalog \(p): \(r)"
        case .newerSchema(let p, let unknown):
            return "the catalog \(p) was written by a newer attache (schema steps \(unknown.joined(separator: ", ")) are unknown to this build): upgrade attache, or scan into a new catalog"
        case .sqlite(let p, let r):
            return "catalog \(p): \(r)"
        }
    }
}
