import AttacheConfig
import AttacheModel

/// Where the loader found the things its warnings point at (a ``Policy`` value keeps only
/// each rule's line).
struct PolicySites {
    struct RuleSite {
        /// The rule's item in `rules`.
        var location: YAMLLocation
        /// The rule's condition as the conditions that must all hold (a top-level `all` and
        /// several keys in one mapping flattened), each where it is written.
        var conjuncts: [(condition: Condition, location: YAMLLocation?)]
    }
    var rules: [RuleSite] = []
    /// The `overflow` key, when the policy has an overflow section.
    var overflow: YAMLLocation?
    /// The `layout` value, when the policy writes one.
    var layout: YAMLLocation?
    /// The first of `tombstone` / `tombstone_link` under `rewrite`, when written.
    var tombstone: YAMLLocation?
}

/// Walks a policy's located node tree into a ``Policy``, throwing at the first node that
/// does not fit. The version is read first (``version(of:)``) so that a newer file is
/// refused for its version, not for keys this build does not know yet.
struct PolicyDecoder {
    let file: String
    var sites = PolicySites()
    /// `{record.COLUMN}` placeholders of archive 'grouping'.
    var groupingFields: [RecordFieldUse] = []

    init(file: String) { self.file = file }

    static let topLevelKeys = ["version", "name", "target", "layout", "rules", "default", "duplicates", "archive",
                               "overflow", "limits", "rewrite"]
    static let targetKeys = ["profile", "quota", "max_file_size", "max_path_length", "max_name_length",
                             "forbidden_characters", "reserved_names", "forbidden_names", "case_insensitive"]
    static let duplicatesKeys = ["keep_one", "prefer"]
    static let archiveKeys = ["format", "volume_size", "grouping", "naming"]
    static let overflowKeys = ["order", "action", "high_watermark", "low_watermark"]
    static let overflowOrderKeys = ["key", "order"]
    static let limitsKeys = ["too_large", "rename"]
    static let actions = DecisionAction.allCases.map(\.rawValue)
    /// The word that lifts a profile's limit (`max_path_length: unlimited`).
    static let unlimited = "unlimited"
    /// Archive volumes below this are a unit mistake ('4' meant as 4 GiB).
    static let smallestVolume = ByteCount(Int64(1_048_576))

    /// The top-level mapping (its keys are checked in ``policy(from:version:)``).
    func topLevel(_ root: YAMLNode) throws(YAMLDiagnostic) -> YAMLMapping {
        guard case .mapping = root.content else {
            throw root.error("a policy must be a mapping of keys (version, target, rules, …), found \(root.found)")
        }
        return try root.mapping("the policy")
    }

    /// The declared format version and where it is written.
    func version(of top: YAMLMapping) throws(YAMLDiagnostic) -> (value: Int, node: YAMLNode) {
        let node = try top.require("version", expected: "the policy format version, 'version: \(Policy.currentVersion)'")
        let value: Int
        if case .scalar(let s) = node.content, case .string = s.kind, let quoted = Int(s.text.trimmingWhitespace()) {
            value = quoted  // version: "1" is fine too
        } else {
            guard case .scalar(let s) = node.content, case .int(let i) = s.kind else {
                throw node.error("expected a whole number for 'version', found \(node.found); "
                    + "this build reads policy version \(Policy.currentVersion)")
            }
            value = i
        }
        guard value >= 1 else {
            throw node.error("'version' must be 1 or more, found \(value); this build reads policy version \(Policy.currentVersion)")
        }
        return (value, node)
    }

