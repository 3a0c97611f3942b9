import GRDB

/// The catalog's schema as named migrations. Never edit a shipped migration: add a new one.
/// Table and column meanings are documented in Documentation/Architecture.md.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-inventory") { db in
            try db.execute(sql: """
                CREATE TABLE roots (
                    id INTEGER PRIMARY KEY,
                    path BLOB NOT NULL UNIQUE,          -- absolute path as raw bytes
                    display_path TEXT NOT NULL,         -- the same, invalid UTF-8 shown as \\xNN
                    aliases TEXT NOT NULL DEFAULT '[]', -- JSON list: how the records spell this root
                    case_insensitive INTEGER NOT NULL DEFAULT 0,
                    added_run INTEGER,
                    last_scan_run INTEGER
                );
                CREATE TABLE scan_runs (
                    id INTEGER PRIMARY KEY,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    status TEXT NOT NULL,               -- running, completed, interrupted, failed
                    root_ids TEXT NOT NULL,             -- JSON list of root ids
                    attache_version TEXT NOT NULL,
                    files_seen INTEGER NOT NULL DEFAULT 0,
                    files_new INTEGER NOT NULL DEFAULT 0,
                    files_changed INTEGER NOT NULL DEFAULT 0,
                    files_unchanged INTEGER NOT NULL DEFAULT 0,
                    files_gone INTEGER NOT NULL DEFAULT 0,
                    files_read INTEGER NOT NULL DEFAULT 0,
                    bytes_read INTEGER NOT NULL DEFAULT 0,
                    excluded INTEGER NOT NULL DEFAULT 0,
                    problems INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE files (
                    id INTEGER PRIMARY KEY,
                    root_id INTEGER NOT NULL REFERENCES roots(id),
                    path BLOB NOT NULL,                 -- relative to the root, raw bytes
                    display_path TEXT NOT NULL,
                    kind TEXT NOT NULL,                 -- regular, symlink, fifo, socket, char-device, block-device
                    size INTEGER NOT NULL,
                    mtime_ns INTEGER NOT NULL,
                    ctime_ns INTEGER NOT NULL,
                    inode INTEGER NOT NULL,
                    device INTEGER NOT NULL,
                    mode INTEGER NOT NULL,
                    sha256 TEXT,                        -- 64 hex digits; NULL until read
                    mime TEXT,
                    category TEXT,
                    extension TEXT NOT NULL DEFAULT '',
                    extension_mismatch INTEGER NOT NULL DEFAULT 0,
                    status TEXT NOT NULL,               -- ok, unreadable, special, gone
                    problem TEXT,                       -- a ProblemCode, NULL when none
                    problem_detail TEXT,
                    first_seen_run INTEGER NOT NULL,
                    changed_run INTEGER NOT NULL,       -- the run that last read (or re-classified) it
                    gone_run INTEGER,                   -- set while status = 'gone'
                    UNIQUE (root_id, path)
                );
                CREATE INDEX files_by_hash ON files(sha256) WHERE sha256 IS NOT NULL AND status = 'ok';
                CREATE INDEX files_by_status ON files(status);
                CREATE TABLE findings (
                    id INTEGER PRIMARY KEY,
                    root_id INTEGER NOT NULL REFERENCES roots(id),
                    path BLOB NOT NULL,
                    display_path TEXT NOT NULL,
                    code TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    detail TEXT NOT NULL DEFAULT '',
                    first_run INTEGER NOT NULL,
                    last_run INTEGER NOT NULL,
                    UNIQUE (root_id, path, code)
                );
                """)
        }
        return m
    }
}
