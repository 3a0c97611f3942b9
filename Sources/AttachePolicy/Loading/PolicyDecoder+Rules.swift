import AttacheConfig
import AttacheModel

/// `rules` and the condition language of `when`.
extension PolicyDecoder {
    static let ruleKeys = ["name", "when", "action"]
    static let conditionKeys = [
        "all", "any", "not", "name", "path", "extension", "category", "mime", "size", "modified", "referenced",
        "only_deleted_references", "records_not_edited_for", "duplicate", "extension_mismatch", "status", "problem",
    ]
    /// Rule names the planner uses for its own decisions; a rule with one of them would make
    /// a plan ambiguous.
    static let reservedRuleNames = ["default", "duplicates", "overflow", "limits", "override"]
    /// The statuses a rule can test (`gone` files are not planned).
    static let statuses = [FileStatus.ok, .unreadable, .special].map(\.rawValue)

    typealias Conjuncts = [(condition: Condition, location: YAMLLocation?)]

    mutating func rules(_ node: YAMLNode) throws(YAMLDiagnostic) -> [Rule] {
        let example = "rules: [{name: drop-temp-files, when: {name: '*.tmp'}, action: drop}]"
        var rules: [Rule] = []
        var nameNodes: [String: YAMLNode] = [:]
        for item in try node.sequence("'rules'", example: example) {
            guard case .mapping = item.content else {
                throw item.error("each rule is a mapping with 'name', 'when' and 'action', found \(item.found); "
                    + "e.g. '- {name: drop-temp-files, when: {name: '*.tmp'}, action: drop}'")
            }
            var m = try item.mapping("a rule")
            if let name = m.value("name")?.scalarText { m = m.named("rule '\(name)'") }
            try m.checkKeys(PolicyDecoder.ruleKeys)
            let nameNode = try m.require("name", expected: "a unique name that plans and reports show, e.g. 'name: drop-temp-files'")
            let name = try nameNode.nonEmptyString("the rule's 'name'").trimmingWhitespace()
            if PolicyDecoder.reservedRuleNames.contains(name) {
                throw nameNode.error("'\(name)' cannot name a rule: plans use it for their own decisions "
                    + "(\(PolicyDecoder.reservedRuleNames.joined(separator: ", "))); choose another name")
            }
            if let first = nameNodes[name] {
                throw nameNode.error("rule name '\(name)' is used twice (first at \(first.location.lineAndColumn)); "
                    + "names must be unique so that every decision names its rule")
            }
            nameNodes[name] = nameNode
            let actionNode = try m.require("action", expected: "what happens to the files it matches: keep, archive or drop")
            let action = DecisionAction(rawValue: try PolicyValues.choice(actionNode, "'action'", kind: "action",
                                                                  among: PolicyDecoder.actions))!
            var when: Condition? = nil
            var conjuncts: Conjuncts = []
            if let entry = m.entry("when") {
                guard !entry.value.isNull else {
                    throw YAMLDiagnostic(.schema, at: entry.keyLocation, "'when' has no value in \(m.what): give a condition, "
                        + "e.g. 'when: {referenced: false}', or leave 'when' out to match every file")
                }
                (when, conjuncts) = try condition(entry.value, "'when' of \(m.what)")
            }
            rules.append(Rule(name: name, when: when, action: action, line: item.location.line))
            sites.rules.append(PolicySites.RuleSite(location: item.location, conjuncts: conjuncts))
        }
        return rules
    }

    /// A condition: a mapping whose keys each give one condition, all of which must hold.
    /// - Returns: the condition and its conjuncts (what must all hold, `all` flattened), each
    ///   where it is written, for the warnings.
    func condition(_ node: YAMLNode, _ what: String) throws(YAMLDiagnostic) -> (Condition, Conjuncts) {
        switch node.content {
        case .sequence:
            throw node.error("\(what) is a list; a condition is a mapping. To require every item write "
                + "'all: [...]', to require one of them 'any: [...]'")
        case .scalar:
            throw node.error("expected a condition for \(what) (a mapping such as 'referenced: true' or "
                + "'name: [\"*.tmp\"]'), found \(node.found)")
        case .mapping(let entries):
            let m = try node.mapping("a condition", allowedKeys: PolicyDecoder.conditionKeys)
            guard !entries.isEmpty else {
                throw node.error("\(what) is an empty condition; give at least one key, e.g. 'referenced: true'")
            }
            var conditions: [Condition] = []
            var conjuncts: Conjuncts = []
            for entry in m.entries {
                let (c, parts) = try single(entry)
                conditions.append(c)
                conjuncts += parts
            }
            return (conditions.count == 1 ? conditions[0] : .all(conditions), conjuncts)
        }
    }