    /// The whole policy, once the version is known to be readable.
    mutating func policy(from top: YAMLMapping, version: Int) throws(YAMLDiagnostic) -> Policy {
        try top.checkKeys(PolicyDecoder.topLevelKeys)
        var policy = Policy(version: version, file: file)
        policy.name = try top.value("name")?.nonEmptyString("'name'")
        if let node = top.value("target") { policy.target = try target(node) }
        if let node = top.value("layout") {
            let layout = try node.string("'layout'")
            let parts = try PolicyTemplateCheck.check(layout, at: node, use: .layout, forbidden: policy.target.forbiddenCharacters)
            policy.layout = layout
            for f in PolicyTemplateCheck.recordFields(parts) {
                policy.recordFields.append(RecordFieldUse(field: f, key: "layout", line: node.location.line, column: node.location.column))
            }
            sites.layout = node.location
        }
        if let node = top.value("rules") { policy.rules = try rules(node) }
        if let node = top.value("default") {
            policy.defaultAction = DecisionAction(rawValue: try PolicyValues.choice(node, "'default'", kind: "action",
                                                                            among: PolicyDecoder.actions))!
        }
        if let node = top.value("duplicates") { policy.duplicates = try duplicates(node) }
        if let node = top.value("archive") {
            policy.archive = try archive(node, forbidden: policy.target.forbiddenCharacters)
            policy.recordFields += groupingFields.filter { g in !policy.recordFields.contains { $0.field == g.field } }
        }
        if let node = top.value("overflow") {
            policy.overflow = try overflow(node)
            sites.overflow = top.entry("overflow")?.keyLocation
        }
        if let node = top.value("limits") { policy.limits = try limits(node) }
        if let node = top.value("rewrite") { policy.rewrite = try rewrite(node) }
        return policy
    }

    // MARK: target

    func target(_ node: YAMLNode) throws(YAMLDiagnostic) -> TargetLimits {
        // `target: sharepoint-online` is short for `target: {profile: sharepoint-online}`.
        if case .scalar = node.content {
            if let text = node.scalarText, text.contains("/") {
                throw node.error("'target' in a policy is the new storage's limits (a profile such as 'sharepoint-online', "
                    + "or a mapping of limits), found '\(text)'; the folder to copy to is 'target' in the manifest")
            }
            return try profile(node)
        }
        let m = try node.mapping("'target'", allowedKeys: PolicyDecoder.targetKeys)
        var t = TargetLimits()
        if let p = m.value("profile") { t = try profile(p) }
        if let n = m.value("quota") { t.quota = try limitSize(n, "'quota'", example: "'50 GiB'") }
        if let n = m.value("max_file_size") { t.maxFileSize = try limitSize(n, "'max_file_size'", example: "'250 GB'") }
        if let n = m.value("max_path_length") { t.maxPathLength = try limitLength(n, "'max_path_length'") }
        if let n = m.value("max_name_length") { t.maxNameLength = try limitLength(n, "'max_name_length'") }
        // An empty value (`reserved_names:`) keeps the profile's; `[]` or '' clears it.
        if let n = m.value("forbidden_characters") { t.forbiddenCharacters = try forbiddenCharacters(n) }
        if let n = m.value("reserved_names") {
            t.reservedNames = try PolicyValues.scalarItems(n, "'reserved_names'", example: "[CON, PRN, AUX]", allowEmpty: true).map(\.text)
        }
        if let n = m.value("forbidden_names") { t.forbiddenNamePatterns = try forbiddenNames(n) }
        if let n = m.value("case_insensitive") { t.caseInsensitive = try n.bool("'case_insensitive'") }
        return t
    }

    private func profile(_ node: YAMLNode) throws(YAMLDiagnostic) -> TargetLimits {
        let name = try PolicyValues.choice(node, "'profile'", kind: "profile", among: PolicyProfiles.names)
        return PolicyProfiles.limits(for: name)!
    }

    private func isUnlimited(_ node: YAMLNode) -> Bool {
        guard case .scalar(let s) = node.content, case .string = s.kind else { return false }
        return s.text.trimmingWhitespace().lowercased() == PolicyDecoder.unlimited
    }

    /// A size, or `unlimited` (nil) to lift a profile's limit.
    private func limitSize(_ node: YAMLNode, _ what: String, example: String) throws(YAMLDiagnostic) -> ByteCount? {
        if isUnlimited(node) { return nil }
        let size = try PolicyValues.size(node, what, example: example)
        guard size.value > 0 else { throw node.error("\(what) must be more than 0 B (write 'unlimited' for no limit)") }
        return size
    }

