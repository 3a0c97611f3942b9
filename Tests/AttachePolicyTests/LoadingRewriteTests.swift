import AttacheModel
import Testing
@testable import AttachePolicy

/// The policy's `rewrite:` section: the spelling of references to archived and dropped files.
@Suite struct LoadingRewriteTests {
    func load(_ yaml: String) throws -> Policy { try PolicyLoader.parse(yaml: "version: 1\n" + yaml, file: policyFile) }

    @Test func withoutTheSectionTheDefaultsHold() throws {
        let policy = try load("rules: []\n")
        #expect(policy.rewrite == RewriteSettings())
        #expect(policy.rewrite.dropped == .flag)
        #expect(policy.rewrite.archiveLink == nil && policy.rewrite.tombstone == nil && policy.rewrite.tombstoneLink == nil)
    }

    @Test func everyKeyIsRead() throws {
        let policy = try load("""
            rewrite:
              archive_link: '{archive}?member={ member }&view=1'
              dropped: Tombstone
              tombstone: '[{name} was removed by rule {rule}; it was {old}] {{kept braces}}'
              tombstone_link: '#removed-{name}'

            """)
        #expect(policy.rewrite == RewriteSettings(archiveLink: "{archive}?member={ member }&view=1", dropped: .tombstone,
                                                  tombstone: "[{name} was removed by rule {rule}; it was {old}] {{kept braces}}",
                                                  tombstoneLink: "#removed-{name}"))
    }

    @Test(arguments: DroppedMode.allCases)
    func eachDroppedMode(_ mode: DroppedMode) throws {
        #expect(try load("rewrite: {dropped: \(mode.rawValue)}\n").rewrite.dropped == mode)
    }

    @Test func tombstoneWithoutItsTextsKeepsNilForTheRewritesDefaults() throws {
        let r = try load("rewrite:\n  dropped: tombstone\n").rewrite
        #expect(r == RewriteSettings(dropped: .tombstone))
    }

    @Test(arguments: [
        // (yaml after 'version: 1', line, column, message)
        ("rewrite: flag", 2, 10, "expected a mapping of keys to values for 'rewrite', found 'flag'"),
        ("rewrite:\n  archive_lnk: '{archive}#{member}'", 3, 3,
         "unknown key 'archive_lnk' in 'rewrite'; did you mean 'archive_link'?"),
        ("rewrite:\n  dropped: delete", 3, 12,
         "unknown mode 'delete' for 'dropped'; expected one of: keep, flag, tombstone"),
        ("rewrite:\n  dropped: flg", 3, 12, "unknown mode 'flg' for 'dropped'; did you mean 'flag'?"),
        ("rewrite:\n  archive_link: '{archive}'", 3, 17,
         "'archive_link' has no '{member}'; it must name both the archive and the member (the default is '{archive}#{member}')"),
        ("rewrite:\n  archive_link: 'zip:{member}'", 3, 17, "'archive_link' has no '{archive}'"),
        ("rewrite:\n  archive_link: '{archive}#{membr}'", 3, 17,
         "unknown placeholder '{membr}' in 'archive_link'; did you mean '{member}'?"),
        ("rewrite:\n  archive_link: '{archive}#{member'", 3, 17,
         "'{' at character 11 is not closed by '}' (write '{{' for a literal brace) in 'archive_link'"),
        ("rewrite:\n  tombstone: '[removed: {path}]'", 3, 14,
         "unknown placeholder '{path}' in 'tombstone'; 'tombstone' may use {name}, {old}, {rule}"),
        ("rewrite:\n  tombstone: 'gone }'", 3, 14,
         "'}' at character 6 closes nothing (write '}}' for a literal brace) in 'tombstone'"),
        ("rewrite:\n  tombstone_link: '#x-{nam}'", 3, 19, "unknown placeholder '{nam}' in 'tombstone_link'; did you mean '{name}'?"),
        ("rewrite:\n  tombstone: ''", 3, 14, "'tombstone' is empty"),
        ("rewrite:\n  tombstone_link: [a]", 3, 19, "expected text for 'tombstone_link'"),
    ])
    func badValuesAreLocated(yaml: String, line: Int, column: Int, message: String) {
        let e = expectError("version: 1\n" + yaml + "\n", line: line, column: column)
        #expect(e?.message.hasPrefix(message) == true, "\(e?.message ?? "")")
    }

    @Test func aBadTemplateReadsAsALocatedSentence() {
        let e = expectError("version: 1\nrewrite:\n  archive_link: '{archive}/{file}'\n", line: 3, column: 17)
        #expect(e?.description == "policies/test.yaml:3:17: error: unknown placeholder '{file}' in 'archive_link'; "
            + "'archive_link' may use {archive}, {member}")
    }

    @Test func tombstoneTextsWithoutTheTombstoneModeAreWarnedAbout() throws {
        let (_, warnings) = try PolicyLoader.parseWithWarnings(
            yaml: "version: 1\nrewrite:\n  dropped: keep\n  tombstone_link: '#gone'\n", file: policyFile)
        #expect(warnings.map(\.description) == ["policies/test.yaml:4:3: warning: the tombstone texts under 'rewrite' have no effect: "
            + "'dropped' is 'keep' (set 'dropped: tombstone' to replace references to dropped files with them)"])
        let (_, none) = try PolicyLoader.parseWithWarnings(
            yaml: "version: 1\nrewrite:\n  dropped: tombstone\n  tombstone_link: '#gone'\n", file: policyFile)
        #expect(none.isEmpty)
    }
}
