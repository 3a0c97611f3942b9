import AttacheModel
import Foundation
import Testing
@testable import AttacheReport

/// `attache plan --format json`, written by JSONWriter with the bytes the hand-made text had.
@Suite struct PlanJSONTests {
    static func file(_ id: Int64, _ path: String) -> FileRecord {
        let stat = FileStat(kind: .regular, size: 1, mtime: Timestamp(nanoseconds: 0), ctime: Timestamp(nanoseconds: 0),
                            key: FileKey(device: 1, inode: UInt64(id)), mode: 0o100644)
        return FileRecord(id: id, rootID: 1, rootPath: "/mnt/share", path: RawPath(path), stat: stat, sha256: nil, mime: nil,
                          category: nil, extensionMismatch: false, status: .ok, problem: nil, problemDetail: nil)
    }

    static let files = [1: file(1, "Счёт \"№5\".pdf"), 2: file(2, "a/b\u{1}.txt"), 3: file(3, "c.doc")]

    static func plan(warnings: [String]) -> Plan {
        var summary = PlanSummary()
        summary.totalBytes = 3; summary.keptBytes = 1
        summary.byAction = [.keep: .init(files: 1, bytes: 1)]
        return Plan(decisions: [Decision(fileID: 1, action: .keep, rule: "r", reason: "kept", targetPath: "x/y")],
                    summary: summary, warnings: warnings)
    }

    func json(_ plan: Plan, withDiff: Bool, _ diff: PlanDiff?) -> String {
        PlanRendering.json(planID: 7, plan: plan, policyFile: "pol/icy.yaml", withDiff: withDiff, diff: diff,
                           file: { Self.files[Int($0)].map { ($0.rootPath, $0.path) } })
    }

    static let head = """
        {"version":1,"plan":7,"policy":"pol/icy.yaml","files":1,"summary":{"total_bytes":3,"kept_bytes":1,\
        "archived_bytes":0,"archive_estimate_bytes":0,"landing_bytes":0,"quota":null,"must_keep_bytes":0,\
        "must_archive_estimate_bytes":0,"feasible":true,"by_action":{"keep":{"files":1,"bytes":1}},\
        "by_rule":{},"by_category":{},"compression":{}},
        """

    @Test func withoutADiffItHasNoDiffField() {
        let out = json(Self.plan(warnings: ["rule 'x' matched nothing", "tab\there \"q\"\u{1}"]), withDiff: false, nil)
        #expect(out == Self.head + "\"warnings\":[\"rule 'x' matched nothing\",\"tab\\there \\\"q\\\"\\u0001\"]}")
        #expect(json(Self.plan(warnings: []), withDiff: true, nil) == Self.head + "\"warnings\":[],\"diff\":null}")
    }

    @Test func theDiffNamesFilesAndBothDecisions() throws {
        var d = PlanDiff()
        d.newFiles = [1]
        d.vanishedFiles = [9, 2]
        let old = DecisionRow(fileID: 3, action: .keep, rule: "keep-all", reason: "", targetPath: "c.doc", archivePath: nil,
                              duplicateOf: nil, notes: "")
        let new = DecisionRow(fileID: 3, action: .archive, rule: "old", reason: "", targetPath: nil, archivePath: "_archive/a.tar.zst",
                              duplicateOf: nil, notes: "")
        d.changed = [(3, old, new)]
        let out = json(Self.plan(warnings: []), withDiff: true, d)
        #expect(out == Self.head + """
            "warnings":[],"diff":{"new":[{"file_id":1,"root":"/mnt/share","path":"Счёт \\"№5\\".pdf"}],\
            "vanished":[{"file_id":9},{"file_id":2,"root":"/mnt/share","path":"a/b\\u0001.txt"}],\
            "changed":[{"file_id":3,"root":"/mnt/share","path":"c.doc",\
            "old":{"action":"keep","rule":"keep-all","target_path":"c.doc","archive_path":null},\
            "new":{"action":"archive","rule":"old","target_path":null,"archive_path":"_archive/a.tar.zst"}}]}}
            """)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let diff = try #require(doc["diff"] as? [String: Any])
        #expect((diff["new"] as? [[String: Any]])?.first?["path"] as? String == "Счёт \"№5\".pdf")
    }
}
