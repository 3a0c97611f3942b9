import AttacheModel
@testable import AttacheRewrite
import Testing

/// Each row: an address, a new location, the reference's context and the record's style → the
/// exact replacement text (Documentation/Rewrite.md lists the same rules).
@Suite struct LocationSpellingTests {
    static let contract = "pdf/2019/Contract Miller.pdf"
    static let smith = "Smith & Sons #4/100% done.pdf"

    static let urlRows: [Row] = [
        Row(Addr.sharePoint, contract, .plain, .drive,
            "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/pdf/2019/Contract%20Miller.pdf"),
        Row(Addr.sharePoint, contract, .linkAttribute, .unc,
            "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/pdf/2019/Contract%20Miller.pdf"),
        Row(Addr.sharePoint, "Smith & Sons #4/O'Brien.pdf", .linkAttribute, nil,
            "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/Smith%20%26%20Sons%20%234/O%27Brien.pdf"),
        Row(Addr.sharePoint, "100% + tax?.pdf", .htmlText, .drive,
            "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/100%25%20%2B%20tax%3F.pdf"),
        Row(Addr.sharePoint, "Договоры/АО Вектор/акт 3.pdf", .plain, .unc,
            "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/%D0%94%D0%BE%D0%B3%D0%BE%D0%B2%D0%BE%D1%80%D1%8B/"
                + "%D0%90%D0%9E%20%D0%92%D0%B5%D0%BA%D1%82%D0%BE%D1%80/%D0%B0%D0%BA%D1%82%203.pdf"),
        Row(Addr.sharePoint, "合同/合同 2019.pdf", .linkAttribute, .fileURL,
            "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/%E5%90%88%E5%90%8C/%E5%90%88%E5%90%8C%202019.pdf"),
        Row(Addr.sharePoint, "notes/Report v2.", .plain, .drive,
            "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/notes/Report%20v2."),
        Row(Addr.sharePoint, "a:b.pdf", .plain, nil, "https://tenant.sharepoint.com/sites/crm/Shared%20Documents/a%3Ab.pdf"),
        // The address's own `&` is kept in the URL, so HTML contexts escape it.
        Row(Addr.ampersand, "a b.pdf", .plain, nil, "https://docs.example.com/R&D/a%20b.pdf"),
        Row(Addr.ampersand, "a b.pdf", .linkAttribute, nil, "https://docs.example.com/R&amp;D/a%20b.pdf"),
        Row(Addr.ampersand, "a b.pdf", .htmlText, nil, "https://docs.example.com/R&amp;D/a%20b.pdf"),
        // A file: URL address is a URL whatever the record wrote.
        Row(Addr.fileURL, contract, .plain, .drive, "file:///srv/crm/pdf/2019/Contract%20Miller.pdf"),
    ]

