import Testing
@testable import AttachePolicy

/// A policy with one rule whose `when` is `when` (line 5, the value at column 11).
func ruleWhen(_ when: String) -> String {
    "version: 1\nrules:\n  - name: r\n    action: keep\n    when: \(when)\n"
}

/// Bad policies: each error is at the line and column of the offending key or value and
/// says what was expected.
@Suite struct LoadingErrorTests {
    // MARK: the document as a whole

    @Test(arguments: ["", "\n\n", "# only a comment\n"])
    func emptyPolicy(text: String) {
        guard let e = policyError(text) else { return }
        #expect(e.kind == .schema && e.line == nil && e.column == nil)
        #expect(e.description == "policies/test.yaml: error: the policy is empty; it needs at least 'version: 1' "
            + "(the examples in policies/ are a good start)")
    }

    @Test func notAMapping() {
        expectError("- version: 1\n", line: 1, column: 1, "a policy must be a mapping of keys", "found a list")
    }

    @Test func missingVersion() {
        let e = expectError("name: x\nrules: []\n", line: 1, column: 1)
        #expect(e?.message == "missing key 'version' in the policy: expected the policy format version, 'version: 1'")
    }

    @Test func versionIsNotANumber() {
        expectError("version: one\n", line: 1, column: 10, "expected a whole number for 'version', found 'one'")
        expectError("version: 0\n", line: 1, column: 10, "'version' must be 1 or more, found 0")
    }

    @Test func tooNewVersionIsRefusedBeforeItsKeysAreLookedAt() {
        let e = expectError("version: 2\nfuture_key: x\n", .tooNewVersion, line: 1, column: 10)
        #expect(e?.description == "policies/test.yaml:1:10: error: the policy is version 2, but this build of attache "
            + "reads policy version 1; upgrade attache to read it")
    }

    // MARK: syntax

    @Test func syntaxErrorsAreLocated() {
        expectError("version: 1\ntarget:\n\tquota: 5 GiB\n", .syntax, line: 3, column: 1, "a tab cannot indent YAML")
        expectError("version: 1\nlayout: '{name}\n", .syntax, line: 2, column: 9, "a quoted value opened here is never closed")
        expectError("version: 1\nrules:\n  - name: a\n    when: {name: *.tmp}\n    action: drop\n", .syntax, line: 4, column: 18,
                    "must be put in quotes")
    }

    @Test func aKeyGivenTwiceIsReportedAtTheSecond() {
        let e = expectError("version: 1\nname: a\nlayout: '{name}'\nname: b\n", .syntax, line: 4, column: 1)
        #expect(e?.message == "key 'name' is given twice in the same mapping (first at line 2, column 1); keep one")
    }

    // MARK: unknown keys, with "did you mean"

    @Test(arguments: [
        ("rulez: []", 2, 1, "unknown key 'rulez' in the policy; did you mean 'rules'?"),
        ("defaults: keep", 2, 1, "unknown key 'defaults' in the policy; did you mean 'default'?"),
        ("layuot: '{name}'", 2, 1, "unknown key 'layuot' in the policy; did you mean 'layout'?"),
        ("target:\n  qouta: 50 GiB", 3, 3, "unknown key 'qouta' in 'target'; did you mean 'quota'?"),
        ("target:\n  max_path: 400", 3, 3, "unknown key 'max_path' in 'target'; did you mean 'max_path_length'?"),
        ("duplicates: {keepone: true}", 2, 14, "unknown key 'keepone' in 'duplicates'; did you mean 'keep_one'?"),
        ("archive: {fromat: zip}", 2, 11, "unknown key 'fromat' in 'archive'; did you mean 'format'?"),
        ("overflow: {high_water: 90%}", 2, 12, "unknown key 'high_water' in 'overflow'; did you mean 'high_watermark'?"),
        ("overflow: {order: [{key: size, oder: desc}]}", 2, 32, "unknown key 'oder' in an overflow order; did you mean 'order'?"),
        ("limits: {too_big: archive}", 2, 10, "unknown key 'too_big' in 'limits'; expected one of: too_large, rename"),
    ])
    func unknownKeys(yaml: String, line: Int, column: Int, message: String) {
        let e = expectError("version: 1\n" + yaml + "\n", line: line, column: column)
        #expect(e?.message == message)
    }

    @Test func unknownKeyInARuleNamesTheRule() {
        let e = expectError("version: 1\nrules:\n  - name: old\n    acton: drop\n", line: 4, column: 5)
        #expect(e?.description == "policies/test.yaml:4:5: error: unknown key 'acton' in rule 'old'; did you mean 'action'?")
    }

    @Test(arguments: [
        ("{refrenced: true}", 12, "unknown key 'refrenced' in a condition; did you mean 'referenced'?"),
        ("{extensions: pdf}", 12, "unknown key 'extensions' in a condition; did you mean 'extension'?"),
        ("{size: {minimum: 1 MB}}", 19, "unknown key 'minimum' in 'size'; did you mean 'min'?"),
        ("{modified: {befor: 7 years}}", 23, "unknown key 'befor' in 'modified'; did you mean 'before'?"),
        ("{not: {catgory: pdf}}", 18, "unknown key 'catgory' in a condition; did you mean 'category'?"),
        ("{all: [{referenced: true}, {duplicat: true}]}", 39, "unknown key 'duplicat' in a condition; did you mean 'duplicate'?"),
    ])
    func unknownConditionKeys(when: String, column: Int, message: String) {
        let e = expectError(ruleWhen(when), line: 5, column: column)
        #expect(e?.message == message)
    }

    // MARK: wrong types

    @Test func wrongTypes() {
        expectError("version: 1\ntarget:\n  case_insensitive: maybe\n", line: 3, column: 21,
                    "expected true or false for 'case_insensitive', found 'maybe'")
        expectError("version: 1\nrules: drop\n", line: 2, column: 8, "expected a list for 'rules', found 'drop'")
        expectError("version: 1\ntarget:\n  max_path_length: long\n", line: 3, column: 20,
                    "expected a whole number of characters for 'max_path_length' (or 'unlimited'), found 'long'")
        expectError("version: 1\ntarget:\n  max_name_length: 0\n", line: 3, column: 20, "'max_name_length' must be at least 1, found 0")
        expectError("version: 1\nduplicates: yes\n", line: 2, column: 13,
                    "expected a mapping of keys to values for 'duplicates', found the boolean yes")
        expectError("version: 1\nlayout: [a, b]\n", line: 2, column: 9, "expected text for 'layout', found a list")
        expectError(ruleWhen("{referenced: sometimes}"), line: 5, column: 24, "expected true or false for 'referenced', found 'sometimes'")
        expectError("version: 1\nrules:\n  - drop-temp\n", line: 3, column: 5, "each rule is a mapping with 'name', 'when' and 'action'")
        expectError("version: 1\ntarget:\n  forbidden_characters: [':', '<>']\n", line: 3, column: 31,
                    "each item of 'forbidden_characters' is one character, found '<>'")
    }

    // MARK: rules

    @Test func ruleNeedsANameAndAnAction() {
        expectError("version: 1\nrules:\n  - action: drop\n", line: 3, column: 5, "missing key 'name' in a rule")
        expectError("version: 1\nrules:\n  - name: x\n", line: 3, column: 5, "missing key 'action' in rule 'x': expected what happens")
        expectError("version: 1\nrules:\n  - name: x\n    action:\n", line: 4, column: 5, "'action' has no value in rule 'x'")
    }

    @Test func anEmptyWhenIsNotACatchAll() {
        expectError("version: 1\nrules:\n  - name: x\n    action: drop\n    when:\n", line: 5, column: 5,
                    "'when' has no value in rule 'x'", "leave 'when' out to match every file")
    }

    @Test func duplicateRuleNames() {
        let yaml = "version: 1\nrules:\n  - name: a\n    action: keep\n  - name: b\n    action: drop\n  - name: a\n    action: archive\n"
        let e = expectError(yaml, line: 7, column: 11)
        #expect(e?.message == "rule name 'a' is used twice (first at line 3, column 11); "
            + "names must be unique so that every decision names its rule")
    }

    @Test(arguments: ["default", "overflow", "duplicates", "limits", "override"])
    func reservedRuleNames(name: String) {
        expectError("version: 1\nrules:\n  - name: \(name)\n    action: keep\n", line: 3, column: 11,
                    "'\(name)' cannot name a rule: plans use it for their own decisions")
    }

    @Test func unknownActions() {
        let e = expectError("version: 1\nrules:\n  - name: a\n    action: archve\n", line: 4, column: 13)
        #expect(e?.message == "unknown action 'archve' for 'action'; did you mean 'archive'?")
        expectError("version: 1\ndefault: keeep\n", line: 2, column: 10, "unknown action 'keeep' for 'default'; did you mean 'keep'?")
        expectError("version: 1\ndefault: delete\n", line: 2, column: 10,
                    "unknown action 'delete' for 'default'; expected one of: keep, archive, drop")
        expectError("version: 1\noverflow: {action: keep}\n", line: 2, column: 20, "overflow 'action'", "'archive' or 'drop', not 'keep'")
        expectError("version: 1\nlimits: {too_large: keep}\n", line: 2, column: 21, "'too_large'", "not 'keep'")
    }

    // MARK: conditions

    @Test func conditionShapes() {
        expectError(ruleWhen("[{referenced: true}, {duplicate: true}]"), line: 5, column: 11,
                    "is a list; a condition is a mapping", "'all: [...]'", "'any: [...]'")
        expectError(ruleWhen("referenced"), line: 5, column: 11, "expected a condition for 'when' of rule 'r'", "found 'referenced'")
        expectError(ruleWhen("{}"), line: 5, column: 11, "is an empty condition")
        expectError(ruleWhen("{all: []}"), line: 5, column: 17, "'all' is an empty list")
        expectError(ruleWhen("{any: {referenced: true}}"), line: 5, column: 17, "expected a list of conditions for 'any', found a mapping")
        expectError(ruleWhen("{all: [pdf]}"), line: 5, column: 18, "expected a condition for each item of 'all'", "found 'pdf'")
        expectError(ruleWhen("{not: [{referenced: true}]}"), line: 5, column: 17, "'not' takes one condition", "'not: {any: [...]}'")
        expectError(ruleWhen("{referenced: }"), line: 5, column: 12, "'referenced' has no value: expected true or false")
    }

    @Test func unknownCategoryWithSuggestion() {
        let e = expectError(ruleWhen("{category: [pdf, imgae]}"), line: 5, column: 28)
        #expect(e?.message == "unknown category 'imgae' for 'category'; did you mean 'image'?")
        expectError(ruleWhen("{category: images}"), line: 5, column: 22, "did you mean 'image'?")
        expectError(ruleWhen("{category: contracts}"), line: 5, column: 22,
                    "unknown category 'contracts' for 'category'; expected one of: document, spreadsheet, presentation, pdf")
    }

    @Test func unknownStatusAndProblem() {
        expectError(ruleWhen("{status: okay}"), line: 5, column: 20, "unknown status 'okay' for 'status'; did you mean 'ok'?")
        expectError(ruleWhen("{status: gone}"), line: 5, column: 20, "files that are gone are not planned")
        expectError(ruleWhen("{problem: [io-eror]}"), line: 5, column: 22,
                    "unknown problem code 'io-eror' for 'problem'; did you mean 'io-error'?")
        expectError(ruleWhen("{problem: [symlink, any]}"), line: 5, column: 31, "'any' stands alone")
    }

    @Test func badPatterns() {
        expectError(ruleWhen("{name: 'docs/*.pdf'}"), line: 5, column: 18, "contains '/'", "use 'path' to match folders")
        expectError(ruleWhen("{path: ['a/[bc']}"), line: 5, column: 19, "invalid pattern 'a/[bc' in 'path': a '[' is never closed by ']'")
        expectError(ruleWhen("{extension: '*.pdf'}"), line: 5, column: 23, "'*.pdf' in 'extension' contains '*'", "use 'name'")
        expectError(ruleWhen("{extension: '.'}"), line: 5, column: 23, "an extension in 'extension' is empty")
        expectError(ruleWhen("{mime: pdf}"), line: 5, column: 18, "'pdf' in 'mime' is not a MIME type", "'image/*'")
        expectError(ruleWhen("{name: []}"), line: 5, column: 18, "'name' is an empty list")
        expectError("version: 1\ntarget: {forbidden_names: ['a/b']}\n", line: 2, column: 28, "contains '/'")
    }

    // MARK: units

    @Test func badAges() {
        let e = expectError(ruleWhen("{modified: {before: 7 parsecs}}"), line: 5, column: 31)
        #expect(e?.message == "unknown unit 'parsecs' in 'before' of 'modified': expected an age such as '7 years', "
            + "'18 months' or '30 days', or a date such as '2015-01-01'")
        expectError(ruleWhen("{modified: {before: 7 yeras}}"), line: 5, column: 31, "unknown unit 'yeras'", "did you mean 'years'?")
        expectError(ruleWhen("{modified: {after: 7}}"), line: 5, column: 30, "'after' of 'modified' needs a unit: write e.g. '7 years'")
        expectError(ruleWhen("{modified: {after: old}}"), line: 5, column: 30, "expected an age such as '7 years'", "found 'old'")
        expectError(ruleWhen("{modified: {after: 0 days}}"), line: 5, column: 30, "must be at least 1 days")
        expectError(ruleWhen("{modified: {before: 2015-02-30}}"), line: 5, column: 31, "'2015-02-30'", "is not a date of the calendar")
        expectError(ruleWhen("{modified: 7 years}"), line: 5, column: 22, "expected {before: …} and/or {after: …} for 'modified'")
        expectError(ruleWhen("{modified: {}}"), line: 5, column: 22, "'modified' gives neither 'before' nor 'after'")
        expectError(ruleWhen("{records_not_edited_for: 3 decades}"), line: 5, column: 36, "unknown unit 'decades' in 'records_not_edited_for'")
    }

    @Test func badSizes() {
        let e = expectError("version: 1\ntarget:\n  quota: lots\n", line: 3, column: 10)
        #expect(e?.message == "expected a size for 'quota', e.g. '50 GiB' (a number and a unit: B, kB, MB, GB, TB, KiB, MiB, "
            + "GiB, TiB), found 'lots'")
        expectError("version: 1\ntarget: {quota: 50 gigs}\n", line: 2, column: 17, "unknown size unit 'gigs' in 'quota'; did you mean 'GiB'?")
        expectError("version: 1\ntarget: {quota: 50}\n", line: 2, column: 17, "'quota' needs a unit: write e.g. '50 GiB'")
        expectError("version: 1\ntarget: {quota: 0 B}\n", line: 2, column: 17, "'quota' must be more than 0 B")
        expectError("version: 1\ntarget: {max_file_size: [1 GB]}\n", line: 2, column: 25, "expected a size for 'max_file_size'")
        expectError("version: 1\narchive: {volume_size: 4}\n", line: 2, column: 24, "'volume_size' needs a unit")
        expectError("version: 1\narchive: {volume_size: 100 kB}\n", line: 2, column: 24, "an archive volume must be at least 1 MiB")
        expectError(ruleWhen("{size: lots}"), line: 5, column: 18, "'size' needs a comparison or a range, found 'lots'")
        expectError(ruleWhen("{size: 100 MB}"), line: 5, column: 18, "'size' needs a comparison or a range")
        expectError(ruleWhen("{size: '> many'}"), line: 5, column: 18, "expected a size for 'size'", "found 'many'")
        expectError(ruleWhen("{size: '< 0 B'}"), line: 5, column: 18, "matches no file")
        expectError(ruleWhen("{size: {min: 10 MB, max: 1 MB}}"), line: 5, column: 36,
                    "'max' of 'size' (977 KiB) is below its 'min' (9.54 MiB): no file can match")
        expectError(ruleWhen("{size: {}}"), line: 5, column: 18, "'size' gives neither 'min' nor 'max'")
    }

    @Test func badPercentages() {
        expectError("version: 1\noverflow:\n  high_watermark: 0.9\n", line: 3, column: 19,
                    "expected a percentage for 'high_watermark', e.g. '90%', found the number 0.9; write it with '%'")
        expectError("version: 1\noverflow:\n  high_watermark: ninety\n", line: 3, column: 19, "found 'ninety'")
        expectError("version: 1\noverflow:\n  high_watermark: 120%\n", line: 3, column: 19,
                    "'high_watermark' must be between 0% and 100%, found '120%'")
        expectError("version: 1\noverflow:\n  low_watermark: -5%\n", line: 3, column: 18, "between 0% and 100%")
        expectError("version: 1\noverflow:\n  high_watermark: 0%\n", line: 3, column: 19, "must be more than 0%")
    }

    @Test func watermarksInTheWrongOrder() {
        let e = expectError("version: 1\noverflow:\n  high_watermark: 80%\n  low_watermark: 85%\n", line: 4, column: 18)
        #expect(e?.message == "'low_watermark' (85%) is above 'high_watermark' (80%); files leave until the kept bytes "
            + "are at the low watermark, so it must be at or below the high one")
        // Against the default high watermark (90%).
        expectError("version: 1\noverflow: {low_watermark: 95%}\n", line: 2, column: 27, "(95%) is above 'high_watermark' (90%)")
    }

    // MARK: names from fixed sets

    @Test func unknownProfile() {
        let e = expectError("version: 1\ntarget: {profile: sharepoint}\n", line: 2, column: 19)
        #expect(e?.message == "unknown profile 'sharepoint' for 'profile'; did you mean 'sharepoint-online'?")
        expectError("version: 1\ntarget: /mnt/new-storage\n", line: 2, column: 9,
                    "'target' in a policy is the new storage's limits", "the folder to copy to is 'target' in the manifest")
        expectError("version: 1\ntarget: ftp\n", line: 2, column: 9,
                    "unknown profile 'ftp' for 'profile'; expected one of: sharepoint-online, onedrive, s3, local")
    }

    @Test func unknownFormatPreferenceAndOrder() {
        expectError("version: 1\narchive: {format: tar.bz2}\n", line: 2, column: 19,
                    "unknown archive format 'tar.bz2' for 'format'; did you mean 'tar.gz'?")
        expectError("version: 1\nduplicates: {prefer: [oldest, biggest]}\n", line: 2, column: 31,
                    "unknown preference 'biggest' for 'prefer'; expected one of: most-referenced, oldest, newest, shortest-path")
        expectError("version: 1\nduplicates: {prefer: [oldest, oldest]}\n", line: 2, column: 31, "'oldest' is given twice in 'prefer'")
        expectError("version: 1\noverflow: {order: [record-activty asc]}\n", line: 2, column: 20,
                    "unknown order key 'record-activty' in overflow 'order'; did you mean 'record-activity'?")
        expectError("version: 1\noverflow: {order: [size biggest]}\n", line: 2, column: 20, "unknown direction 'biggest'", "'asc' or 'desc'")
        expectError("version: 1\noverflow: {order: [size desc, size asc]}\n", line: 2, column: 31, "'size' is given twice in overflow 'order'")
        expectError("version: 1\noverflow: {order: []}\n", line: 2, column: 19, "overflow 'order' is an empty list")
    }

    // MARK: templates

    @Test func recordPlaceholders() throws {
        let p = try PolicyLoader.parse(yaml: "version: 1\nlayout: '{record.account}/{ record.case_no : no-case }/{name}'\n"
                                         + "archive:\n  grouping: '{record.account}/{record.year_closed}'\n", file: "p.yaml")
        #expect(p.recordFields.map(\.field) == ["account", "case_no", "year_closed"])
        #expect(p.recordFields.map(\.key) == ["layout", "layout", "archive grouping"])
        #expect(p.recordFields.first?.line == 2 && p.recordFields.first?.column == 9)
        #expect(p.recordFields.last?.line == 4 && p.recordFields.last?.column == 13)
        expectError("version: 1\nlayout: '{record.}/{name}'\n", line: 2, column: 9, "'{record.}' in 'layout' names no column")
        expectError("version: 1\nlayout: '{record.account:}/{name}'\n", line: 2, column: 9, "nothing after ':'")
        expectError("version: 1\nlayout: '{record.account:a/b}/{name}'\n", line: 2, column: 9, "must be one name, without '/'")
        expectError("version: 1\narchive:\n  naming: '{record.account}-{volume}'\n", line: 3, column: 11,
                    "it can use only {group} and {volume}; put '{record.account}' into archive 'grouping' instead")
    }

    @Test func unknownPlaceholder() {
        let e = expectError("version: 1\nlayout: '{category}/{yaer}/{name}'\n", line: 2, column: 9)
        #expect(e?.message == "unknown placeholder '{yaer}' in 'layout'; did you mean '{year}'?")
        expectError("version: 1\nlayout: '{account}/{name}'\n", line: 2, column: 9,
                    "unknown placeholder '{account}' in 'layout'; the placeholders are: {category}, {year}, {month}, "
                    + "{root}, {relpath}, {dir}, {name}, {stem}, {ext}, {sha256:N}, {source}, {record.COLUMN}")
        expectError("version: 1\narchive:\n  grouping: '{root}/{yr}'\n", line: 3, column: 13,
                    "unknown placeholder '{yr}' in archive 'grouping'")
        expectError("version: 1\narchive:\n  naming: '_archive/{grup}-{volume}'\n", line: 3, column: 11,
                    "unknown placeholder '{grup}' in archive 'naming'; did you mean '{group}'?")
    }

    @Test func placeholdersOnlyWhereTheyMeanSomething() {
        expectError("version: 1\nlayout: '{group}/{name}'\n", line: 2, column: 9, "'{group}' in 'layout' is only available in archive 'naming'")
        expectError("version: 1\narchive: {grouping: '{root}-{volume}'}\n", line: 2, column: 21,
                    "'{volume}' in archive 'grouping' is only available in archive 'naming'")
        expectError("version: 1\narchive: {naming: '_archive/{year}/{group}'}\n", line: 2, column: 19,
                    "archive 'naming' names an archive, which holds many files", "put '{year}' into archive 'grouping' instead")
    }

    @Test(arguments: ["{sha256:0}", "{sha256:65}", "{sha256:x}", "{sha256:}"])
    func sha256TakesOneTo64Digits(placeholder: String) {
        expectError("version: 1\nlayout: '\(placeholder)/{name}'\n", line: 2, column: 9, "{sha256:N} takes the number of hex digits")
    }

    @Test func malformedTemplates() {
        expectError("version: 1\nlayout: '{year:2}/{name}'\n", line: 2, column: 9, "only {sha256:N} takes a number after ':'")
        expectError("version: 1\nlayout: '{category/{name}'\n", line: 2, column: 9, "'{' at character 1 of 'layout' is not closed")
        expectError("version: 1\nlayout: 'a}/{name}'\n", line: 2, column: 9, "'}' at character 2 of 'layout' closes nothing")
        expectError("version: 1\nlayout: '{}/{name}'\n", line: 2, column: 9, "names no placeholder")
        expectError("version: 1\nlayout: ''\n", line: 2, column: 9, "'layout' is empty")
        expectError("version: 1\nlayout: '{category}//{name}'\n", line: 2, column: 9, "empty folder name")
        expectError("version: 1\nlayout: '{category}/'\n", line: 2, column: 9, "'layout' ends with '/'")
        expectError("version: 1\nlayout: '{category}\\{name}'\n", line: 2, column: 9, "separate folders with '/'")
        expectError("version: 1\ntarget: sharepoint-online\nlayout: '{category}: {name}'\n", line: 3, column: 9,
                    "'layout' contains ':', which the target does not allow in names")
    }

    @Test(arguments: [
        ("'/srv/files/{name}'", "it starts with '/' (an absolute path)"),
        ("'C:/files/{name}'", "it starts with a drive ('C:')"),
        ("'d:{name}'", "it starts with a drive ('d:')"),
        ("'{category}/../{name}'", "it has a '..' folder"),
        ("'../{name}'", "it has a '..' folder"),
        ("'{root}/..'", "it has a '..' folder"),
        ("'..{ext}/{name}'", "the part '..{ext}' becomes '..' when its placeholders are empty"),
        ("'{stem}..{ext}/{name}'", "becomes '..'"),
    ])
    func layoutsThatCouldEscapeTheTarget(layout: String, reason: String) {
        let e = expectError("version: 1\nlayout: \(layout)\n", line: 2, column: 9, "'layout' could escape the target: ", reason)
        #expect(e?.kind == .schema)
    }

    @Test func aDotFolderIsRefusedToo() {
        expectError("version: 1\nlayout: './{name}'\n", line: 2, column: 9, "'layout' has a '.' folder")
        expectError("version: 1\nlayout: '{category}/./{name}'\n", line: 2, column: 9, "'layout' has a '.' folder")
    }

    @Test func archiveTemplatesCannotEscapeEither() {
        expectError("version: 1\narchive:\n  grouping: '../{year}'\n", line: 3, column: 13, "archive 'grouping' could escape the target")
        expectError("version: 1\narchive:\n  naming: '/_archive/{group}'\n", line: 3, column: 11,
                    "archive 'naming' could escape the target: it starts with '/'")
    }
}
