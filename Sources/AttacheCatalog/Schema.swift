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
        m.registerMigration("v2-references") { db in
            try db.execute(sql: """
                CREATE TABLE sources (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,                 -- sqlite, csv, text_files, preset:NAME
                    location TEXT NOT NULL,             -- the database, CSV file or folder
                    fingerprint TEXT NOT NULL DEFAULT '', -- size and mtime of what was read, plus the spec
                    records INTEGER NOT NULL DEFAULT 0,
                    problems INTEGER NOT NULL DEFAULT 0,
                    extracted_run INTEGER               -- the refs run that last extracted it
                );
                CREATE TABLE refs_runs (
                    id INTEGER PRIMARY KEY,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    status TEXT NOT NULL,               -- running, completed, failed
                    scan_run INTEGER,                   -- the latest scan run when it resolved
                    attache_version TEXT NOT NULL,
                    sources_extracted INTEGER NOT NULL DEFAULT 0,
                    refs_total INTEGER NOT NULL DEFAULT 0,
                    refs_resolved_again INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE refs (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
                    record_key TEXT NOT NULL,           -- the key columns' values, joined with ' / '
                    record_position TEXT NOT NULL,      -- row 17, record 3 (line 9), notes/a.html
                    column_name TEXT NOT NULL,          -- where the path is ('file' for a template)
                    kind TEXT NOT NULL,                 -- composed, embedded
                    raw TEXT NOT NULL,                  -- the exact text in the record
                    path_text TEXT NOT NULL,            -- the path it names, decoded (entities, %-escapes)
                    span_start INTEGER,                 -- UTF-8 byte offsets of raw in the column's value
                    span_end INTEGER,
                    style TEXT NOT NULL,                -- unc, drive, file-url, posix, relative
                    status TEXT NOT NULL,               -- resolved, missing, ambiguous, special, unreadable
                    match TEXT,                         -- exact, case, unicode, case+unicode
                    reason TEXT,                        -- why it is not resolved, or how
                    root_id INTEGER,
                    file_id INTEGER,
                    candidates INTEGER NOT NULL DEFAULT 0,
                    deleted INTEGER NOT NULL DEFAULT 0,
                    modified TEXT,
                    resolved_run INTEGER NOT NULL
                );
                CREATE INDEX refs_by_file ON refs(file_id) WHERE file_id IS NOT NULL;
                CREATE INDEX refs_by_source ON refs(source_id);
                CREATE TABLE source_problems (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    file TEXT NOT NULL,
                    position TEXT,
                    message TEXT NOT NULL
                );
                CREATE INDEX files_by_root_path ON files(root_id, status);
                """)
        }
        m.registerMigration("v3-plans") { db in
            try db.execute(sql: """
                CREATE TABLE plans (
                    id INTEGER PRIMARY KEY,
                    created_at TEXT NOT NULL,
                    policy_file TEXT NOT NULL,
                    policy_name TEXT,
                    scan_run INTEGER,
                    refs_run INTEGER,
                    feasible INTEGER NOT NULL,
                    summary TEXT NOT NULL,              -- JSON: totals by action, rule, category; quota
                    warnings TEXT NOT NULL DEFAULT '[]' -- JSON list
                );
                CREATE TABLE decisions (
                    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
                    file_id INTEGER NOT NULL,
                    action TEXT NOT NULL,               -- keep, archive, drop
                    rule TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    target_path TEXT,
                    archive_path TEXT,
                    duplicate_of INTEGER,
                    notes TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (plan_id, file_id)
                ) WITHOUT ROWID;
                CREATE TABLE overrides (
                    file_id INTEGER PRIMARY KEY,
                    action TEXT NOT NULL,
                    note TEXT,
                    set_at TEXT NOT NULL,
                    from_file TEXT NOT NULL             -- the reviewed CSV it came from
                );
                """)
        }
        m.registerMigration("v4-record-fields") { db in
            try db.execute(sql: """
                ALTER TABLE refs ADD COLUMN fields TEXT;        -- the record's kept columns (manifest 'fields'), JSON object
                ALTER TABLE sources ADD COLUMN fields TEXT NOT NULL DEFAULT ''; -- their names, one per line
                """)
        }
        m.registerMigration("v5-file-owners") { db in
            // NULL until the next scan records them (an unchanged file gets its owner without a new read).
            try db.execute(sql: """
                ALTER TABLE files ADD COLUMN uid INTEGER;       -- the owner's user id (st_uid)
                ALTER TABLE files ADD COLUMN gid INTEGER;       -- the owner's group id (st_gid)
                """)
        }
        m.registerMigration("v6-plan-policy") { db in
            // A re-plan without --policy uses the policy of the latest plan: its absolute path.
            try db.execute(sql: "ALTER TABLE plans ADD COLUMN policy_path TEXT")
        }
        m.registerMigration("v7-apply") { db in
            try db.execute(sql: """
                CREATE TABLE apply_runs (
                    id INTEGER PRIMARY KEY,
                    plan_id INTEGER NOT NULL,
                    target TEXT NOT NULL,               -- the target root (absolute)
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    status TEXT NOT NULL,               -- running, completed, interrupted, failed
                    attache_version TEXT NOT NULL,
                    counts TEXT NOT NULL DEFAULT '{}',  -- JSON: files copied/linked, archives, removed, skipped, bytes
                    detail TEXT                         -- why it stopped, for people
                );
                CREATE TABLE journal (
                    id INTEGER PRIMARY KEY,
                    run_id INTEGER NOT NULL,
                    target TEXT NOT NULL,
                    kind TEXT NOT NULL,                 -- copy, link, archive, seal-archive, remove
                    state TEXT NOT NULL,                -- planned, started, done, failed
                    file_id INTEGER,
                    target_path TEXT NOT NULL,          -- below the target root
                    temp_path TEXT,
                    bytes INTEGER NOT NULL DEFAULT 0,
                    sha256 TEXT,
                    time INTEGER NOT NULL,              -- when it reached its state: ns since 1970 (UTC)
                    detail TEXT
                );
                CREATE INDEX journal_open ON journal(target, state) WHERE state IN ('planned', 'started');
                CREATE INDEX journal_by_run ON journal(run_id);
                CREATE TABLE target_items (             -- what attache wrote in a target and is there now
                    target TEXT NOT NULL,
                    path TEXT NOT NULL,                 -- below the target root
                    kind TEXT NOT NULL,                 -- file, archive
                    file_id INTEGER,                    -- a file: the catalogued file it holds
                    sha256 TEXT,                        -- NULL: content unknown (adopted after a crash)
                    size INTEGER NOT NULL,
                    content_key TEXT,                   -- an archive: digest of its members and format
                    method TEXT NOT NULL,               -- copy, reflink, hardlink, archive
                    run_id INTEGER NOT NULL,
                    plan_id INTEGER NOT NULL,
                    PRIMARY KEY (target, path)
                ) WITHOUT ROWID;
                CREATE TABLE archive_members (
                    target TEXT NOT NULL,
                    archive_path TEXT NOT NULL,
                    member BLOB NOT NULL,               -- raw bytes of the member name
                    file_id INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    stored_as BLOB,                     -- a duplicate: the member holding its content
                    PRIMARY KEY (target, archive_path, member)
                ) WITHOUT ROWID;
                CREATE INDEX archive_members_by_file ON archive_members(file_id);
                CREATE TABLE mapping (
                    file_id INTEGER NOT NULL,
                    run_id INTEGER NOT NULL,            -- the apply run that wrote this row
                    plan_id INTEGER NOT NULL,
                    target TEXT NOT NULL,
                    placement TEXT NOT NULL,            -- placed, archived, dropped, duplicate, pending
                    target_path TEXT,
                    archive_path TEXT,
                    member BLOB,
                    rule TEXT NOT NULL,
                    duplicate_of INTEGER,
                    sha256 TEXT,
                    size INTEGER NOT NULL,
                    method TEXT,                        -- copy, reflink, hardlink (placed)
                    detail TEXT,                        -- pending: why it is not placed
                    current INTEGER NOT NULL DEFAULT 1, -- 0: superseded by a later run (history)
                    PRIMARY KEY (file_id, run_id)
                ) WITHOUT ROWID;
                CREATE INDEX mapping_current ON mapping(file_id) WHERE current = 1;
                CREATE INDEX decisions_by_target ON decisions(plan_id, target_path);
                CREATE INDEX decisions_by_archive ON decisions(plan_id, archive_path);
                """)
        }
        m.registerMigration("v8-rewrite") { db in
            try db.execute(sql: """
                CREATE TABLE rewrite_runs (
                    id INTEGER PRIMARY KEY,
                    mode TEXT NOT NULL,                 -- copy, in-place, sql, revert
                    target TEXT NOT NULL,               -- the apply target whose mapping was used
                    output TEXT NOT NULL,               -- the output folder, or the script
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    status TEXT NOT NULL,               -- running, completed, interrupted, failed
                    attache_version TEXT NOT NULL,
                    counts TEXT NOT NULL DEFAULT '{}',  -- JSON: outcomes by source
                    detail TEXT,
                    reverts INTEGER,                    -- a revert run: the run it undid
                    reverted_by INTEGER                 -- a run undone: the revert run
                );
                CREATE TABLE rewrite_edits (            -- the audit: every reference a run considered
                    id INTEGER PRIMARY KEY,
                    run_id INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    ref_id INTEGER,                     -- refs.id when the run read it
                    record_key TEXT NOT NULL,
                    record_position TEXT NOT NULL,
                    record_id TEXT,                     -- how the run finds the record again (a rowid, a key)
                    column_name TEXT NOT NULL,
                    outcome TEXT NOT NULL,              -- rewritten, tombstoned, unchanged, flagged, kept, unresolved, refused, failed
                    span_start INTEGER,                 -- UTF-8 offsets of `after` in the rewritten value
                    span_end INTEGER,
                    before TEXT NOT NULL,               -- the text the record held
                    after TEXT,                         -- the text written instead
                    file_id INTEGER,
                    location TEXT,                      -- where the file is now: a target path, or archive#member
                    detail TEXT
                );
                CREATE INDEX rewrite_edits_by_run ON rewrite_edits(run_id, source);
                CREATE TABLE rewrite_outputs (          -- every file a run wrote
                    run_id INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    kind TEXT NOT NULL,                 -- copy, backup, script, revert-script, links
                    path TEXT NOT NULL,
                    original TEXT,                      -- what it is a copy of
                    format TEXT NOT NULL DEFAULT '',    -- sqlite, csv, text_files: how a revert reads it
                    options TEXT NOT NULL DEFAULT '',   -- sqlite: the table; csv: delimiter, encoding; text_files: encoding
                    sha256 TEXT,                        -- a database's bytes when the run left it (a revert may then restore the backup)
                    PRIMARY KEY (run_id, source, kind, path)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v9-verify") { db in
            try db.execute(sql: """
                CREATE TABLE verify_runs (              -- what each `attache verify` found, for the report
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,                 -- target, references
                    target TEXT NOT NULL,               -- the target root (absolute)
                    at TEXT NOT NULL,
                    fast INTEGER NOT NULL DEFAULT 0,    -- sizes only (verify --fast)
                    checked INTEGER NOT NULL,           -- files, archives and members; or references
                    bytes INTEGER NOT NULL DEFAULT 0,   -- bytes hashed
                    differences TEXT NOT NULL DEFAULT '{}' -- JSON: differences by kind
                );
                """)
        }
        return m
    }
}
