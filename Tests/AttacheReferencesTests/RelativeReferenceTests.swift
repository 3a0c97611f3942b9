import AttacheCatalog
import AttacheConfig
import AttacheModel
import AttacheRecords
import Testing
@testable import AttacheReferences

/// Bare relative paths in the text of a source with `relative_base`: resolved against it, their
/// start in prose chosen with the catalog (the longest start naming a scanned file).
@Suite struct RelativeReferenceTests {
    let share = ResolverRoot(id: 1, path: "/mnt/share", aliases: ["\\\\FILESRV01\\CRM\\"], caseInsensitive: true)

    func resolver(_ files: [String]) -> Resolver {
        Resolver(roots: [share], files: files.enumerated().map { IndexedFile(id: Int64($0.offset + 1), rootID: 1, path: RawPath($0.element), status: .ok) },
                 parse: PathGrammar.parse)
    }

    func plan(relativeBase: String?, base: String? = nil) throws -> SourcePlan {
        var spec = SourceSpec(name: "notes", kind: .sqlite(database: "/nowhere.db"), table: "notes", key: ["id"], text: ["body"],
                              base: base, root: "/mnt/share")
        spec.relativeBase = relativeBase
        return try SourcePlan(spec)
    }

    func rows(_ body: String, plan: SourcePlan, files: [String]) -> [ReferenceRow] {
        let record = SourceRecord(key: ["1"], fields: ["body": body], position: "row 1")
        return ReferencesEngine.extract(record, plan: plan, base: plan.base.flatMap(PathGrammar.parse),
                                        textBase: plan.textBase.flatMap(PathGrammar.parse), resolver: resolver(files),
                                        posixPrefixes: [])
    }

    @Test func theLongestStartNamingAScannedFileIsChosen() throws {
        let body = "see Договоры/АО Вектор/акт 3.pdf"
        let plan = try plan(relativeBase: "\\\\FILESRV01\\CRM\\")
        // The scanned folder's name begins with a word of the sentence: "see Договоры".
        let rows = rows(body, plan: plan, files: ["Notes/x.txt", "see Договоры/АО Вектор/акт 3.pdf"])
        try #require(rows.count == 1)
        #expect(rows[0].status == .resolved && rows[0].fileID == 2)
        #expect(rows[0].raw == body && rows[0].spanStart == 0 && rows[0].spanEnd == body.utf8.count)
        #expect(rows[0].pathText == "./see Договоры/АО Вектор/акт 3.pdf")
        #expect(rows[0].style == .relative && rows[0].kind == .embedded)
    }

    @Test func aPrefixWordThatIsNotPartOfTheNameIsLeftOut() throws {
        let body = "Акт подписан, лежит в Договоры/АО Вектор/акт 3.pdf"
        let plan = try plan(relativeBase: "\\\\FILESRV01\\CRM\\Contracts")
        let rows = rows(body, plan: plan, files: ["Contracts/Договоры/АО Вектор/акт 3.pdf"])
        try #require(rows.count == 1)
        #expect(rows[0].status == .resolved && rows[0].fileID == 1)
        #expect(rows[0].raw == "Договоры/АО Вектор/акт 3.pdf")
        #expect(rows[0].spanStart == "Акт подписан, лежит в ".utf8.count)
        // Nothing scanned matches: the shortest start, missing, with its reason.
        let none = self.rows(body, plan: plan, files: ["Contracts/other.pdf"])
        #expect(none.map(\.raw) == ["Договоры/АО Вектор/акт 3.pdf"])
        #expect(none.first?.status == .missing)
        #expect(none.first?.reason?.contains("Contracts/Договоры/АО Вектор/акт 3.pdf") == true)
    }

    @Test func hrefsResolveAgainstTheRelativeBaseAndComposedRefsAgainstTheBase() throws {
        let plan = try plan(relativeBase: "/mnt/share/Scans", base: "/mnt/share/Other")
        let body = #"<a href="2013/x%20y.pdf">scan</a> <a href="index.php?module=Documents&amp;record=5">doc</a> and .\z.pdf"#
        let rows = rows(body, plan: plan, files: ["Scans/2013/x y.pdf", "Scans/z.pdf"])
        #expect(rows.map(\.raw) == ["2013/x%20y.pdf", #".\z.pdf"#])
        #expect(rows.map(\.status) == [.resolved, .resolved])
    }

    @Test func withoutARelativeBaseBareRelativePathsAreNotReferences() throws {
        // Only `root:` (as presets do): today's behaviour, nothing found.
        let plan = try plan(relativeBase: nil)
        #expect(plan.relativeBase == nil)
        #expect(rows("see Scans/x.pdf and <a href=\"Scans/y.pdf\">y</a>", plan: plan, files: ["Scans/x.pdf", "Scans/y.pdf"]).isEmpty)
    }
}
