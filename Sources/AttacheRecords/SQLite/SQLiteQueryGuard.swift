import GRDBSQLite

/// The authorizer installed on every source connection: a statement may only read
/// (SELECT, reading columns, calling functions, recursive CTEs). Anything else — writes, DDL,
/// PRAGMA, ATTACH, transactions — is denied when the statement is prepared, and the first
/// denied action is remembered to explain the refusal.
///
/// This is the second lock: the connection is already opened read-only with
/// `PRAGMA query_only`. It exists because `sqlite3_stmt_readonly` alone lets through
/// statements that change the connection rather than the file (e.g. `PRAGMA writable_schema = 1`
/// reports read-only).
final class SQLiteQueryGuard {
    /// The first action denied since the last `reset()`.
    private(set) var denied: (action: Int32, description: String)?

    func reset() { denied = nil }

    /// Whether the denied action would write to the database file (otherwise it would change
    /// the connection: PRAGMA, ATTACH, transactions).
    var deniedWrite: Bool {
        guard let action = denied?.action else { return false }
        return !Self.connectionActions.contains(action)
    }

    func install(on handle: OpaquePointer) {
        sqlite3_set_authorizer(handle, sqliteSourceAuthorizer, Unmanaged.passUnretained(self).toOpaque())
    }

    fileprivate func deny(_ action: Int32, _ first: String?, _ second: String?) {
        guard denied == nil else { return }
        let name = Self.actionNames[action] ?? "action \(action)"
        var text = name
        if action == SQLITE_PRAGMA {
            text += " " + (first ?? "") + (second.map { " = \($0)" } ?? "")
        } else if let first {
            text += " on '\(first)'"
        }
        denied = (action, text)
    }

    static let connectionActions: Set<Int32> = [SQLITE_PRAGMA, SQLITE_TRANSACTION, SQLITE_ATTACH, SQLITE_DETACH,
                                                SQLITE_SAVEPOINT]

    static let actionNames: [Int32: String] = [
        SQLITE_CREATE_INDEX: "CREATE INDEX", SQLITE_CREATE_TABLE: "CREATE TABLE",
        SQLITE_CREATE_TEMP_INDEX: "CREATE TEMP INDEX", SQLITE_CREATE_TEMP_TABLE: "CREATE TEMP TABLE",
        SQLITE_CREATE_TEMP_TRIGGER: "CREATE TEMP TRIGGER", SQLITE_CREATE_TEMP_VIEW: "CREATE TEMP VIEW",
        SQLITE_CREATE_TRIGGER: "CREATE TRIGGER", SQLITE_CREATE_VIEW: "CREATE VIEW", SQLITE_DELETE: "DELETE",
        SQLITE_DROP_INDEX: "DROP INDEX", SQLITE_DROP_TABLE: "DROP TABLE", SQLITE_DROP_TEMP_INDEX: "DROP TEMP INDEX",
        SQLITE_DROP_TEMP_TABLE: "DROP TEMP TABLE", SQLITE_DROP_TEMP_TRIGGER: "DROP TEMP TRIGGER",
        SQLITE_DROP_TEMP_VIEW: "DROP TEMP VIEW", SQLITE_DROP_TRIGGER: "DROP TRIGGER", SQLITE_DROP_VIEW: "DROP VIEW",
        SQLITE_INSERT: "INSERT", SQLITE_PRAGMA: "PRAGMA", SQLITE_TRANSACTION: "a transaction (BEGIN/COMMIT)",
        SQLITE_UPDATE: "UPDATE", SQLITE_ATTACH: "ATTACH", SQLITE_DETACH: "DETACH", SQLITE_ALTER_TABLE: "ALTER TABLE",
        SQLITE_REINDEX: "REINDEX", SQLITE_ANALYZE: "ANALYZE", SQLITE_CREATE_VTABLE: "CREATE VIRTUAL TABLE",
        SQLITE_DROP_VTABLE: "DROP VIRTUAL TABLE", SQLITE_SAVEPOINT: "SAVEPOINT",
    ]
}

/// Allows only reading; see ``SQLiteQueryGuard``.
private func sqliteSourceAuthorizer(_ context: UnsafeMutableRawPointer?, _ action: Int32,
                                    _ first: UnsafePointer<CChar>?, _ second: UnsafePointer<CChar>?,
                                    _ database: UnsafePointer<CChar>?, _ trigger: UnsafePointer<CChar>?) -> Int32 {
    switch action {
    case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE:
        return SQLITE_OK
    default:
        if let context {
            Unmanaged<SQLiteQueryGuard>.fromOpaque(context).takeUnretainedValue()
                .deny(action, first.map { String(cString: $0) }, second.map { String(cString: $0) })
        }
        return SQLITE_DENY
    }
}
