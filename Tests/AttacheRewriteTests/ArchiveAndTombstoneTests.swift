import AttacheModel
@testable import AttacheRewrite
import Testing

/// Archive members (the template, default `{archive}#{member}`) and dropped files (keep, flag,
/// tombstone), each row an exact text.
@Suite struct ArchiveAndTombstoneTests {
    static let member = NewLocation.archiveMember(archivePath: "archives/2014.zip", member: "scans/Акт 1.pdf")
    static let acte = "%D0%90%D0%BA%D1%82%201.pdf"

    static let archiveRows: [Row] = [
        Row(Addr.sharePoint, member, .plain, .drive,
            "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/archives/2014.zip#scans/\(acte)"),
        Row(Addr.unc, member, .plain, .unc, #"\\NEWSRV\crm\archives\2014.zip#scans/Акт 1.pdf"#),
        Row(Addr.unc, member, .linkAttribute, nil, "file://NEWSRV/crm/archives/2014.zip#scans/\(acte)"),
        Row(Addr.posix, .archiveMember(archivePath: "a/old & new.zip", member: "x#1.pdf"), .htmlText, nil,
            "/srv/crm/a/old &amp; new.zip#x#1.pdf"),
        Row(Addr.drive, .archiveMember(archivePath: "a.zip", member: "/dir//x.pdf"), .linkAttribute, .fileURL,
            "file:///Z:/crm/a.zip#dir/x.pdf"),
    ]

    @Test(arguments: archiveRows)
    func archiveMemberWithTheDefaultTemplate(row: Row) {
        let spelling = LocationSpelling(address: row.address)
        #expect(replacement(spelling.spell(row.location, in: row.context, original: row.original)) == row.expected)
    }

    @Test func archiveMemberWithAConfiguredTemplate() throws {
        let template = try ArchiveMemberTemplate("{archive}?member={member}&view=1")
        let spelling = LocationSpelling(address: Addr.sharePoint, archiveMember: template)
        let base = "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/archives/2014.zip"
        #expect(replacement(spelling.spell(Self.member, in: .plain)) == "\(base)?member=scans/\(Self.acte)&view=1")
        #expect(replacement(spelling.spell(Self.member, in: .linkAttribute)) == "\(base)?member=scans/\(Self.acte)&amp;view=1")
    }

    @Test(arguments: [
        ("{archive}", "has no '{member}'"),
        ("{member}", "has no '{archive}'"),
        ("{archive}#{file}", "unknown placeholder '{file}'"),
        ("{archive#{member}", "'{' at character 1 is not closed by '}'"),
        ("{archive}#{member", "is not closed"),
        ("{archive}}#{member}", "closes nothing"),
    ])
    func badArchiveTemplates(text: String, fragment: String) {
        do {
            _ = try ArchiveMemberTemplate(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect(error.kind == .invalidTemplate)
            #expect(error.message.contains(fragment), "'\(fragment)' not in: \(error.message)")
        }
    }

    @Test func literalBracesInATemplate() throws {
        let t = try SpellingTemplate("{{{name}}}", placeholders: ["name"])
        #expect(t.expand(["name": "x"]) == "{x}")
    }

    @Test func anEmptyMemberCannotBeSpelled() {
        let result = LocationSpelling(address: Addr.unc).spell(.archiveMember(archivePath: "a.zip", member: "/"), in: .plain)
        #expect(result == .failure(SpellingError(.emptyLocation, "the archive member has no name")))
    }

    // MARK: dropped files

    static let dropped = NewLocation.dropped(DroppedFile(name: "Smith & Sons <draft>.pdf",
                                                         oldText: #"K:\scans\Smith & Sons <draft>.pdf"#, rule: "old-drafts"))

    @Test(arguments: [
        (SpellingContext.plain, "[file removed in the migration: Smith & Sons <draft>.pdf]"),
        (.htmlText, "[file removed in the migration: Smith &amp; Sons &lt;draft&gt;.pdf]"),
        (.linkAttribute, "#attachment-removed"),
    ])
    func standardTombstone(context: SpellingContext, expected: String) throws {
        let spelling = LocationSpelling(address: Addr.unc, dropped: .tombstone(try Tombstone()))
        #expect(replacement(spelling.spell(Self.dropped, in: context, original: .drive)) == expected)
    }

    @Test func configuredTombstoneFillsEveryPlaceholder() throws {
        let tombstone = try Tombstone(text: "REMOVED ({rule}): {old}", link: "https://intranet.example/removed?rule={rule}&name={name}")
        let spelling = LocationSpelling(address: Addr.sharePoint, dropped: .tombstone(tombstone))
        #expect(replacement(spelling.spell(Self.dropped, in: .plain)) == #"REMOVED (old-drafts): K:\scans\Smith & Sons <draft>.pdf"#)
        #expect(replacement(spelling.spell(Self.dropped, in: .linkAttribute))
            == "https://intranet.example/removed?rule=old-drafts&amp;name=Smith%20%26%20Sons%20%3Cdraft%3E.pdf")
    }

    @Test func keepAndFlagLeaveTheText() {
        #expect(LocationSpelling(address: Addr.unc, dropped: .keep).spell(Self.dropped, in: .plain) == .success(.keep))
        #expect(LocationSpelling(address: Addr.unc, dropped: .flag).spell(Self.dropped, in: .htmlText) == .success(.flag))
        #expect(LocationSpelling(address: Addr.unc).dropped == .flag)
    }

    @Test func badTombstoneTemplate() {
        #expect(throws: SpellingError.self) { try Tombstone(text: "gone: {path}") }
        #expect(throws: SpellingError.self) { try Tombstone(link: "#gone-{") }
    }
}
