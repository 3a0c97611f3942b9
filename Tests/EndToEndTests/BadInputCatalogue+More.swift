import AttacheTestSupport
import Foundation
import Testing

extension BadInputCatalogue {
    static let policies: [BadInput] = [
        BadInput("P1", "policy", "a misspelt condition ('categroy')", exit: 65, expect: "bad-policy.yaml:4:") { m in
            let p = try m.policyFile("rules:\n  - name: x\n    when: { categroy: pdf }\n    action: keep\n")
            try m.prepare(); return try m.run(["plan", "--policy", p])
        },
        BadInput("P2", "policy", "a policy file that does not exist", exit: 66, expect: "none.yaml") { m in
            try m.prepare(); return try m.run(["plan", "--policy", m.dir + "/none.yaml"])
        },
        BadInput("P3", "policy", "a quota that is not a size", exit: 65, expect: "quota") { m in
            let p = try m.policyFile("target: { quota: fifty gigs }\n"); try m.prepare(); return try m.run(["plan", "--policy", p])
        },
        BadInput("P4", "policy", "a rule named like a reserved word ('default')", exit: 65, expect: "default") { m in
            let p = try m.policyFile("rules:\n  - name: default\n    when: { category: pdf }\n    action: keep\n")
            try m.prepare(); return try m.run(["plan", "--policy", p])
        },
        BadInput("P5", "policy", "an action that is not keep, archive or drop", exit: 65, expect: "keeep") { m in
            let p = try m.policyFile("rules:\n  - name: x\n    when: { category: pdf }\n    action: keeep\n")
            try m.prepare(); return try m.run(["plan", "--policy", p])
        },
        BadInput("P6", "policy", "a layout with an unknown placeholder", exit: 65, expect: "{colour}") { m in
            let p = try m.policyFile("layout: '{colour}/{name}'\n"); try m.prepare(); return try m.run(["plan", "--policy", p])
        },
        BadInput("P7", "policy", "a layout using a record column no source keeps", exit: 65, expect: "{record.account}") { m in
            let p = try m.policyFile("layout: '{record.account}/{name}'\n"); try m.prepare(); return try m.run(["plan", "--policy", p])
        },
        BadInput("P8", "policy", "two rules with the same name", exit: 65, expect: "twice") { m in
            let p = try m.policyFile("rules:\n  - name: x\n    when: { category: pdf }\n    action: keep\n  - name: x\n    when: { category: image }\n    action: drop\n")
            try m.prepare(); return try m.run(["plan", "--policy", p])
        },
        BadInput("P9", "policy", "overflow watermarks the wrong way round", exit: 65, expect: "watermark") { m in
            let p = try m.policyFile("target: { quota: 1 GB }\noverflow: { action: archive, high_watermark: 80%, low_watermark: 90% }\n")
            try m.prepare(); return try m.run(["plan", "--policy", p])
        },
        BadInput("P10", "policy", "files that must be kept exceed the quota", exit: 4, expect: "") { m in
            let p = try m.policyFile("target: { quota: 10 B }\ndefault: keep\n"); try m.prepare(); return try m.run(["plan", "--policy", p])
        },
        BadInput("P11", "policy", "a YAML policy with a tab for indentation", exit: 65, expect: "bad-policy.yaml:") { m in
            let p = try m.policyFile("rules:\n\t- name: x\n"); try m.prepare(); return try m.run(["plan", "--policy", p])
        },
    ]

    static let reviews: [BadInput] = [
        BadInput("R1", "review sheet", "a file id the plan does not have", exit: 65, expect: "999999") { m in
            try m.prepare(); _ = try m.run(["plan", "--export", "review.csv"])
            try editSheet(m) { rows in rows[1][0] = "999999" }
            return try m.run(["plan", "--overrides", "review.csv"])
        },
        BadInput("R2", "review sheet", "an action that is not keep, archive or drop", exit: 65, expect: "toss") { m in
            try m.prepare(); _ = try m.run(["plan", "--export", "review.csv"])
            try editSheet(m) { rows in rows[1][rows[0].firstIndex(of: "action")!] = "toss" }
            return try m.run(["plan", "--overrides", "review.csv"])
        },
        BadInput("R3", "review sheet", "the reviewed sheet does not exist", exit: 66, expect: "reviewed.csv") { m in
            try m.prepare(); return try m.run(["plan", "--overrides", "reviewed.csv"])
        },
        BadInput("R4", "review sheet", "a sheet without the action column", exit: 65, expect: "action") { m in
            try m.prepare(); _ = try m.run(["plan", "--export", "review.csv"])
            try editSheet(m) { rows in let a = rows[0].firstIndex(of: "action")!; for i in rows.indices { rows[i].remove(at: a) } }
            return try m.run(["plan", "--overrides", "review.csv"])
        },
    ]

