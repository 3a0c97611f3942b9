import AttacheModel
import Testing
@testable import AttachePolicy

/// The condition language of `when`: every key becomes the right ``Condition``.
@Suite struct LoadingConditionTests {
    @Test(arguments: [
        ("{name: '*.tmp'}", Condition.name(["*.tmp"])),
        ("{name: ['~$*', '*.tmp', Thumbs.db]}", .name(["~$*", "*.tmp", "Thumbs.db"])),
        ("{path: '**/Backup/**'}", .path(["**/Backup/**"])),
        ("{extension: [pdf, .DOCX, '.Msg', pdf]}", .fileExtension(["pdf", "docx", "msg"])),
        ("{extension: .PDF}", .fileExtension(["pdf"])),
        ("{category: [pdf, Image]}", .category([.pdf, .image])),
        ("{mime: ['image/*', Application/PDF]}", .mime(["image/*", "application/pdf"])),
        ("{referenced: false}", .referenced(false)),
        ("{referenced: yes}", .referenced(true)),
        ("{only_deleted_references: true}", .onlyDeletedReferences(true)),
        ("{duplicate: true}", .duplicate(true)),
        ("{extension_mismatch: false}", .extensionMismatch(false)),
        ("{status: [unreadable, special]}", .status([.unreadable, .special])),
        ("{status: ok}", .status([.ok])),
        ("{problem: [permission-denied, io-error]}", .problem([.permissionDenied, .ioError])),
        ("{problem: any}", .problem([])),
        ("{problem: []}", .problem([])),
        ("{problem: true}", .problem([])),
        ("{problem: false}", .not(.problem([]))),
        ("{records_not_edited_for: 5 years}", .recordsNotEditedSince(.years(5))),
        ("{records_not_edited_for: 2016-06-30}", .recordsNotEditedSince(.date(day("2016-06-30")))),
    ])
    func simpleConditions(when: String, expected: Condition) {
        #expect(condition(when) == expected)
    }

    @Test(arguments: [
        ("{size: {min: 10 MB, max: 1 GiB}}", Condition.size(min: ByteCount(10_000_000), max: ByteCount(1 << 30))),
        ("{size: {min: 10 MB}}", .size(min: ByteCount(10_000_000), max: nil)),
        ("{size: {max: 1 GiB}}", .size(min: nil, max: ByteCount(1 << 30))),
        ("{size: '> 100 MB'}", .size(min: ByteCount(100_000_001), max: nil)),
        ("{size: '>= 100 MB'}", .size(min: ByteCount(100_000_000), max: nil)),
        ("{size: '<1 KiB'}", .size(min: nil, max: ByteCount(1023))),
        ("{size: '<= 1 KiB'}", .size(min: nil, max: ByteCount(1024))),
    ])
    func sizes(when: String, expected: Condition) {
        #expect(condition(when) == expected)
    }

    @Test(arguments: [
        ("{modified: {before: 7 years}}", Condition.modifiedBefore(.years(7))),
        ("{modified: {before: 1 year}}", .modifiedBefore(.years(1))),
        ("{modified: {after: 18 months}}", .modifiedAfter(.months(18))),
        ("{modified: {after: 30 days}}", .modifiedAfter(.days(30))),
        ("{modified: {after: 1 day}}", .modifiedAfter(.days(1))),
        ("{modified: {after: 2 weeks}}", .modifiedAfter(.days(14))),
        ("{modified: {before: 2015-01-01}}", .modifiedBefore(.date(Timestamp(nanoseconds: 1_420_070_400_000_000_000)))),
        ("{modified: {before: '2000-02-29'}}", .modifiedBefore(.date(Timestamp(nanoseconds: 951_782_400_000_000_000)))),
        ("{modified: {after: 2010-01-01, before: 2015-01-01}}",
         .all([.modifiedAfter(.date(day("2010-01-01"))), .modifiedBefore(.date(day("2015-01-01")))])),
    ])
    func ages(when: String, expected: Condition) {
        #expect(condition(when) == expected)
    }

    @Test func datesAreUTCMidnight() {
        #expect(day("1970-01-01") == Timestamp(nanoseconds: 0))
        #expect(day("2015-01-01").utc.year == 2015)
        #expect(PolicyValues.date("2015-02-29") == nil)
        #expect(PolicyValues.date("2016-02-29") != nil)
        #expect(PolicyValues.date("1900-02-29") == nil)
        #expect(PolicyValues.date("2015-13-01") == nil)
    }

    @Test func severalKeysInOneMappingMustAllHold() {
        #expect(condition("{referenced: false, category: pdf, size: '> 1 MB'}")
            == .all([.referenced(false), .category([.pdf]), .size(min: ByteCount(1_000_001), max: nil)]))
    }

    @Test func allAnyAndNotNest() {
        let yaml = """
            version: 1
            rules:
              - name: r
                action: archive
                when:
                  any:
                    - all:
                        - referenced: false
                        - modified: {before: 7 years}
                    - not: {category: [pdf, document]}
                    - {duplicate: true, name: '*.bak'}
            """
        #expect(parsed(yaml)?.policy.rules.first?.when == .any([
            .all([.referenced(false), .modifiedBefore(.years(7))]),
            .not(.category([.pdf, .document])),
            .all([.duplicate(true), .name(["*.bak"])]),
        ]))
    }

    @Test func aRuleWithoutWhenMatchesEveryFile() {
        let p = parsed("version: 1\nrules:\n  - name: everything\n    action: keep\n")?.policy
        #expect(p?.rules == [Rule(name: "everything", when: nil, action: .keep, line: 3)])
    }

    @Test func mergeKeysShareConditions() {
        let yaml = """
            version: 1
            rules:
              - name: old-pdfs
                when: &old {modified: {before: 10 years}, category: pdf}
                action: archive
              - name: old-images
                when:
                  <<: *old
                  category: image
                action: archive
            """
        let rules = parsed(yaml)?.policy.rules
        #expect(rules?.map(\.when) == [
            .all([.modifiedBefore(.years(10)), .category([.pdf])]),
            .all([.category([.image]), .modifiedBefore(.years(10))]),
        ])
    }

    @Test func ruleLinesAreWhereTheRulesStart() {
        let yaml = "version: 1\nrules:\n  - name: a\n    action: drop\n    when: {name: x}\n\n  - {name: b, action: keep}\n"
        #expect(parsed(yaml)?.policy.rules.map(\.line) == [3, 7])
    }
}
