import AttacheCatalog
import AttacheModel
import AttacheTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import AttacheReport

/// The HTML report (`attache report --format html`): every number it shows is a value of the
/// JSON report at the pointer it names, the page loads nothing, data is escaped, charts draw
/// something or are left out, stages not run say so, and two renders are the same bytes.
@Suite(.timeLimit(.minutes(5))) struct HTMLReportTests {
    /// A name that would run a script, break an attribute and start an entity if not escaped.
    static let hostile = "crm <script>alert(\"x\")</script> & 'co'"
    static let hostileFile = "<b>&\"odd\".pdf"
    static let notUTF8 = RawPath(bytes: [0x6E, 0xFF, 0x2E, 0x74, 0x78, 0x74])   // n\xFF.txt

    // MARK: every figure is the JSON's

    @Test func everyFigureIsTheJSONValueAtItsPointer() throws {
        let s = Scratch("html-figures")
        let d = try Self.fullData(s)
        let (html, json) = Self.render(d)
        let doc = try Self.xml(html)
        let figures = try Self.figures(doc)
        #expect(figures.count >= 200, "only \(figures.count) figures")
        for f in figures {
            let value = Self.resolve(f.pointer, in: json)
            #expect(value != nil, "\(f.pointer) is not in the JSON")
            guard let value else { continue }
            switch f.format {
            case "count", "bytes":
                let n = try #require((value as? NSNumber)?.int64Value, "\(f.pointer) is not a number")
                #expect(f.value == String(n), "\(f.pointer): data-value \(f.value), JSON \(n)")
                #expect(f.text == (f.format == "count" ? groupedDigits(n) : ByteCount(n).description), "\(f.pointer) shows \(f.text)")
            case "text":
                #expect(value as? String == f.value, "\(f.pointer): data-value \(f.value), JSON \(value)")
                #expect(f.text == f.value, "\(f.pointer) shows \(f.text)")
            case "flag":
                let b = try #require(value as? Bool, "\(f.pointer) is not a boolean")
                #expect(f.value == String(b) && !f.text.isEmpty, "\(f.pointer)")
            default:
                Issue.record("\(f.pointer): unknown data-format \(f.format)")
            }
        }
        let pointers = Set(figures.map(\.pointer))
        for key in ["/totals/files", "/totals/bytes", "/duplicates/reclaimable_bytes", "/by_category/0/label", "/by_year/0/bytes",
                    "/by_top_folder/0/label", "/largest/0/path", "/problems/total", "/problems/items/0/path",
                    "/references/total", "/references/by_status/resolved", "/references/not_resolved", "/references/orphans",
                    "/sources/0/name", "/sources/0/by_status/missing", "/unresolved/paths", "/unresolved/top/0/path",
                    "/unresolved/top/0/records/0", "/parents/parents", "/parents/top/0/label",
                    "/plan/summary/quota", "/plan/summary/landing_bytes", "/plan/summary/feasible", "/plan/summary/by_action/keep/bytes",
                    "/plan/summary/by_rule/rule~1with~0slash/bytes", "/plan/renamed", "/plan/renamed_top/0/destination",
                    "/plan/overflow/files", "/plan/overflow_top/0/path", "/plan/overrides/files", "/plan/warnings/6",
                    "/relocation/by_placement/placed/files", "/relocation/failed_steps", "/verify/target/ok", "/verify/references/checked",
                    "/rewrite/totals/rewritten", "/rewrite/attention", "/rewrite/by_source/0/source", "/rewrite/by_source/0/references"] {
            #expect(pointers.contains(key), "the page does not show \(key)")
        }
        // Names of members (rules, placements) point at members that exist; derived numbers name real values.
        for k in try Self.attribute("data-json-key", doc) {
            #expect(Self.resolve(k.value, in: json) != nil, "data-json-key \(k.value) is not in the JSON")
            #expect(k.text == Self.lastToken(k.value), "\(k.value) shows \(k.text)")
        }
        let derived = try Self.attribute("data-derived", doc)
        #expect(!derived.isEmpty)
        for d in derived {
            for p in d.value.split(separator: " ") { #expect(Self.resolve(String(p), in: json) != nil, "data-derived names \(p)") }
        }
    }

    @Test func noNumberIsShownOutsideAFigure() throws {
        let s = Scratch("html-digits")
        let (html, _) = Self.render(try Self.fullData(s))
        let doc = try Self.xml(html)
        let loose = try doc.nodes(forXPath: """
            //text()[not(ancestor::*[@data-json or @data-derived or @data-json-key]) and not(ancestor::style) and not(ancestor::script)]
            """).compactMap(\.stringValue)
        #expect(loose.count > 100)
        // "UTF-8" is the one word with a digit the page's own vocabulary has (a problem's meaning).
        for text in loose where text.replacingOccurrences(of: "UTF-8", with: "").contains(where: \.isNumber) {
            Issue.record("a number without its pointer: \(text)")
        }
    }

    // MARK: self-contained

    @Test func thePageLoadsNothingAndIsWellFormed() throws {
        let s = Scratch("html-self")
        let (html, _) = Self.render(try Self.fullData(s))
        let doc = try Self.xml(html)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        for a in try doc.nodes(forXPath: "//@*") {
            let name = a.name ?? "", value = a.stringValue ?? ""
            #expect(name != "src", "src=\"\(value)\"")
            if name == "href" { #expect(value.hasPrefix("#"), "href=\"\(value)\"") }
            if name != "data-value" { #expect(!value.lowercased().contains("http"), "\(name)=\"\(value)\"") }
            if value.contains("url(") { #expect(value.hasPrefix("url(#"), "\(name)=\"\(value)\"") }
        }
        for code in try doc.nodes(forXPath: "//style | //script").compactMap(\.stringValue) {
            #expect(!code.contains("url(") && !code.contains("@import") && !code.lowercased().contains("http"))
        }
        #expect(try doc.nodes(forXPath: "//img | //link | //iframe | //object | //embed").isEmpty)
        #expect(try doc.nodes(forXPath: "//script").count == 1, "one script: the table sorter")
        let script = try #require(try doc.nodes(forXPath: "//script").first?.stringValue)
        #expect(script.split(separator: "\n").count <= 30)
        #expect(html.utf8.count < 300_000)
    }

    @Test func chartsDrawShapesAndTablesHaveRows() throws {
        let s = Scratch("html-charts")
        let (html, _) = Self.render(try Self.fullData(s))
        let doc = try Self.xml(html)
        let charts = try doc.nodes(forXPath: "//svg").compactMap { $0 as? XMLElement }
        #expect(charts.count >= 10)
        var names = Set<String>()
        for svg in charts {
            let name = svg.attribute(forName: "data-chart")?.stringValue ?? ""
            #expect(svg.attribute(forName: "class")?.stringValue == "chart" && !name.isEmpty)
            #expect(names.insert(name).inserted, "two charts named \(name)")
            #expect(svg.attribute(forName: "role")?.stringValue == "img")
            let label = svg.attribute(forName: "aria-label")?.stringValue ?? ""
            #expect(label.count > 10, "\(name) has no aria-label")
            #expect(try !svg.nodes(forXPath: "title").isEmpty, "\(name) has no title")
            let shapes = try svg.nodes(forXPath: ".//rect[not(ancestor::clipPath)]").compactMap { $0 as? XMLElement }.filter {
                (Double($0.attribute(forName: "width")?.stringValue ?? "") ?? 0) > 0
                    && (Double($0.attribute(forName: "height")?.stringValue ?? "") ?? 0) > 0
                    && !["none", "transparent", nil].contains($0.attribute(forName: "fill")?.stringValue)
            }
            #expect(!shapes.isEmpty, "chart \(name) draws nothing")
        }
        for expected in ["category-bytes", "category-files", "years", "top-folders", "references-by-source", "quota", "plan-actions",
                         "plan-rules", "placement", "rewrite-by-source"] {
            #expect(names.contains(expected), "no chart \(expected)")
        }
        let tables = try doc.nodes(forXPath: "//table")
        #expect(tables.count >= 15)
        for t in tables {
            #expect(try t.nodes(forXPath: "tbody/tr").count >= 1, "a table without rows")
            #expect(try t.nodes(forXPath: "thead/tr/th[@scope='col']").count >= 2)
            #expect(try t.nodes(forXPath: "caption").count == 1)
        }
        // Headings in order: one h1, then h2 sections with h3 cards.
        let headings = try doc.nodes(forXPath: "//h1 | //h2 | //h3").compactMap(\.name)
        #expect(headings.first == "h1" && headings.filter { $0 == "h1" }.count == 1 && headings.dropFirst().first == "h2")
    }

    @Test func noChartForAllZeroData() throws {
        let s = Scratch("html-zero")
        let c = try scannedCatalog([.file("e1", []), .file("e2", [])], in: s)
        var d = try MigrationReportData.load(c)
        d.relocation = RelocationFigures(run: 1, plan: 1, target: "/t", status: .completed, startedAt: "2026-01-01T00:00:00Z", finishedAt: nil,
                                         counts: [:], byPlacement: [:], failed: 0)
        d.rewrite = RewriteFigures(run: 1, mode: "copy", status: .completed, output: "/o", startedAt: "2026-01-01T00:00:00Z", finishedAt: nil,
                                   revertedBy: nil, bySource: [:])
        let (html, _) = Self.render(d)
        let doc = try Self.xml(html)
        let names = try doc.nodes(forXPath: "//svg").compactMap { ($0 as? XMLElement)?.attribute(forName: "data-chart")?.stringValue }
        #expect(!names.contains("category-bytes") && !names.contains("years") && !names.contains("top-folders"), "\(names)")
        #expect(names.contains("category-files"), "two empty files are still files")
        #expect(!names.contains("placement") && !names.contains("rewrite-by-source"))
        for sentence in ["No bytes to show: every file is empty.", "The mapping holds no file for this target yet.", "The rewrite met no reference."] {
            #expect(html.contains(sentence), "missing: \(sentence)")
        }
        for t in try doc.nodes(forXPath: "//table") { #expect(try t.nodes(forXPath: "tbody/tr").count >= 1) }
    }

    // MARK: escaping

    @Test func dataIsEscapedNeverRaw() throws {
        let s = Scratch("html-escape")
        let (html, _) = Self.render(try Self.fullData(s))
        _ = try Self.xml(html)   // well-formed: no markup came in with the data
        #expect(!html.contains("<script>alert"), "a source name reached the page raw")
        #expect(html.contains("crm &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"))
        #expect(!html.contains("<b>&"), "a file name reached the page raw")
        #expect(html.contains("&lt;b&gt;&amp;&quot;odd&quot;.pdf"))
        #expect(html.contains("n\\xFF.txt"), "a name that is not UTF-8 is shown with its byte escaped")
        #expect(html.components(separatedBy: "<script").count == 2, "the page's own script only")
        #expect(html.contains(">d/two&#10;lines&#9;.txt<"), "line breaks are kept, as character references")
        #expect(HTML.attribute("a\u{1}b<\"'&\n") == "a\u{FFFD}b&lt;&quot;&#39;&amp;&#10;")
    }

    // MARK: stages not run

    @Test func aScanOnlyCatalogSaysWhichStagesHaveNotRun() throws {
        let s = Scratch("html-scan-only")
        let c = try scannedCatalog([.file("a.pdf", Fixtures.pdf)], in: s)
        let (html, _) = Self.render(try MigrationReportData.load(c))
        let doc = try Self.xml(html)
        let notRun = try doc.nodes(forXPath: "//p[@class='notrun']").compactMap(\.stringValue)
        for command in ["attache refs", "attache plan", "attache apply", "attache verify", "attache rewrite", "attache verify --references"] {
            #expect(notRun.contains { $0.hasPrefix("Not run yet — run \(command) to") }, "no 'not run yet' for \(command): \(notRun)")
        }
        #expect(!notRun.contains { $0.contains("attache scan") })
        #expect(html.contains("data-json=\"/totals/files\""))
    }

    @Test func anEmptyCatalogAsksForAScan() throws {
        let s = Scratch("html-empty")
        let c = try Catalog(path: s.join("attache.db"))
        let (html, _) = Self.render(try MigrationReportData.load(c))
        #expect(html.contains("Not run yet — run <code>attache scan</code>"))
        _ = try Self.xml(html)
    }

    // MARK: deterministic, bounded

    @Test func twoRendersAreTheSameAndShowOnlyTheCatalogsTimes() throws {
        let s = Scratch("html-same")
        let d = try Self.fullData(s)
        let (a, json) = Self.render(d)
        let (b, _) = Self.render(d)
        #expect(a == b)
        var again = StringSink()
        HTMLReport.page(try MigrationReportData.load(try Catalog(path: s.join("attache.db"))), to: &again)
        var once = StringSink()
        HTMLReport.page(try MigrationReportData.load(try Catalog(path: s.join("attache.db"))), to: &once)
        #expect(again.text == once.text, "loaded twice from the catalog")
        let strings = Set(Self.strings(json))
        let re = try NSRegularExpression(pattern: #"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?"#)
        let times = re.matches(in: a, range: NSRange(a.startIndex..., in: a)).map { String(a[Range($0.range, in: a)!]) }
        #expect(!times.isEmpty)
        for t in times { #expect(strings.contains { $0.hasPrefix(t) }, "\(t) is not a time of the catalog") }
    }

    @Test func listsAreTopNNeverOneRowPerFile() throws {
        let s = Scratch("html-top")
        let nodes = (0..<30).map { Node.text("folder\($0)/f.txt", String(repeating: "x", count: $0 + 1)) }
        let c = try scannedCatalog(nodes, in: s)
        let (html, _) = Self.render(try MigrationReportData.load(c, top: 5))
        let doc = try Self.xml(html)
        let folders = try Self.figures(doc).filter { $0.pointer.hasPrefix("/by_top_folder/") && $0.pointer.hasSuffix("/label") }
        #expect(!folders.isEmpty)
        #expect(Set(folders.map(\.pointer)).count == 5, "\(folders.map(\.pointer))")
    }
}

// MARK: - the data and how the page is read back

extension HTMLReportTests {
    /// A catalog with every section filled: files (a hostile name, a name that is not UTF-8,
    /// duplicates, a FIFO), references from two sources (resolved, missing, from a deleted
    /// record; one keeps parent fields), a plan with a quota, a renamed file, overflow, an
    /// override and seven warnings; apply, verify and rewrite figures set on the loaded data.
    static func fullData(_ s: Scratch) throws -> MigrationReportData {
        let c = try scannedCatalog([
            .file("a/" + hostileFile, Fixtures.pdf, mtime: 1_400_000_000), .file("a/copy.pdf", Fixtures.pdf, mtime: 1_300_000_000),
            .file("b/logo.png", Fixtures.png, mtime: 1_200_000_000), .file(RawPath("c").appending(notUTF8), Array("z".utf8)), .fifo("pipe"),
            .text("d/two\nlines\t.txt", "a name with a line break and a tab"),
        ], in: s)
        func file(_ p: String) throws -> FileRecord { try #require(try c.files(matching: p).first, "no \(p)") }
        let odd = try file("a/" + hostileFile), copy = try file("a/copy.pdf"), logo = try file("b/logo.png"), pipe = try file("pipe")
        let raw = try file("c/n\\xFF.txt")
        func row(_ key: String, _ status: ReferenceStatus, _ f: FileRecord?, path: String = "x", deleted: Bool = false) -> ReferenceRow {
            ReferenceRow(recordKey: key, recordPosition: "row \(key)", column: "file", kind: .composed, raw: path, pathText: path,
                         spanStart: nil, spanEnd: nil, style: .posix, status: status, match: status == .resolved ? .exact : nil,
                         reason: status == .resolved ? nil : "no file \(path) <here>", rootID: f?.rootID, fileID: f?.id, candidates: 0,
                         deleted: deleted, modified: nil, fields: "{\"account\":\"Acme & <Co>\"}")
        }
        let (run, _, _) = try c.beginRefsRun(version: "test")
        _ = try c.replaceReferences(source: hostile, kind: "sqlite", location: "crm.db", fingerprint: "f", run: run, fields: ["account"],
                                    records: { 5 }) { w in
            try w.add(row("1", .resolved, odd)); try w.add(row("2", .resolved, logo)); try w.add(row("3", .resolved, copy, deleted: true))
            try w.add(row("4", .missing, nil, path: "gone/<lost>.pdf")); try w.add(row("5", .special, pipe, path: "pipe"))
        }
        _ = try c.replaceReferences(source: "notes", kind: "text_files", location: "notes", fingerprint: "g", run: run, records: { 1 }) { w in
            try w.add(row("n1", .missing, nil, path: "gone/<lost>.pdf"))
        }
        try c.finishRefsRun(run, status: .completed, sourcesExtracted: 2, resolvedAgain: 0)
        try storePlan(c, odd: odd, copy: copy, logo: logo, raw: raw, pipe: pipe)
        var d = try MigrationReportData.load(c)
        d.relocation = RelocationFigures(
            run: 4, plan: 1, target: "/new/storage", status: .completed, startedAt: "2026-03-01T10:00:00Z", finishedAt: "2026-03-01T10:05:00Z",
            counts: ["copy": FileTotal(files: 2, bytes: 300), "archives": FileTotal(files: 1, bytes: 120)],
            byPlacement: [.placed: FileTotal(files: 2, bytes: 300), .archived: FileTotal(files: 1, bytes: 120), .dropped: FileTotal(files: 2, bytes: 0)],
            failed: 1)
        d.verifyTarget = VerificationRecord(kind: .target, target: "/new/storage", at: "2026-03-01T11:00:00Z", fast: false, checked: 3,
                                            bytes: 420, differences: ["changed": 1])
        d.rewrite = RewriteFigures(run: 2, mode: "copy", status: .completed, output: "/rewritten", startedAt: "2026-03-02T09:00:00Z",
                                   finishedAt: "2026-03-02T09:01:00Z", revertedBy: nil,
                                   bySource: [hostile: [.rewritten: 2, .unresolved: 1, .tombstoned: 1], "notes": [.unresolved: 1]])
        d.verifyReferences = VerificationRecord(kind: .references, target: "/new/storage", at: "2026-03-02T10:00:00Z", fast: false,
                                                checked: 4, bytes: 0, differences: [:])
        return d
    }

    private static func storePlan(_ c: Catalog, odd: FileRecord, copy: FileRecord, logo: FileRecord, raw: FileRecord, pipe: FileRecord) throws {
        var summary = PlanSummary()
        summary.totalBytes = 1_000; summary.keptBytes = 400; summary.archivedBytes = 500; summary.archiveEstimateBytes = 50
        summary.landingBytes = 450; summary.quota = ByteCount(Int64(2_000)); summary.feasible = true
        summary.byAction = [.keep: .init(files: 2, bytes: 400), .archive: .init(files: 1, bytes: 500), .drop: .init(files: 2, bytes: 100)]
        summary.byRule = ["rule/with~slash": .init(files: 1, bytes: 300), "overflow": .init(files: 1, bytes: 500),
                          "override": .init(files: 1, bytes: 100), "duplicates": .init(files: 1, bytes: 50), "unmovable": .init(files: 1, bytes: 50)]
        summary.byCategory = ["pdf": .init(files: 2, bytes: 600)]
        let decisions = [
            Decision(fileID: odd.id, action: .keep, rule: "rule/with~slash", reason: "kept: <rule>", targetPath: "pdf/odd.pdf", notes: ["renamed: was <b>"]),
            Decision(fileID: copy.id, action: .drop, rule: "duplicates", reason: "a copy", targetPath: nil),
            Decision(fileID: logo.id, action: .archive, rule: "overflow", reason: "archived: overflow", targetPath: nil, archivePath: "_archive/a.tar.zst"),
            Decision(fileID: raw.id, action: .keep, rule: "override", reason: "the review says keep", targetPath: "text/n.txt"),
            Decision(fileID: pipe.id, action: .drop, rule: "unmovable", reason: "a FIFO", targetPath: nil),
        ]
        let warnings = (1...7).map { "warning \($0): rule 'x<\($0)>' matched no file" }
        _ = try #require(try c.storePlan(policyFile: "policies/<cloud>.yaml", policyPath: nil, policyName: nil, summary: summary,
                                         warnings: warnings, decisions: decisions))
    }

    /// The page and the JSON of the same data (the JSON parsed).
    static func render(_ d: MigrationReportData) -> (html: String, json: Any) {
        var html = StringSink(), json = StringSink()
        HTMLReport.page(d, to: &html)
        MigrationReport.json(d, to: &json)
        return (html.text, (try? JSONSerialization.jsonObject(with: Data(json.text.utf8))) ?? [:])
    }

    /// The page read as XML (it is written to be well-formed).
    static func xml(_ html: String) throws -> XMLDocument {
        try XMLDocument(data: Data(html.utf8), options: [])
    }

    struct Shown { var pointer: String; var value: String; var format: String; var text: String }

    /// Every element with `data-json`: its pointer, `data-value`, `data-format` and text (which
    /// must be text only: no element inside a figure).
    static func figures(_ doc: XMLDocument) throws -> [Shown] {
        try doc.nodes(forXPath: "//*[@data-json]").compactMap { $0 as? XMLElement }.map { e in
            #expect((e.children ?? []).allSatisfy { $0.kind == .text }, "an element inside a figure: \(e.xmlString)")
            return Shown(pointer: e.attribute(forName: "data-json")?.stringValue ?? "", value: e.attribute(forName: "data-value")?.stringValue ?? "<none>",
                         format: e.attribute(forName: "data-format")?.stringValue ?? "", text: e.stringValue ?? "")
        }
    }

    /// Every element with attribute `name`: (its value, the element's text).
    static func attribute(_ name: String, _ doc: XMLDocument) throws -> [(value: String, text: String)] {
        try doc.nodes(forXPath: "//*[@\(name)]").compactMap { $0 as? XMLElement }.map {
            ($0.attribute(forName: name)?.stringValue ?? "", $0.stringValue ?? "")
        }
    }

    /// RFC 6901: the value at `pointer` in `json`, or nil.
    static func resolve(_ pointer: String, in json: Any) -> Any? {
        guard pointer.hasPrefix("/") else { return pointer.isEmpty ? json : nil }
        var value: Any = json
        for token in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let o = value as? [String: Any], let v = o[key] {
                value = v
            } else if let a = value as? [Any], let i = Int(key), a.indices.contains(i) {
                value = a[i]
            } else {
                return nil
            }
        }
        return value is NSNull ? nil : value
    }

    static func lastToken(_ pointer: String) -> String {
        String(pointer.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
            .replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    /// Every string in `json`.
    static func strings(_ json: Any) -> [String] {
        if let s = json as? String { return [s] }
        if let a = json as? [Any] { return a.flatMap(strings) }
        if let o = json as? [String: Any] { return o.values.flatMap(strings) }
        return []
    }
}