    /// A number of characters, or `unlimited`.
    private func limitLength(_ node: YAMLNode, _ what: String) throws(YAMLDiagnostic) -> Int? {
        if isUnlimited(node) { return nil }
        guard case .scalar(let s) = node.content, case .int = s.kind else {
            throw node.error("expected a whole number of characters for \(what) (or 'unlimited'), found \(node.found)")
        }
        return try PolicyValues.positiveInt(node, what)
    }

    /// `'"*:<>?/\|'` (spaces between the characters are ignored) or a list of single characters.
    private func forbiddenCharacters(_ node: YAMLNode) throws(YAMLDiagnostic) -> [Character] {
        var out: [Character] = []
        func add(_ c: Character) { if !out.contains(c) { out.append(c) } }
        switch node.content {
        case .scalar:
            for c in try node.string("'forbidden_characters'") where !c.isWhitespace { add(c) }
        case .sequence(let items):
            for item in items {
                let text = try item.string("each item of 'forbidden_characters'")
                guard text.count == 1, let c = text.first else {
                    throw item.error("each item of 'forbidden_characters' is one character, found '\(text)'")
                }
                add(c)
            }
        case .mapping:
            throw node.error("expected the characters as text for 'forbidden_characters', e.g. '\"*:<>?/\\|', found a mapping")
        }
        return out
    }

    /// Name patterns the target refuses: `['~$*', '*.lock']`.
    private func forbiddenNames(_ node: YAMLNode) throws(YAMLDiagnostic) -> [String] {
        var out: [String] = []
        for (text, item) in try PolicyValues.scalarItems(node, "'forbidden_names'", example: "['~$*', '*.lock']",
                                                          allowEmpty: true) {
            try checkNameGlob(text, at: item, what: "'forbidden_names'")
            out.append(text)
        }
        return out
    }

    /// A pattern over one name: a valid glob without '/'.
    func checkNameGlob(_ pattern: String, at node: YAMLNode, what: String) throws(YAMLDiagnostic) {
        if pattern.contains("/") {
            throw node.error("'\(pattern)' in \(what) contains '/', but it matches a file's name only; use 'path' to match folders")
        }
        try checkGlob(pattern, at: node, what: what)
    }

    func checkGlob(_ pattern: String, at node: YAMLNode, what: String) throws(YAMLDiagnostic) {
        do {
            _ = try PathGlob(pattern)
        } catch let invalid as PathGlob.Invalid {
            throw node.error("invalid pattern '\(pattern)' in \(what): \(invalid.reason)")
        } catch {
            throw node.error("invalid pattern '\(pattern)' in \(what)")
        }
    }

    // MARK: duplicates, archive, overflow, limits

    func duplicates(_ node: YAMLNode) throws(YAMLDiagnostic) -> DuplicatePolicy {
        let m = try node.mapping("'duplicates'", allowedKeys: PolicyDecoder.duplicatesKeys)
        var d = DuplicatePolicy()
        if let n = m.value("keep_one") { d.keepOne = try n.bool("'keep_one'") }
        if let n = m.value("prefer") {
            let names = DuplicatePolicy.Preference.allCases.map(\.rawValue)
            var prefer: [DuplicatePolicy.Preference] = []
            var seen: [DuplicatePolicy.Preference: YAMLNode] = [:]
            for (_, item) in try PolicyValues.scalarItems(n, "'prefer'", example: "[most-referenced, oldest, shortest-path]") {
                let p = DuplicatePolicy.Preference(rawValue: try PolicyValues.choice(item, "'prefer'", kind: "preference", among: names))!
                if let first = seen[p] {
                    throw item.error("'\(p.rawValue)' is given twice in 'prefer' (first at \(first.location.lineAndColumn))")
                }
                seen[p] = item
                prefer.append(p)
            }
            d.preference = prefer
        }
        return d
    }