    static let shareRows: [Row] = [
        Row(Addr.unc, contract, .plain, .drive, #"\\NEWSRV\crm\pdf\2019\Contract Miller.pdf"#),
        Row(Addr.unc, smith, .plain, .unc, #"\\NEWSRV\crm\Smith & Sons #4\100% done.pdf"#),
        Row(Addr.unc, smith, .htmlText, .unc, #"\\NEWSRV\crm\Smith &amp; Sons #4\100% done.pdf"#),
        Row(Addr.unc, smith, .linkAttribute, nil, "file://NEWSRV/crm/Smith%20%26%20Sons%20%234/100%25%20done.pdf"),
        Row(Addr.unc, smith, .linkAttribute, .fileURL, "file://NEWSRV/crm/Smith%20%26%20Sons%20%234/100%25%20done.pdf"),
        // The record wrote a bare path in its href: it stays bare, HTML-escaped.
        Row(Addr.unc, "Smith & Sons #4/O'Brien.pdf", .linkAttribute, .unc, #"\\NEWSRV\crm\Smith &amp; Sons #4\O&#39;Brien.pdf"#),
        Row(Addr.unc, contract, .plain, .fileURL, "file://NEWSRV/crm/pdf/2019/Contract%20Miller.pdf"),
        Row(Addr.unc, "Договоры/АО Вектор/акт 3.pdf", .plain, .unc, #"\\NEWSRV\crm\Договоры\АО Вектор\акт 3.pdf"#),
        Row(Addr.unc, "a+b/x.pdf", .plain, .unc, #"\\NEWSRV\crm\a+b\x.pdf"#),
        Row(Addr.drive, contract, .plain, .unc, #"Z:\crm\pdf\2019\Contract Miller.pdf"#),
        Row(Addr.drive, contract, .linkAttribute, nil, "file:///Z:/crm/pdf/2019/Contract%20Miller.pdf"),
        Row(Addr.drive, "100% + tax.pdf", .htmlText, .fileURL, "file:///Z:/crm/100%25%20%2B%20tax.pdf"),
        Row(Addr.drive, "合同/合同 2019.pdf", .htmlText, .drive, #"Z:\crm\合同\合同 2019.pdf"#),
        Row(Addr.drive, "a+b.pdf", .plain, nil, #"Z:\crm\a+b.pdf"#),
        Row(Addr.posix, contract, .plain, .posix, "/srv/crm/pdf/2019/Contract Miller.pdf"),
        Row(Addr.posix, contract, .linkAttribute, nil, "file:///srv/crm/pdf/2019/Contract%20Miller.pdf"),
        Row(Addr.posix, "Smith & Sons.pdf", .linkAttribute, .posix, "/srv/crm/Smith &amp; Sons.pdf"),
        Row(Addr.posix, "notes/Report v2.", .plain, .drive, "/srv/crm/notes/Report v2."),
        Row(Addr.posix, "a\nb.pdf", .linkAttribute, nil, "file:///srv/crm/a%0Ab.pdf"),
        Row(try! TargetAddress(#"Z:\"#), "x.pdf", .plain, nil, #"Z:\x.pdf"#),
        Row(try! TargetAddress("/"), "x.pdf", .linkAttribute, nil, "file:///x.pdf"),
    ]

    @Test(arguments: urlRows + shareRows)
    func spellsExactly(row: Row) {
        let spelling = LocationSpelling(address: row.address)
        #expect(replacement(spelling.spell(row.location, in: row.context, original: row.original)) == row.expected)
    }

    @Test(arguments: [
        (Addr.unc, "notes/Report v2.", SpellingContext.plain, SpellingError.Kind.windowsName, "ends with a dot"),
        (Addr.drive, "notes/Report v2 ", .linkAttribute, .windowsName, "ends with a space"),
        (Addr.unc, "a:b.pdf", .plain, .windowsName, "holds ':'"),
        (Addr.drive, #"a\b.pdf"#, .linkAttribute, .windowsName, #"holds '\'"#),
        (Addr.unc, "x?y.pdf", .htmlText, .windowsName, "holds '?'"),
        (Addr.posix, "a\nb.pdf", .plain, .controlCharacter, "control character"),
        (Addr.posix, "a\tb.pdf", .htmlText, .controlCharacter, "control character"),
        (Addr.sharePoint, "../etc/passwd", .plain, .notContained, "'..'"),
        (Addr.posix, "a/./b.pdf", .plain, .notContained, "'.'"),
        (Addr.unc, "", .plain, .emptyLocation, "has no name"),
        (Addr.sharePoint, "//", .linkAttribute, .emptyLocation, "has no name"),
    ])
    func refusesWhatCannotBeSpelled(address: TargetAddress, path: String, context: SpellingContext,
                                     kind: SpellingError.Kind, fragment: String) {
        let result = LocationSpelling(address: address).spell(.file(path: path), in: context, original: nil)
        guard case .failure(let error) = result else {
            Issue.record("expected an error, got \(result)")
            return
        }
        #expect(error.kind == kind)
        #expect(error.message.contains(fragment), "'\(fragment)' not in: \(error.message)")
    }

    @Test func emptyComponentsAreDropped() {
        let spelling = LocationSpelling(address: Addr.posix)
        #expect(replacement(spelling.spell(.file(path: "/a//b.pdf/"), in: .plain)) == "/srv/crm/a/b.pdf")
    }

    @Test func formFollowsTheRecordForSharesOnly() {
        let share = LocationSpelling(address: Addr.unc)
        #expect(share.form(in: .linkAttribute, original: nil) == .fileURL)
        #expect(share.form(in: .plain, original: nil) == .path)
        #expect(share.form(in: .htmlText, original: .fileURL) == .fileURL)
        #expect(share.form(in: .linkAttribute, original: .relative) == .path)
        let url = LocationSpelling(address: Addr.sharePoint)
        for context in SpellingContext.allCases {
            for style in PathStyle.allCases { #expect(url.form(in: context, original: style) == .url) }
        }
    }
}

import AttacheConfig

@Suite struct ManifestSpellingTests {
    @Test func theManifestsAddressIsTheSpellingsAddress() throws {
        let withAddress = try ManifestLoader.parse(
            yaml: "version: 1\nroots: [{path: /a}]\ntarget: {path: /mnt/new, address: '\\\\NEWSRV\\crm\\'}\n", file: "/m/attache.yaml")
        let spelling = try #require(LocationSpelling(manifest: withAddress))
        #expect(replacement(spelling.spell(.file(path: "a/b.pdf"), in: .plain)) == #"\\NEWSRV\crm\a\b.pdf"#)
        let without = try ManifestLoader.parse(yaml: "version: 1\nroots: [{path: /a}]\ntarget: /mnt/new\n", file: "/m/attache.yaml")
        #expect(LocationSpelling(manifest: without) == nil)
    }
}