    /// One `key: value` of a condition mapping.
    private func single(_ entry: YAMLEntry) throws(YAMLDiagnostic) -> (Condition, Conjuncts) {
        let key = entry.key
        let value = entry.value
        let quoted = "'\(key)'"
        guard !value.isNull else {
            throw YAMLDiagnostic(.schema, at: entry.keyLocation, "\(quoted) has no value: expected "
                + (PolicyDecoder.conditionExpectation[key] ?? "a value"))
        }
        func leaf(_ c: Condition) -> (Condition, Conjuncts) { (c, [(c, entry.keyLocation)]) }
        switch key {
        case "all", "any":
            let (children, conjuncts) = try conditions(key, value)
            return key == "all" ? (.all(children), conjuncts) : leaf(.any(children))
        case "not":
            if case .sequence = value.content {
                throw value.error("'not' takes one condition (a mapping), found a list; to exclude any of several, "
                    + "write 'not: {any: [...]}'")
            }
            return leaf(.not(try condition(value, quoted).0))
        case "name":
            var globs: [String] = []
            for (text, item) in try PolicyValues.scalarItems(value, quoted, example: "['~$*', '*.tmp']") {
                try checkNameGlob(text, at: item, what: quoted)
                globs.append(text)
            }
            return leaf(.name(globs))
        case "path":
            return leaf(.path(try paths(value, quoted)))
        case "extension":
            return leaf(.fileExtension(try extensions(value)))
        case "category":
            return leaf(.category(try categories(value, quoted)))
        case "mime":
            return leaf(.mime(try mimeTypes(value, quoted)))
        case "size":
            return leaf(try size(value))
        case "modified":
            return try modified(value)
        case "referenced":
            return leaf(.referenced(try value.bool(quoted)))
        case "only_deleted_references":
            return leaf(.onlyDeletedReferences(try value.bool(quoted)))
        case "records_not_edited_for":
            return leaf(.recordsNotEditedSince(try PolicyValues.age(value, quoted)))
        case "duplicate":
            return leaf(.duplicate(try value.bool(quoted)))
        case "extension_mismatch":
            return leaf(.extensionMismatch(try value.bool(quoted)))
        case "status":
            return leaf(.status(try statuses(value, quoted)))
        case "problem":
            return leaf(try problem(value))
        default:
            // checkKeys has refused every other key.
            throw YAMLDiagnostic(.schema, at: entry.keyLocation, "unknown condition \(quoted)")
        }
    }

    static let conditionExpectation: [String: String] = [
        "all": "a list of conditions that must all hold",
        "any": "a list of conditions of which one must hold",
        "not": "a condition that must not hold, e.g. 'not: {category: pdf}'",
        "name": "a name pattern or a list of them, e.g. ['~$*', '*.tmp']",
        "path": "a path pattern or a list of them, e.g. '**/Backup/**'",
        "extension": "an extension or a list of them, e.g. [pdf, docx]",
        "category": "a category or a list of them, e.g. [pdf, image]",
        "mime": "a MIME type pattern or a list of them, e.g. 'image/*'",
        "size": "a range such as {min: 10 MB, max: 1 GiB} or '> 100 MB'",
        "modified": "{before: AGE or DATE} and/or {after: AGE or DATE}, e.g. {before: 7 years}",
        "referenced": "true or false",
        "only_deleted_references": "true or false",
        "records_not_edited_for": "an age such as '7 years'",
        "duplicate": "true or false",
        "extension_mismatch": "true or false",
        "status": "ok, unreadable or special (or a list of them)",
        "problem": "a problem code, a list of them, 'any', true or false",
    ]