    static let targets: [BadInput] = [
        BadInput("T1", "target", "a target inside a legacy root", exit: 65, expect: "legacy/share") { m in
            for s in ["scan", "refs", "plan"] { _ = try m.run([s]) }
            return try m.run(["apply", "--to", m.dir + "/legacy/share/new"])
        },
        BadInput("T2", "target", "a target whose parent folder does not exist", exit: 66, expect: "no/such") { m in
            for s in ["scan", "refs", "plan"] { _ = try m.run([s]) }
            return try m.run(["apply", "--to", m.dir + "/no/such/target"])
        },
        BadInput("T3", "target", "a target that fills up (ENOSPC, through the fault seam)", exit: 74, expect: "No space left",
                 varying: "share/[^:]+") { m in
            // Copies only (no archive volume): which of the parallel copies meets the full disk first varies.
            try m.file("policy.yaml", "version: 1\nname: copies only\nlayout: '{root}/{relpath}'\ndefault: keep\n")
            for s in ["scan", "refs", "plan"] { _ = try m.run([s]) }
            return try m.run(["apply"], env: ["ATTACHE_FAULT_TARGET_FULL_AFTER_BYTES": "20"])
        },
        BadInput("T4", "target", "apply before any plan", exit: 66, expect: "plan") { m in
            _ = try m.run(["scan"]); return try m.run(["apply"])
        },
        BadInput("T5", "target", "verify before any apply", exit: 66, expect: "apply") { m in
            _ = try m.run(["scan"]); return try m.run(["verify"])
        },
        BadInput("T6", "target", "a file attache wrote changed in the target", exit: 5, expect: "") { m in
            try m.prepare()
            try "changed".write(toFile: m.target + "/share/Scans/scan 1.pdf", atomically: true, encoding: .utf8)
            return try m.run(["verify"])
        },
        BadInput("T7", "rewrite", "the rewrite output folder is a file", exit: 74, expect: "rewritten") { m in
            try m.prepare(); try m.file("rewritten", "in the way\n"); return try m.run(["rewrite"])
        },
        BadInput("T8", "rewrite", "rewrite with no target address in the manifest", exit: 64, expect: "address") { m in
            try m.editManifest("target: { path: target, address: '\\\\NEWSRV\\crm\\' }", "target: target")
            try m.prepare(); return try m.run(["rewrite"])
        },
        BadInput("T9", "rewrite", "rewrite before anything is applied", exit: 66, expect: "apply") { m in
            for s in ["scan", "refs", "plan"] { _ = try m.run([s]) }
            return try m.run(["rewrite"])
        },
        BadInput("T10", "report", "report --out into a folder that does not exist", exit: 74, expect: "cannot write the report") { m in
            _ = try m.run(["scan"]); return try m.run(["report", "--out", m.dir + "/none/report.html"])
        },
        BadInput("T11", "report", "report before any scan (no catalog)", exit: 66, expect: "attache.db") { m in
            try m.run(["report"])
        },
    ]

    static let databases: [BadInput] = [
        BadInput("D1", "database", "a password written in a mysql URL", exit: 65, expect: "password_env") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n", "    mysql: mysql://crm:secret@127.0.0.1:3306/crm\n"); return try m.refsAfterScan()
        },
        BadInput("D2", "database", "a postgresql URL that names no database", exit: 65, expect: "database") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n", "    postgresql: postgresql://crm@127.0.0.1:5432\n"); return try m.refsAfterScan()
        },
        BadInput("D3", "database", "a MySQL server that does not answer (port 1)", exit: 69, expect: "127.0.0.1") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n", "    mysql: mysql://crm@127.0.0.1:1/crm\n"); return try m.refsAfterScan()
        },
        BadInput("D4", "database", "a PostgreSQL server that does not answer (port 1)", exit: 69, expect: "127.0.0.1") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n", "    postgresql: postgresql://crm@127.0.0.1:1/crm\n"); return try m.refsAfterScan()
        },
        BadInput("D5", "database", "password_env that is not a variable name", exit: 65, expect: "password_env") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n", "    mysql: mysql://crm@127.0.0.1:3306/crm\n    password_env: 'my password'\n")
            return try m.refsAfterScan()
        },
        BadInput("D6", "database", "a MySQL socket that does not exist", exit: 69, expect: "socket") { m in
            try m.editManifest("    sqlite: records/crm.sqlite\n", "    mysql: mysql://crm@/crm?socket=/nonexistent/mysqld.sock\n")
            return try m.refsAfterScan()
        },
    ]

    static let commandLine: [BadInput] = [
        BadInput("C1", "command line", "an unknown command close to one ('lst')", exit: 64, expect: "did you mean 'list'") { m in
            try m.run(["lst"])
        },
        BadInput("C2", "command line", "a negative --top", exit: 64, expect: "--top") { m in
            try m.run(["report", "--top=-3"])
        },
        BadInput("C3", "command line", "a format the command does not offer", exit: 64, expect: "csv") { m in
            try m.run(["report", "--format", "csv"])
        },
        BadInput("C4", "command line", "rewrite --in-place together with --sql", exit: 64, expect: "--sql") { m in
            try m.run(["rewrite", "--in-place", "--sql", "x.sql", "--dialect", "sqlite"])
        },
        BadInput("C5", "command line", "run --until a stage that does not exist", exit: 64, expect: "deploy") { m in
            try m.run(["run", "--until", "deploy"])
        },
    ]

    static var all: [BadInput] { manifest + sources + policies + reviews + targets + databases + commandLine }

    /// Rewrites the review sheet's rows (UTF-8 with a BOM, CRLF: as `plan --export` writes it).
    static func editSheet(_ m: RewriteMigration, _ change: (inout [[String]]) -> Void) throws {
        let path = m.dir + "/review.csv"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var rows = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.components(separatedBy: ",") }
        change(&rows)
        try ("\u{FEFF}" + rows.map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
    }
}
