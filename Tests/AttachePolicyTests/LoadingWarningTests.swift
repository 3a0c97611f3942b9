import Testing
@testable import AttachePolicy

/// Policies that load but are almost certainly not what their author meant.
@Suite struct LoadingWarningTests {
    static let afterCatchAll = """
        version: 1
        rules:
          - name: everything
            action: keep
          - name: old
            when: {referenced: false, all: [{referenced: true}]}
            action: archive
          - name: x
            action: drop
        """

    @Test func rulesAfterACatchAllCanNeverMatch() {
        guard let (policy, warnings) = parsed(Self.afterCatchAll) else { return }
        #expect(warnings == [
            PolicyWarning(file: policyFile, line: 5, column: 5, message:
                "rule 'old' can never match: rule 'everything' (line 3) before it has no 'when' and matches every file"),
            PolicyWarning(file: policyFile, line: 8, column: 5, message:
                "rule 'x' can never match: rule 'everything' (line 3) before it has no 'when' and matches every file"),
        ])
        #expect(warnings[0].description == "policies/test.yaml:5:5: warning: rule 'old' can never match: rule 'everything' "
            + "(line 3) before it has no 'when' and matches every file")
        // From the value alone: the same warnings at the rules' lines, without a column.
        let fromValue = PolicyLoader.warnings(for: policy)
        #expect(fromValue.map(\.message) == warnings.map(\.message))
        #expect(fromValue.map(\.line) == [5, 8])
        #expect(fromValue.map(\.column) == [0, 0])
        #expect(fromValue[0].description.hasPrefix("policies/test.yaml:5: warning: rule 'old' can never match"))
    }

    @Test func aRuleWithTheSameConditionAsAnEarlierOneCanNeverMatch() {
        let yaml = """
            version: 1
            rules:
              - name: keep-referenced
                when: {referenced: true}
                action: keep
              - {name: archive-referenced, when: {referenced: true}, action: archive}
            """
        #expect(parsed(yaml)?.warnings == [PolicyWarning(file: policyFile, line: 6, column: 5, message:
            "rule 'archive-referenced' can never match: rule 'keep-referenced' (line 3) has the same condition and comes first")])
    }

    @Test func aSelfContradictoryConditionIsReportedAtTheSecondHalf() {
        let block = """
            version: 1
            rules:
              - name: r
                action: keep
                when:
                  all:
                    - referenced: true
                    - referenced: false
            """
        #expect(parsed(block)?.warnings == [PolicyWarning(file: policyFile, line: 8, column: 11, message:
            "rule 'r' can never match: 'referenced: false' contradicts 'referenced: true' (line 7)")])
        let flow = parsed(ruleWhen("{all: [referenced: true, referenced: false]}"))?.warnings
        #expect(flow?.map(\.line) == [5])
        #expect(flow?.map(\.column) == [36])
    }

    @Test(arguments: [
        ("{category: pdf, not: {category: pdf}}", "'not: {category: pdf}' contradicts 'category: pdf'"),
        ("{category: [pdf, image], all: [{category: [document]}]}", "'category: document' contradicts 'category: [pdf, image]'"),
        ("{size: {min: 10 MB}, all: [{size: '< 1 MB'}]}", "'size: {max: 977 KiB}' contradicts 'size: {min: 9.54 MiB}'"),
        ("{modified: {after: 2015-01-01, before: 2010-01-01}}",
         "'modified: {before: 2010-01-01}' contradicts 'modified: {after: 2015-01-01}'"),
        ("{modified: {before: 10 years, after: 7 years}}", "'modified: {after: 7 years}' contradicts 'modified: {before: 10 years}'"),
        ("{modified: {before: 1 year, after: 12 months}}", "contradicts"),
        ("{referenced: true, only_deleted_references: true}", "'only_deleted_references: true' contradicts 'referenced: true'"),
        ("{status: ok, all: [{status: [unreadable, special]}]}", "'status: [unreadable, special]' contradicts 'status: ok'"),
        ("{extension: pdf, all: [{extension: .docx}]}", "'extension: docx' contradicts 'extension: pdf'"),
        ("{problem: [symlink], all: [{problem: io-error}]}", "'problem: io-error' contradicts 'problem: symlink'"),
        ("{duplicate: true, all: [{duplicate: false}]}", "'duplicate: false' contradicts 'duplicate: true'"),
        ("{extension_mismatch: true, not: {extension_mismatch: true}}", "contradicts"),
        ("{problem: any, not: {problem: any}}", "'not: {problem: any}' contradicts 'problem: any'"),
        ("{all: [{all: [{referenced: false}]}, {referenced: true}]}", "'referenced: true' contradicts 'referenced: false'"),
    ])
    func contradictions(when: String, fragment: String) {
        let warnings = parsed(ruleWhen(when))?.warnings ?? []
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.hasPrefix("rule 'r' can never match: ") == true)
        #expect(warnings.first?.message.contains(fragment) == true, "\(warnings)")
        #expect(warnings.first?.line == 5)
    }

    @Test(arguments: [
        "{category: [pdf, image], all: [{category: image}]}",
        "{modified: {before: 7 years, after: 10 years}}",
        "{modified: {before: 7 years, after: 2020-01-01}}",
        "{any: [{referenced: true}, {referenced: false}]}",
        "{problem: any, all: [{problem: symlink}]}",
        "{referenced: false, only_deleted_references: true}",
        "{not: {referenced: true}, referenced: false}",
        "{size: {min: 1 MB}, all: [{size: '<= 1 MB'}]}",
        "{not: {all: [{referenced: true}, {referenced: false}]}}",
    ])
    func consistentConditionsGiveNoWarning(when: String) {
        #expect(parsed(ruleWhen(when))?.warnings == [])
    }

    @Test func aContradictionFromTheValueAloneIsAtTheRuleLine() {
        let policy = Policy(file: "p.yaml", rules: [
            Rule(name: "r", when: .all([.duplicate(true), .all([.duplicate(false)])]), action: .drop, line: 12),
        ])
        #expect(PolicyLoader.warnings(for: policy) == [PolicyWarning(file: "p.yaml", line: 12, column: 0, message:
            "rule 'r' can never match: 'duplicate: false' contradicts 'duplicate: true'")])
        // A policy built in code has no file name and no lines.
        let unnamed = Policy(rules: [Rule(name: "all", when: nil, action: .keep), Rule(name: "b", when: .duplicate(true), action: .drop)])
        let w = PolicyLoader.warnings(for: unnamed)
        #expect(w.map(\.description) == ["policy: warning: rule 'b' can never match: rule 'all' before it has no 'when' and matches every file"])
    }

    @Test func overflowWithoutAQuota() {
        let yaml = "version: 1\ntarget: sharepoint-online\noverflow:\n  action: drop\n"
        #expect(parsed(yaml)?.warnings == [PolicyWarning(file: policyFile, line: 3, column: 1, message:
            "'overflow' has no effect: the target has no 'quota' (set 'quota' under 'target')")])
        #expect(parsed("version: 1\ntarget: {quota: 1 TB}\noverflow:\n  action: drop\n")?.warnings == [])
        #expect(parsed("version: 1\ntarget: {profile: local}\n")?.warnings == [])
    }

    @Test func aLayoutThatNamesNoFile() {
        let yaml = "version: 1\nlayout: '{category}/{year}'\n"
        let message = "the last part of 'layout' ('{year}') has none of {name}, {stem}, {relpath} or {sha256:N}: "
            + "every file in a folder gets the same name, told apart only by a number"
        guard let (policy, warnings) = parsed(yaml) else { return }
        #expect(warnings == [PolicyWarning(file: policyFile, line: 2, column: 9, message: message)])
        #expect(PolicyLoader.warnings(for: policy) == [PolicyWarning(file: policyFile, line: 0, column: 0, message: message)])
        #expect(parsed("version: 1\nlayout: '{name}/{category}.bin'\n")?.warnings.count == 1)
        #expect(parsed("version: 1\nlayout: '{category}/{sha256:8}.{ext}'\n")?.warnings == [])
    }

    @Test func aWarningSaysWhereWhenItKnows() {
        #expect(PolicyWarning(file: "p.yaml", line: 3, column: 7, message: "m").description == "p.yaml:3:7: warning: m")
        #expect(PolicyWarning(file: "p.yaml", line: 3, column: 0, message: "m").description == "p.yaml:3: warning: m")
        #expect(PolicyWarning(file: "p.yaml", line: 0, column: 0, message: "m").description == "p.yaml: warning: m")
        #expect(PolicyError(kind: .schema, file: "p.yaml", line: 3, column: 7, message: "m").description == "p.yaml:3:7: error: m")
        #expect(PolicyError(kind: .notFound, file: "p.yaml", message: "m").description == "p.yaml: error: m")
    }
}