    /// `pdf`, `.PDF`, `[pdf, docx]` → lower-cased, without the dot.
    /// The children of `all` / `any`, and their conjuncts.
    private func conditions(_ key: String, _ value: YAMLNode) throws(YAMLDiagnostic) -> ([Condition], Conjuncts) {
        let quoted = "'\(key)'"
        let example = "\(key): [{referenced: false}, {modified: {before: 7 years}}]"
        guard case .sequence(let items) = value.content else {
            throw value.error("expected a list of conditions for \(quoted), found \(value.found); e.g. \(example)")
        }
        guard !items.isEmpty else { throw value.error("\(quoted) is an empty list; e.g. \(example)") }
        var children: [Condition] = []
        var conjuncts: Conjuncts = []
        for item in items {
            let (c, parts) = try condition(item, "each item of \(quoted)")
            children.append(c)
            conjuncts += parts
        }
        return (children, conjuncts)
    }

    private func paths(_ value: YAMLNode, _ quoted: String) throws(YAMLDiagnostic) -> [String] {
        var globs: [String] = []
        for (text, item) in try PolicyValues.scalarItems(value, quoted, example: "['**/Backup/**']") {
            try checkGlob(text, at: item, what: quoted)
            globs.append(text)
        }
        return globs
    }

    private func categories(_ value: YAMLNode, _ quoted: String) throws(YAMLDiagnostic) -> [Category] {
        let names = Category.allCases.map(\.rawValue)
        var categories: [Category] = []
        for (_, item) in try PolicyValues.scalarItems(value, quoted, example: "[pdf, image]") {
            let c = Category(rawValue: try PolicyValues.choice(item, quoted, kind: "category", among: names))!
            if !categories.contains(c) { categories.append(c) }
        }
        return categories
    }

    private func mimeTypes(_ value: YAMLNode, _ quoted: String) throws(YAMLDiagnostic) -> [String] {
        var types: [String] = []
        for (text, item) in try PolicyValues.scalarItems(value, quoted, example: "['image/*', application/pdf]") {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !text.contains(" ") else {
                throw item.error("'\(text)' in 'mime' is not a MIME type; write type/subtype, e.g. 'application/pdf' or 'image/*'")
            }
            try checkGlob(text, at: item, what: quoted)
            types.append(text.lowercased())
        }
        return types
    }

    private func statuses(_ value: YAMLNode, _ quoted: String) throws(YAMLDiagnostic) -> [FileStatus] {
        var statuses: [FileStatus] = []
        for (text, item) in try PolicyValues.scalarItems(value, quoted, example: "[unreadable, special]") {
            if text.lowercased() == FileStatus.gone.rawValue {
                throw item.error("files that are gone are not planned; 'status' can be: "
                    + PolicyDecoder.statuses.joined(separator: ", "))
            }
            let s = FileStatus(rawValue: try PolicyValues.choice(item, quoted, kind: "status", among: PolicyDecoder.statuses))!
            if !statuses.contains(s) { statuses.append(s) }
        }
        return statuses
    }

    private func extensions(_ value: YAMLNode) throws(YAMLDiagnostic) -> [String] {
        var out: [String] = []
        for (text, item) in try PolicyValues.scalarItems(value, "'extension'", example: "[pdf, docx]") {
            var e = text.lowercased()
            if e.hasPrefix(".") { e.removeFirst() }
            guard !e.isEmpty else { throw item.error("an extension in 'extension' is empty; write e.g. 'pdf'") }
            if let c = e.first(where: { "/\\*?[]".contains($0) }) {
                throw item.error("'\(text)' in 'extension' contains '\(c)'; extensions are compared exactly "
                    + "(write 'pdf'); use 'name' for patterns such as '*.pdf*'")
            }
            if !out.contains(e) { out.append(e) }
        }
        return out
    }

