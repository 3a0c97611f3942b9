#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AttacheConfig
import AttacheModel
import Testing
@testable import AttachePolicy

/// The file most tests pretend to read.
let policyFile = "policies/test.yaml"

/// The error that parsing `yaml` throws, recording an issue when it parses.
func policyError(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> PolicyError? {
    do {
        let policy = try PolicyLoader.parse(yaml: yaml, file: policyFile)
        Issue.record("expected an error, got \(policy)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Parses `yaml` and checks the error's kind, line, column and that its message contains
/// every fragment. Returns the error for further checks.
@discardableResult
func expectError(_ yaml: String, _ kind: PolicyError.Kind = .schema, line: Int?, column: Int?, _ fragments: String...,
                 sourceLocation: SourceLocation = #_sourceLocation) -> PolicyError? {
    guard let error = policyError(yaml, sourceLocation: sourceLocation) else { return nil }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
    #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
    #expect(error.file == policyFile, sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(error.message.contains(fragment), "'\(fragment)' not in: \(error.message)", sourceLocation: sourceLocation)
    }
    for leak in ["YamlError", "Yams", "Context:", "Node.", "Optional("] {
        #expect(!error.description.contains(leak), "leaks '\(leak)': \(error)", sourceLocation: sourceLocation)
    }
    #expect(!error.description.contains("\n"), "multi-line: \(error)", sourceLocation: sourceLocation)
    return error
}

/// Parses a policy that must load.
func parsed(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> (policy: Policy, warnings: [PolicyWarning])? {
    do {
        return try PolicyLoader.parseWithWarnings(yaml: yaml, file: policyFile)
    } catch {
        Issue.record("\(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The condition of the only rule of a policy whose `rules` are `- name: r` with `when` = `when`.
func condition(_ when: String, sourceLocation: SourceLocation = #_sourceLocation) -> Condition? {
    parsed("version: 1\nrules:\n  - name: r\n    action: keep\n    when: \(when)\n", sourceLocation: sourceLocation)?
        .policy.rules.first?.when
}

/// Midnight UTC of a date, as the loader computes it.
func day(_ text: String) -> Timestamp { PolicyValues.date(text)! }

/// Policies that load: every key of the language becomes the right value.
@Suite struct LoadingTests {
    static let full = #"""
        version: 1
        name: Cloud 50 GiB
        target:
          profile: sharepoint-online        # fills the limits below; explicit keys override the profile
          quota: 50 GiB
          max_file_size: 15 GB
          max_path_length: 400
          max_name_length: 255
          forbidden_characters: '"*:<>?/\|'
          reserved_names: [CON, PRN, AUX, NUL, COM1, LPT1]
          forbidden_names: ['~$*', '*.lock']
          case_insensitive: true
        layout: '{category}/{year}/{name}'
        rules:
          - name: drop-temp-files
            when: { name: ['~$*', '*.tmp', 'Thumbs.db'] }
            action: drop
          - name: archive-old-unreferenced
            when:
              all:
                - referenced: false
                - modified: { before: 7 years }
            action: archive
          - name: keep-referenced
            when: { referenced: true }
            action: keep
        default: keep
        duplicates: { keep_one: true, prefer: [most-referenced, oldest, shortest-path] }
        archive: { format: tar.zst, volume_size: 4 GiB, grouping: '{root}/{year}', naming: '_archive/{group}-{volume}' }
        overflow:
          order: [record-activity asc, size desc]
          action: archive
          high_watermark: 90%
          low_watermark: 85%
        limits: { too_large: archive, rename: true }
        """#

    @Test func fullPolicyRoundTrips() throws {
        let (policy, warnings) = try PolicyLoader.parseWithWarnings(yaml: Self.full, file: policyFile)
        let expected = Policy(
            version: 1, file: policyFile, name: "Cloud 50 GiB",
            target: TargetLimits(
                profile: "sharepoint-online", quota: ByteCount(Int64(50) << 30), maxFileSize: ByteCount(Int64(15_000_000_000)),
                maxPathLength: 400, maxNameLength: 255, forbiddenCharacters: ["\"", "*", ":", "<", ">", "?", "/", "\\", "|"],
                reservedNames: ["CON", "PRN", "AUX", "NUL", "COM1", "LPT1"], forbiddenNamePatterns: ["~$*", "*.lock"],
                caseInsensitive: true),
            layout: "{category}/{year}/{name}",
            rules: [
                Rule(name: "drop-temp-files", when: .name(["~$*", "*.tmp", "Thumbs.db"]), action: .drop, line: 15),
                Rule(name: "archive-old-unreferenced", when: .all([.referenced(false), .modifiedBefore(.years(7))]),
                     action: .archive, line: 18),
                Rule(name: "keep-referenced", when: .referenced(true), action: .keep, line: 24),
            ],
            defaultAction: .keep,
            duplicates: DuplicatePolicy(keepOne: true, preference: [.mostReferenced, .oldest, .shortestPath]),
            archive: ArchiveSettings(format: .tarZst, volumeSize: ByteCount(Int64(4) << 30), grouping: "{root}/{year}",
                                     naming: "_archive/{group}-{volume}"),
            overflow: OverflowSettings(order: [.init(key: .recordActivity, descending: false), .init(key: .size, descending: true)],
                                       action: .archive, highWatermark: 0.9, lowWatermark: 0.85),
            limits: LimitHandling(tooLarge: .archive, rename: true))
        #expect(policy == expected)
        #expect(warnings.isEmpty)
        #expect(try PolicyLoader.parse(yaml: Self.full, file: policyFile) == policy)
    }

    @Test func versionAloneIsAPolicyOfDefaults() throws {
        let policy = try PolicyLoader.parse(yaml: "version: 1\n", file: policyFile)
        #expect(policy == Policy(file: policyFile))
        #expect(policy.layout == "{root}/{relpath}" && policy.defaultAction == .keep && policy.rules.isEmpty)
        // A quoted version is read too, and an empty value counts as not given.
        #expect(try PolicyLoader.parse(yaml: "version: '1'\nname:\nrules:\n", file: policyFile) == Policy(file: policyFile))
    }

    @Test func otherValuesOfEverySection() throws {
        let yaml = """
            version: 1
            default: archive
            duplicates: {keep_one: false, prefer: newest}
            archive: {format: zip, volume_size: unlimited, grouping: '{category}', naming: 'archives/{group}'}
            overflow:
              order:
                - {key: size, order: asc}
                - key: modified
              action: drop
              high_watermark: 95.5%
              low_watermark: 95.5%
            limits: {too_large: drop, rename: no}
            """
        let p = try PolicyLoader.parse(yaml: yaml, file: policyFile)
        #expect(p.defaultAction == .archive)
        #expect(p.duplicates == DuplicatePolicy(keepOne: false, preference: [.newest]))
        #expect(p.archive == ArchiveSettings(format: .zip, volumeSize: nil, grouping: "{category}", naming: "archives/{group}"))
        #expect(p.overflow == OverflowSettings(order: [.init(key: .size, descending: false), .init(key: .modified, descending: false)],
                                               action: .drop, highWatermark: 0.955, lowWatermark: 0.955))
        #expect(p.limits == LimitHandling(tooLarge: .drop, rename: false))
    }

    // MARK: target and profiles

    @Test func profilesFillTheLimits() throws {
        func target(_ yaml: String) throws -> TargetLimits {
            try PolicyLoader.parse(yaml: "version: 1\ntarget: \(yaml)\n", file: policyFile).target
        }
        #expect(try target("{profile: sharepoint-online}") == .sharePointOnline)
        var onedrive = TargetLimits.sharePointOnline
        onedrive.profile = "onedrive"
        #expect(try target("{profile: onedrive}") == onedrive)
        #expect(try target("{profile: s3}") == TargetLimits(profile: "s3", maxFileSize: ByteCount(Int64(5_000_000_000_000))))
        #expect(try target("{profile: local}") == TargetLimits(profile: "local"))
        // `target: NAME` is short for `target: {profile: NAME}`; profile names ignore case.
        #expect(try target("sharepoint-online") == .sharePointOnline)
        #expect(try target("{profile: SharePoint-Online}") == .sharePointOnline)
        #expect(PolicyProfiles.names.allSatisfy { PolicyProfiles.limits(for: $0)?.profile == $0 })
        #expect(PolicyProfiles.limits(for: "ftp") == nil)
    }

    @Test func explicitKeysOverrideTheProfile() throws {
        let yaml = """
            version: 1
            target:
              profile: sharepoint-online
              max_file_size: 15 GB
              max_path_length: unlimited
              max_name_length: 128
              forbidden_characters: '" * : < > ? / \\ |'
              reserved_names: []
              forbidden_names: ['~$*']
              case_insensitive: false
            """
        let t = try PolicyLoader.parse(yaml: yaml, file: policyFile).target
        #expect(t.profile == "sharepoint-online")
        #expect(t.quota == nil)
        #expect(t.maxFileSize == ByteCount(Int64(15_000_000_000)))
        #expect(t.maxPathLength == nil)
        #expect(t.maxNameLength == 128)
        #expect(t.forbiddenCharacters == ["\"", "*", ":", "<", ">", "?", "/", "\\", "|"])  // spaces are ignored
        #expect(t.reservedNames.isEmpty)
        #expect(t.forbiddenNamePatterns == ["~$*"])
        #expect(t.caseInsensitive == false)
    }

    @Test func anEmptyValueKeepsTheProfilesLimitAndAnEmptyOneClearsIt() throws {
        let yaml = "version: 1\ntarget:\n  profile: onedrive\n  quota: unlimited\n  reserved_names:\n  forbidden_names: []\n"
            + "  forbidden_characters: ''\n  max_file_size: ~\n"
        let t = try PolicyLoader.parse(yaml: yaml, file: policyFile).target
        #expect(t.reservedNames == TargetLimits.sharePointOnline.reservedNames)
        #expect(t.maxFileSize == TargetLimits.sharePointOnline.maxFileSize)
        #expect(t.forbiddenNamePatterns.isEmpty && t.forbiddenCharacters.isEmpty && t.quota == nil)
    }

    @Test func forbiddenCharactersAsAListCanForbidASpace() throws {
        let t = try PolicyLoader.parse(yaml: "version: 1\ntarget: {forbidden_characters: [' ', '#', '#']}\n", file: policyFile).target
        #expect(t.forbiddenCharacters == [" ", "#"])
        #expect(t.profile == nil && t.maxPathLength == nil)
    }

    @Test(arguments: [
        ("50 GiB", Int64(50) << 30), ("250GB", 250_000_000_000), ("1.5 TiB", Int64(1.5 * 1_099_511_627_776.0)),
        ("100 MB", 100_000_000), ("4096 B", 4096), ("1 kB", 1000), ("2 KiB", 2048),
    ])
    func sizesWithUnits(text: String, bytes: Int64) throws {
        let t = try PolicyLoader.parse(yaml: "version: 1\ntarget: {quota: \(text)}\n", file: policyFile).target
        #expect(t.quota == ByteCount(bytes))
    }

    // MARK: overflow

    @Test func overflowOrderForms() throws {
        func order(_ yaml: String) throws -> [OverflowSettings.Order] {
            try PolicyLoader.parse(yaml: "version: 1\ntarget: {quota: 1 TB}\noverflow: {order: \(yaml)}\n", file: policyFile).overflow.order
        }
        let expected: [OverflowSettings.Order] = [.init(key: .recordActivity, descending: false), .init(key: .size, descending: true)]
        #expect(try order("[record-activity asc, size desc]") == expected)
        #expect(try order("'record-activity asc, size desc'") == expected)
        #expect(try order("[{key: record-activity, order: ascending}, {key: size, order: descending}]") == expected)
        // A key alone takes its natural direction: least valuable first.
        #expect(try order("[record-activity, size]") == expected)
        #expect(try order("[modified, referenced, path]") == [
            .init(key: .modified, descending: false), .init(key: .referenced, descending: false), .init(key: .path, descending: false),
        ])
        #expect(try order("[Size DESC]") == [.init(key: .size, descending: true)])
    }

    @Test func lowWatermarkDefaultsToFivePointsBelowTheHighOne() throws {
        func marks(_ yaml: String) throws -> (Double, Double) {
            let o = try PolicyLoader.parse(yaml: "version: 1\ntarget: {quota: 1 TB}\noverflow: \(yaml)\n", file: policyFile).overflow
            return (o.highWatermark, o.lowWatermark)
        }
        #expect(try marks("{high_watermark: 80%}") == (0.8, 0.75))
        #expect(try marks("{high_watermark: 3%}") == (0.03, 0))
        #expect(try marks("{low_watermark: 50%}") == (0.9, 0.5))
        #expect(try marks("{high_watermark: 100%, low_watermark: 0%}") == (1, 0))
        #expect(try marks("{action: archive}") == (0.9, 0.85))
    }

    // MARK: templates

    @Test(arguments: [
        "{category}/{year}/{name}", "{root}/{relpath}", "{source}/{month}/{stem}.{ext}", "{sha256:2}/{sha256:64}/{name}",
        "{sha256}", "{ dir }/{name}", "by-year/{year}/{{{name}}}", "Archive 2024/{name}", "..data/{name}", "x.{ext}/{name}",
    ])
    func validLayouts(layout: String) throws {
        let p = try PolicyLoader.parse(yaml: "version: 1\nlayout: '\(layout)'\n", file: policyFile)
        #expect(p.layout == layout)
    }

    @Test func everyPlaceholderIsAllowedInALayoutAndAGrouping() throws {
        let all = Policy.placeholders.map { "{\($0)}" }.joined(separator: "-")
        let p = try PolicyLoader.parse(yaml: "version: 1\nlayout: '\(all)/{name}'\narchive: {grouping: '\(all)'}\n", file: policyFile)
        #expect(p.archive.grouping == all)
    }

    // MARK: files

    @Test func loadsFromAFileAndNamesItAsGiven() throws {
        let path = examplesFolder() + "/keep-everything.yaml"
        let policy = try PolicyLoader.load(path: path)
        #expect(policy.file == path)
        #expect(policy.name == "Keep everything")
    }

    @Test func missingFile() {
        #expect(throws: PolicyError(kind: .notFound, file: "/nonexistent/p.yaml", message:
            "no policy at '/nonexistent/p.yaml'; copy one of the examples in policies/, or pass --policy FILE")) {
            try PolicyLoader.load(path: "/nonexistent/p.yaml")
        }
    }

    @Test func folderInsteadOfAFile() {
        do {
            _ = try PolicyLoader.load(path: examplesFolder())
            Issue.record("a folder loaded")
        } catch {
            #expect(error.kind == .unreadable)
            #expect(error.line == nil)
            #expect(error.description.hasSuffix("is a folder, not a policy file; pass the file, e.g. \(examplesFolder())/cloud-50gib.yaml"))
        }
    }
}

/// The example policies users copy: every one loads, without a warning.
@Suite struct ExamplePolicyTests {
    static let names = ["cloud-50gib.yaml", "sharepoint-online.yaml", "keep-everything.yaml", "referenced-only.yaml"]

    @Test func theExamplesAreThere() throws {
        let present = try examplePolicyFiles().map { String($0.split(separator: "/").last!) }
        for name in Self.names { #expect(present.contains(name), "policies/\(name) is missing") }
    }

    @Test func everyExampleLoadsWithoutWarnings() throws {
        let files = try examplePolicyFiles()
        #expect(!files.isEmpty)
        for file in files {
            do {
                let (policy, warnings) = try PolicyLoader.loadWithWarnings(path: file)
                #expect(warnings.isEmpty, "\(warnings)")
                #expect(PolicyLoader.warnings(for: policy).isEmpty)
                #expect(policy.name != nil, "\(file) has no name")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func theExamplesSayWhatTheyPromise() throws {
        let folder = examplesFolder()
        let cloud = try PolicyLoader.load(path: folder + "/cloud-50gib.yaml")
        #expect(cloud.target.quota == ByteCount(Int64(50) << 30))
        #expect(cloud.target.profile == "sharepoint-online")
        #expect(cloud.duplicates.keepOne)
        let sharepoint = try PolicyLoader.load(path: folder + "/sharepoint-online.yaml")
        #expect(sharepoint.target.maxPathLength == 400 && sharepoint.target.caseInsensitive)
        let everything = try PolicyLoader.load(path: folder + "/keep-everything.yaml")
        #expect(everything.rules.isEmpty && everything.defaultAction == .keep && !everything.duplicates.keepOne)
        #expect(everything.target == TargetLimits(profile: "local"))
        let referenced = try PolicyLoader.load(path: folder + "/referenced-only.yaml")
        #expect(referenced.defaultAction == .archive)
        #expect(referenced.rules.contains { $0.when == .referenced(true) && $0.action == .keep })
        // Nothing a live record points at is dropped by any example.
        for policy in [cloud, sharepoint, everything, referenced] {
            for rule in policy.rules where rule.action == .drop {
                #expect(rule.when.map { if case .name = $0 { return true } else { return false } } == true,
                        "\(policy.name ?? "") drops with rule \(rule.name)")
            }
        }
    }
}

/// Documentation/Policy.md says what the loader does.
@Suite struct PolicyDocumentationTests {
    static func text() throws -> String {
        let path = examplesFolder().dropLast("policies".count) + "Documentation/Policy.md"
        guard case .success(let bytes) = ConfigFile.contents(of: String(path)) else {
            throw PolicyError(kind: .notFound, file: String(path), message: "no Policy.md")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The ```yaml blocks of the document.
    static func yamlBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.hasPrefix("```yaml") {
                current = []
            } else if current != nil, line.hasPrefix("```") {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func theFullExampleIsTheRoundTripPolicy() throws {
        let blocks = Self.yamlBlocks(try Self.text())
        let example = try #require(blocks.first)
        let fromDocs = try PolicyLoader.parseWithWarnings(yaml: example, file: policyFile)
        #expect(fromDocs.warnings.isEmpty)
        var expected = try PolicyLoader.parse(yaml: LoadingTests.full, file: policyFile)
        expected.rules = expected.rules.map { var r = $0; r.line = fromDocs.policy.rules.first { $0.name == r.name }!.line; return r }
        #expect(fromDocs.policy == expected)
    }

    @Test func everyConditionExampleLoads() throws {
        let blocks = Self.yamlBlocks(try Self.text())
        #expect(blocks.count >= 3)
        // The block of `when:` examples: each line is one condition.
        let whenBlock = try #require(blocks.first { $0.hasPrefix("when:") })
        var conditions: [String] = []
        for line in whenBlock.split(separator: "\n") {
            if line.hasPrefix("when:") { conditions.append(String(line.dropFirst(5))) } else { conditions[conditions.count - 1] += "\n" + line }
        }
        #expect(conditions.count >= 8)
        for c in conditions {
            let yaml = "version: 1\nrules:\n  - name: r\n    action: keep\n    when:" + c.indentingContinuations() + "\n"
            #expect(parsed(yaml)?.warnings == [], "\(c)")
        }
        // The merge-key block.
        let merge = try #require(blocks.first { $0.contains("<<: *old") })
        let p = parsed("version: 1\nrules:\n" + merge + "\n")?.policy
        #expect(p?.rules.map(\.when) == [
            .all([.modifiedBefore(.years(10)), .category([.pdf])]),
            .all([.category([.image]), .modifiedBefore(.years(10))]),
        ])
    }

    @Test func everyKeyIsDocumented() throws {
        let text = try Self.text()
        let keys = PolicyDecoder.topLevelKeys + PolicyDecoder.targetKeys + PolicyDecoder.ruleKeys + PolicyDecoder.conditionKeys
            + PolicyDecoder.duplicatesKeys + PolicyDecoder.archiveKeys + PolicyDecoder.overflowKeys + PolicyDecoder.limitsKeys
            + PolicyProfiles.names + Policy.placeholders.map { $0 == "sha256" ? "{sha256:N}" : "{\($0)}" } + ["{group}", "{volume}"]
            + ProblemCode.allCases.map(\.rawValue) + Category.allCases.map(\.rawValue)
            + DuplicatePolicy.Preference.allCases.map(\.rawValue) + ArchiveSettings.Format.allCases.map(\.rawValue)
            + OverflowSettings.Key.allCases.map(\.rawValue)
        for key in keys {
            #expect(text.contains("`\(key)`"), "`\(key)` is not in Documentation/Policy.md")
        }
    }
}

private extension String {
    /// The `when:` examples continue on indented lines; indent them below the rule.
    func indentingContinuations() -> String {
        split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix("  ") ? "    " + $0 : String($0) }
            .joined(separator: "\n")
    }
}

/// The repository's policies/ folder, found from this file's path.
func examplesFolder(_ file: String = #filePath) -> String {
    var parts = file.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/AttachePolicyTests/LoadingTests.swift
    return parts.joined(separator: "/") + "/policies"
}

/// Every .yaml file in policies/.
func examplePolicyFiles() throws -> [String] {
    let folder = examplesFolder()
    guard let dir = opendir(folder) else { throw PolicyError(kind: .notFound, file: folder, message: "no policies folder") }
    defer { closedir(dir) }
    var out: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { out.append(folder + "/" + name) }
    }
    return out.sorted()
}
