import AttacheModel
@testable import AttacheRewrite
import Testing

/// The rewrite's context detection and the verifier's reading back of what it wrote: a link
/// spelled by ``LocationSpelling`` must read back to the same place, for every form and
/// context, and text that is not below the address must not read as a place.
@Suite struct ReadBackTests {
    static let names = ["pdf/2019/Contract Miller.pdf", "Smith & Sons #4/100% done.pdf", "Договоры/АО Вектор/акт 3.pdf",
                        "合同/合同 2019.pdf", "O'Brien <draft>.pdf", "a/b#c/d.pdf"]
    static let addresses = [#"\\NEWSRV\crm\"#, #"Z:\crm\"#, "/srv/crm/", "https://tenant.sharepoint.com/sites/crm/Shared Documents/",
                            "file:///srv/crm/"]

    @Test(arguments: addresses) func everySpelledFileReadsBackToItsPath(address: String) throws {
        let spelling = LocationSpelling(address: try TargetAddress(address))
        let reader = AddressReader(spelling: spelling)
        for name in Self.names {
            for context in SpellingContext.allCases {
                for style in [PathStyle.unc, .drive, .fileURL, .posix, nil] {
                    guard case .success(.replace(let text)) = spelling.spell(.file(path: name), in: context, original: style) else {
                        continue  // a name a share cannot hold: refused by the spelling, not read back
                    }
                    let readings = reader.read(text, context: context)
                    #expect(readings.contains(AddressReader.Reading(path: name, member: nil)),
                            "\(address) \(context) \(String(describing: style)): \(text) → \(readings)")
                }
            }
        }
    }

    @Test func archiveMembersReadBackToArchiveAndMember() throws {
        for address in Self.addresses {
            let spelling = LocationSpelling(address: try TargetAddress(address))
            let reader = AddressReader(spelling: spelling)
            for context in SpellingContext.allCases {
                guard case .success(.replace(let text)) = spelling.spell(
                    .archiveMember(archivePath: "_archive/share-1.zip", member: "share/Old/Акт #1.pdf"), in: context, original: .unc)
                else { Issue.record("not spelled"); continue }
                #expect(reader.read(text, context: context).contains(
                    AddressReader.Reading(path: "_archive/share-1.zip", member: "share/Old/Акт #1.pdf")), "\(address) \(context): \(text)")
            }
        }
    }

    @Test func textNotBelowTheAddressReadsAsNothing() throws {
        let reader = AddressReader(spelling: LocationSpelling(address: try TargetAddress(#"\\NEWSRV\crm\"#)))
        #expect(reader.read(#"\\OLDSRV\crm\a.pdf"#, context: .plain).isEmpty)
        #expect(reader.read(#"K:\Scans\a.pdf"#, context: .plain).isEmpty)
        #expect(reader.read("https://example.com/a.pdf", context: .linkAttribute).isEmpty)
    }

    @Test func contextsAreFoundFromTheValue() {
        /// The context of the span that starts at '@'.
        func context(_ value: String, _ marker: String, html: Bool = false) -> SpellingContext {
            let offset = Array(value.utf8).firstIndex(of: UInt8(ascii: "@")) ?? 0
            return SpellingContextDetector.context(in: value, at: offset, html: html)
        }
        #expect(context(#"<a href="@x.pdf">x</a>"#, "@") == .linkAttribute)
        #expect(context(#"<IMG SRC = '@x.png'>"#, "@") == .linkAttribute)
        #expect(context("<td background=@x.png>", "@") == .linkAttribute)
        #expect(context(#"<a title="@x.pdf">x</a>"#, "@") == .htmlText)
        #expect(context(#"href="@x.pdf" outside a tag"#, "@") == .plain)
        #expect(context("<p>see @x.pdf</p>", "@") == .htmlText)
        #expect(context("Smith &amp; Sons: @x.pdf", "@") == .htmlText)
        #expect(context("R&D notes: @x.pdf", "@") == .plain)
        #expect(context("a < b and c > d: @x.pdf", "@") == .plain)
        #expect(context("plain @x.pdf", "@", html: true) == .htmlText)
    }

    @Test func positionsGiveTheirOrdinal() {
        #expect(ReferenceFeed.ordinal("row 17") == 17)
        #expect(ReferenceFeed.ordinal("record 3 (line 9)") == 3)
        #expect(ReferenceFeed.ordinal("notes/a.html") == nil)
        #expect(ReferenceFeed.ordinal("row x") == nil)
    }

    @Test func contextDescriptionsReadBack() {
        for c in SpellingContext.allCases {
            #expect(SpellingContextDetector.context(described: SpellingContextDetector.describe(c)) == c)
        }
    }
}