    mutating func archive(_ node: YAMLNode, forbidden: [Character]) throws(YAMLDiagnostic) -> ArchiveSettings {
        let m = try node.mapping("'archive'", allowedKeys: PolicyDecoder.archiveKeys)
        var a = ArchiveSettings()
        if let n = m.value("format") {
            a.format = ArchiveSettings.Format(rawValue: try PolicyValues.choice(
                n, "'format'", kind: "archive format", among: ArchiveSettings.Format.allCases.map(\.rawValue)))!
        }
        if let n = m.value("volume_size") {
            if isUnlimited(n) {
                a.volumeSize = nil
            } else {
                let size = try PolicyValues.size(n, "'volume_size'", example: "'4 GiB'")
                guard size >= PolicyDecoder.smallestVolume else {
                    throw n.error("'volume_size' is \(size); an archive volume must be at least 1 MiB, e.g. '4 GiB' "
                        + "(or 'unlimited' for one archive per group)")
                }
                a.volumeSize = size
            }
        }
        if let n = m.value("grouping") {
            a.grouping = try n.string("archive 'grouping'")
            let parts = try PolicyTemplateCheck.check(a.grouping, at: n, use: .grouping, forbidden: forbidden)
            for f in PolicyTemplateCheck.recordFields(parts) {
                groupingFields.append(RecordFieldUse(field: f, key: "archive grouping", line: n.location.line, column: n.location.column))
            }
        }
        if let n = m.value("naming") {
            a.naming = try n.string("archive 'naming'")
            try PolicyTemplateCheck.check(a.naming, at: n, use: .naming, forbidden: forbidden)
        }
        return a
    }

    func overflow(_ node: YAMLNode) throws(YAMLDiagnostic) -> OverflowSettings {
        let m = try node.mapping("'overflow'", allowedKeys: PolicyDecoder.overflowKeys)
        var o = OverflowSettings()
        if let n = m.value("order") { o.order = try overflowOrder(n) }
        if let n = m.value("action") {
            let action = DecisionAction(rawValue: try PolicyValues.choice(n, "overflow 'action'", kind: "action",
                                                                  among: PolicyDecoder.actions))!
            guard action != .keep else {
                throw n.error("overflow 'action' is what happens to the files that do not fit: "
                    + "'\(DecisionAction.archive.rawValue)' or '\(DecisionAction.drop.rawValue)', not '\(DecisionAction.keep.rawValue)'")
            }
            o.action = action
        }
        let highNode = m.value("high_watermark"), lowNode = m.value("low_watermark")
        if let highNode { o.highWatermark = try PolicyValues.percentage(highNode, "'high_watermark'") }
        if let lowNode {
            o.lowWatermark = try PolicyValues.percentage(lowNode, "'low_watermark'")
        } else if highNode != nil {
            // Five points of headroom below the high watermark unless told otherwise.
            let highPercent = (o.highWatermark * 100 * 1e6).rounded() / 1e6
            o.lowWatermark = max(0, highPercent - 5) / 100
        }
        if o.highWatermark == 0, let n = highNode {
            throw n.error("'high_watermark' must be more than 0%: at 0% nothing could be kept")
        }
        if o.lowWatermark > o.highWatermark {
            let high = PolicyValues.percentText(o.highWatermark), low = PolicyValues.percentText(o.lowWatermark)
            if let lowNode {
                throw lowNode.error("'low_watermark' (\(low)) is above 'high_watermark' (\(high)); "
                    + "files leave until the kept bytes are at the low watermark, so it must be at or below the high one")
            }
            throw highNode!.error("'high_watermark' (\(high)) is below 'low_watermark' (\(low)); "
                + "the low watermark must be at or below the high one")
        }
        return o
    }