    /// `{min: 10 MB, max: 1 GiB}` (both ends included), or `'> 100 MB'`, `'>= 100 MB'`,
    /// `'< 1 GiB'`, `'<= 1 GiB'`.
    private func size(_ value: YAMLNode) throws(YAMLDiagnostic) -> Condition {
        switch value.content {
        case .mapping:
            let m = try value.mapping("'size'", allowedKeys: ["min", "max"])
            let minNode = m.value("min"), maxNode = m.value("max")
            guard minNode != nil || maxNode != nil else {
                throw value.error("'size' gives neither 'min' nor 'max'; e.g. 'size: {min: 10 MB, max: 1 GiB}'")
            }
            let min = try minNode.map { n throws(YAMLDiagnostic) in try PolicyValues.size(n, "'min' of 'size'", example: "'10 MB'") }
            let max = try maxNode.map { n throws(YAMLDiagnostic) in try PolicyValues.size(n, "'max' of 'size'", example: "'1 GiB'") }
            if let min, let max, min > max {
                throw maxNode!.error("'max' of 'size' (\(max)) is below its 'min' (\(min)): no file can match")
            }
            return .size(min: min, max: max)
        case .scalar:
            let text = try value.nonEmptyString("'size'").trimmingWhitespace()
            let expected = "write '> 100 MB', '<= 1 GiB', or a range such as {min: 10 MB, max: 1 GiB}"
            var op = ""
            for candidate in [">=", "<=", ">", "<"] where text.hasPrefix(candidate) {
                op = candidate
                break
            }
            guard !op.isEmpty else {
                throw value.error("'size' needs a comparison or a range, found '\(text)'; \(expected)")
            }
            let amount = try PolicyValues.size(text: text.dropFirst(op.count).trimmingWhitespace(), at: value, "'size'",
                                               example: "'> 100 MB'")
            switch op {
            case ">=": return .size(min: amount, max: nil)
            case ">": return .size(min: ByteCount(amount.value + 1), max: nil)
            case "<=": return .size(min: nil, max: amount)
            default:
                guard amount.value > 0 else { throw value.error("'size: \(text)' matches no file: no file is smaller than 0 B") }
                return .size(min: nil, max: ByteCount(amount.value - 1))
            }
        case .sequence:
            throw value.error("expected a range for 'size', found a list; write '> 100 MB' or {min: 10 MB, max: 1 GiB}")
        }
    }

    /// `{before: 7 years}`, `{after: 2020-01-01}`, or both (a window).
    private func modified(_ value: YAMLNode) throws(YAMLDiagnostic) -> (Condition, Conjuncts) {
        guard case .mapping = value.content else {
            throw value.error("expected {before: …} and/or {after: …} for 'modified', found \(value.found); "
                + "e.g. 'modified: {before: 7 years}' for files last changed more than 7 years ago")
        }
        let m = try value.mapping("'modified'", allowedKeys: ["before", "after"])
        var conjuncts: Conjuncts = []
        for entry in m.entries {
            guard !entry.value.isNull else {
                throw YAMLDiagnostic(.schema, at: entry.keyLocation,
                    "'\(entry.key)' has no value in 'modified': expected an age such as '7 years' or a date such as '2015-01-01'")
            }
            let age = try PolicyValues.age(entry.value, "'\(entry.key)' of 'modified'")
            conjuncts.append((entry.key == "before" ? .modifiedBefore(age) : .modifiedAfter(age), entry.keyLocation))
        }
        guard !conjuncts.isEmpty else {
            throw value.error("'modified' gives neither 'before' nor 'after'; e.g. 'modified: {before: 7 years}'")
        }
        return (conjuncts.count == 1 ? conjuncts[0].condition : .all(conjuncts.map(\.condition)), conjuncts)
    }

    /// `problem: any`, `true` or `[]` (any problem), `false` (no problem), or codes.
    private func problem(_ value: YAMLNode) throws(YAMLDiagnostic) -> Condition {
        if case .scalar(let s) = value.content {
            if case .bool(let b) = s.kind { return b ? .problem([]) : .not(.problem([])) }
            if s.text.trimmingWhitespace().lowercased() == "any" { return .problem([]) }
        }
        let codes = ProblemCode.allCases.map(\.rawValue)
        var out: [ProblemCode] = []
        for (_, item) in try PolicyValues.scalarItems(value, "'problem'", example: "[permission-denied, io-error]", allowEmpty: true) {
            if item.scalarText?.lowercased() == "any" {
                throw item.error("'any' stands alone ('problem: any'); in a list, name the problems")
            }
            let code = ProblemCode(rawValue: try PolicyValues.choice(item, "'problem'", kind: "problem code", among: codes))!
            if !out.contains(code) { out.append(code) }
        }
        return .problem(out)
    }
}
