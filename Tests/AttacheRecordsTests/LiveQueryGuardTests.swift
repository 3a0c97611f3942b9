import Testing
import AttacheConfig
@testable import AttacheRecords

/// The check a live source's `query:` passes before it is sent to the server.
@Suite struct LiveQueryGuardTests {
    func problem(_ q: String, _ engine: LiveDatabase.Engine = .mysql) -> (kind: SourceError.Kind, message: String)? {
        LiveQueryGuard.problem(in: q, engine: engine)
    }

    @Test func readingQueriesPass() {
        for q in ["SELECT a.id, a.path || a.name AS file FROM vtiger_attachments a ORDER BY 1",
                  "  -- the notes\n  select * from notes;", "WITH x AS (SELECT 1 AS id) SELECT id FROM x",
                  "VALUES (1)", "(SELECT 1) UNION (SELECT 2)",
                  "SELECT REPLACE(CONCAT(path, name), '\\\\', '/') AS file FROM t",
                  "SELECT 'DELETE FROM t; DROP TABLE x' AS text, \"update\" FROM t",
                  "SELECT id /* ; UPDATE t SET x = 1 */ FROM t # ; DELETE"] {
            #expect(problem(q) == nil, "\(q)")
        }
        #expect(problem("TABLE notes", .postgresql) == nil)
        #expect(problem("SELECT $$; DELETE FROM t$$ AS x, $tag$ ' $tag$ AS y FROM t", .postgresql) == nil)
    }

    @Test func writesCallsAndOtherStatementsAreRefusedBeforeTheyRun() {
        for q in ["DELETE FROM notes", "UPDATE notes SET body = ''", "CALL purge()", "SHOW TABLES", "DO SLEEP(1)",
                  "INSERT INTO t VALUES (1)", "TABLE notes", "EXPLAIN ANALYZE DELETE FROM t"] {
            #expect(problem(q)?.kind == .notReadOnly, "\(q)")
        }
        #expect(problem("WITH gone AS (DELETE FROM t RETURNING id) SELECT * FROM gone", .postgresql)?.kind == .notReadOnly)
        #expect(problem("SELECT * FROM t INTO OUTFILE '/tmp/x'")?.message.contains("INTO") == true)
        #expect(problem("SELECT * INTO backup FROM t", .postgresql)?.kind == .notReadOnly)
        #expect(problem("SELECT * FROM t FOR UPDATE")?.message.contains("locks") == true)
        #expect(problem("SELECT * FROM t LOCK IN SHARE MODE")?.kind == .notReadOnly)
        #expect(problem("SELECT * FROM t FOR NO KEY UPDATE", .postgresql)?.kind == .notReadOnly)
    }

    @Test func functionsWithEffectsBeyondTheQueryAreRefused() {
        let kill = problem("SELECT pg_terminate_backend(pid) FROM pg_stat_activity", .postgresql)
        #expect(kill?.kind == .notReadOnly && kill?.message.contains("ends another session") == true)
        #expect(problem("SELECT lo_export(oid, '/tmp/x') FROM pg_largeobject_metadata", .postgresql)?.kind == .notReadOnly)
        #expect(problem("SELECT set_config('default_transaction_read_only', 'off', false)", .postgresql)?.kind == .notReadOnly)
        #expect(problem("SELECT LOAD_FILE('/etc/passwd') AS body")?.kind == .notReadOnly)
        #expect(problem("select get_lock('crm', 10)")?.kind == .notReadOnly)
        // Names that are not calls, and harmless functions, pass.
        #expect(problem("SELECT id, load_file FROM t") == nil)
        #expect(problem("SELECT id, SLEEP(0) FROM t") == nil)
        #expect(problem("SELECT 'pg_terminate_backend(1)' AS text", .postgresql) == nil)
    }

    @Test func severalStatementsOrNoneAreBadQueries() {
        let two = problem("SELECT 1; DELETE FROM t")
        #expect(two?.kind == .badQuery && two?.message.contains("more than one statement") == true)
        #expect(problem("SELECT 1;;  ") == nil)
        #expect(problem("  -- nothing\n")?.kind == .badQuery)
        // A quote left open hides the rest: still one statement that only reads.
        #expect(problem("SELECT 'it''s; DELETE' FROM t") == nil)
        // MySQL's backslash escapes a quote inside a string; PostgreSQL's does not.
        #expect(problem("SELECT 'a\\'; DELETE FROM t' FROM t") == nil)
        #expect(problem("SELECT 'a\\'; DELETE FROM t", .postgresql)?.kind == .badQuery)
    }
}