    /// `[record-activity asc, size desc]`, `'record-activity asc, size desc'`, or a list of
    /// `{key: size, order: desc}`. A key alone takes its natural direction.
    private func overflowOrder(_ node: YAMLNode) throws(YAMLDiagnostic) -> [OverflowSettings.Order] {
        let example = "[record-activity asc, size desc]"
        var entries: [(text: String?, mapping: YAMLMapping?, node: YAMLNode)] = []
        switch node.content {
        case .scalar:
            let text = try node.nonEmptyString("overflow 'order'")
            for piece in text.split(separator: ",") { entries.append((String(piece), nil, node)) }
        case .sequence(let items):
            guard !items.isEmpty else { throw node.error("overflow 'order' is an empty list; e.g. \(example)") }
            for item in items {
                switch item.content {
                case .scalar: entries.append((try item.nonEmptyString("each item of overflow 'order'"), nil, item))
                case .mapping:
                    entries.append((nil, try item.mapping("an overflow order", allowedKeys: PolicyDecoder.overflowOrderKeys), item))
                case .sequence:
                    throw item.error("expected 'key direction' (e.g. 'size desc') or {key: size, order: desc} for each item "
                        + "of overflow 'order', found a list")
                }
            }
        case .mapping:
            throw node.error("expected a list for overflow 'order', e.g. \(example), found a mapping")
        }
        let keys = OverflowSettings.Key.allCases.map(\.rawValue)
        var out: [OverflowSettings.Order] = []
        var seen: [OverflowSettings.Key: YAMLNode] = [:]
        for entry in entries {
            let key: OverflowSettings.Key
            var descending: Bool? = nil
            let at = entry.node
            if let m = entry.mapping {
                let keyNode = try m.require("key", expected: "what to order by, one of: " + keys.joined(separator: ", "))
                key = OverflowSettings.Key(rawValue: try PolicyValues.choice(keyNode, "overflow 'order'", kind: "order key", among: keys))!
                if let dirNode = m.value("order") {
                    let word = try PolicyValues.choice(dirNode, "'order'", kind: "direction",
                                                       among: ["asc", "desc", "ascending", "descending"])
                    descending = word.hasPrefix("desc")
                }
            } else {
                let words = entry.text!.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard let first = words.first, words.count <= 2 else {
                    throw at.error("expected 'key direction' in overflow 'order', e.g. 'size desc', found '\(entry.text!.trimmingWhitespace())'")
                }
                guard let k = keys.first(where: { $0 == first.lowercased() }) else {
                    throw at.error("unknown order key '\(first)' in overflow 'order'" + PolicyValues.hint(for: first, among: keys))
                }
                key = OverflowSettings.Key(rawValue: k)!
                if words.count == 2 {
                    switch words[1].lowercased() {
                    case "asc", "ascending": descending = false
                    case "desc", "descending": descending = true
                    default:
                        throw at.error("unknown direction '\(words[1])' in overflow 'order'; write 'asc' or 'desc'")
                    }
                }
            }
            if let first = seen[key] {
                throw at.error("'\(key.rawValue)' is given twice in overflow 'order'"
                    + (first.location == at.location ? "" : " (first at \(first.location.lineAndColumn))"))
            }
            seen[key] = at
            out.append(OverflowSettings.Order(key: key, descending: descending ?? PolicyDecoder.naturalDescending(key)))
        }
        return out
    }

    /// The direction a key takes when none is written: the least valuable files first —
    /// oldest record activity and modification, largest, fewest references, path order.
    static func naturalDescending(_ key: OverflowSettings.Key) -> Bool {
        switch key {
        case .size: return true
        case .recordActivity, .modified, .referenced, .path: return false
        }
    }

    func limits(_ node: YAMLNode) throws(YAMLDiagnostic) -> LimitHandling {
        let m = try node.mapping("'limits'", allowedKeys: PolicyDecoder.limitsKeys)
        var l = LimitHandling()
        if let n = m.value("too_large") {
            let action = DecisionAction(rawValue: try PolicyValues.choice(n, "'too_large'", kind: "action", among: PolicyDecoder.actions))!
            guard action != .keep else {
                throw n.error("'too_large' is for files the target cannot hold as they are: '\(DecisionAction.archive.rawValue)' (split into volumes) "
                    + "or '\(DecisionAction.drop.rawValue)', not '\(DecisionAction.keep.rawValue)'")
            }
            l.tooLarge = action
        }
        if let n = m.value("rename") { l.rename = try n.bool("'rename'") }
        return l
    }
}
