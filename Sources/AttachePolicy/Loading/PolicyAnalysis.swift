import AttacheConfig
import AttacheModel

/// The warnings of a policy: things that are allowed but almost certainly not meant.
///
/// - a rule after a catch-all (a rule without `when`), or after a rule with the same
///   condition, can never match;
/// - a rule whose condition contradicts itself at the top level can never match (simple
///   cases: `referenced: true` and `referenced: false`, X and `not: X`, disjoint categories,
///   extensions or statuses, size ranges that do not meet, a `modified` window that is empty);
/// - an `overflow` section without a quota has no effect;
/// - a tombstone text without `dropped: tombstone` has no effect;
/// - a layout whose last part names no file ({name}, {stem}, {relpath}, {sha256}) gives every
///   file of a folder the same name.
enum PolicyAnalysis {
    typealias Conjuncts = [(condition: Condition, location: YAMLLocation?)]

    /// - Parameter sites: where the loader found things; nil for a ``Policy`` value alone (then
    ///   a rule's warning is at its line, column unknown, and the `overflow` warning is not
    ///   given since the value cannot tell a written section from the defaults).
    static func warnings(for policy: Policy, sites: PolicySites?) -> [PolicyWarning] {
        let file = policy.file ?? "policy"
        var out: [PolicyWarning] = []
        func warn(_ location: YAMLLocation?, line: Int = 0, _ message: String) {
            out.append(PolicyWarning(file: file, line: location?.line ?? line, column: location?.column ?? 0, message: message))
        }
        func place(_ location: YAMLLocation?, line: Int) -> String {
            let l = location?.line ?? line
            return l > 0 ? " (line \(l))" : ""
        }

        if let layoutParts = try? PolicyTemplateCheck.parts(
            of: policy.layout, at: YAMLNode(.scalar(YAMLScalar(text: "", kind: .string)), at: YAMLLocation(file: file, line: 0, column: 0)),
            what: "'layout'"), !PolicyTemplateCheck.namesFiles(layoutParts) {
            warn(sites?.layout, "the last part of 'layout' ('\(PolicyTemplateCheck.lastSegment(layoutParts))') has none of "
                + "{name}, {stem}, {relpath} or {sha256:N}: every file in a folder gets the same name, told apart only by a number")
        }

        var catchAll: Rule? = nil
        for (index, rule) in policy.rules.enumerated() {
            let site = sites.flatMap { index < $0.rules.count ? $0.rules[index] : nil }
            let at = site?.location
            let prefix = "rule '\(rule.name)' can never match: "
            if let c = catchAll {
                warn(at, line: rule.line, prefix + "rule '\(c.name)'\(place(nil, line: c.line)) before it has no 'when' "
                    + "and matches every file")
                continue
            }
            guard let when = rule.when else {
                catchAll = rule
                continue
            }
            if let twin = policy.rules[..<index].first(where: { $0.when == when }) {
                warn(at, line: rule.line, prefix + "rule '\(twin.name)'\(place(nil, line: twin.line)) has the same condition "
                    + "and comes first")
                continue
            }
            let conjuncts = site?.conjuncts ?? flatten(when)
            if let (later, earlier) = contradiction(in: conjuncts) {
                warn(later.location ?? at, line: rule.line, prefix + "'\(describe(later.condition))' contradicts "
                    + "'\(describe(earlier.condition))'\(place(earlier.location, line: 0))")
            }
        }

        if let overflow = sites?.overflow, policy.target.quota == nil {
            warn(overflow, "'overflow' has no effect: the target has no 'quota' (set 'quota' under 'target')")
        }
        if let tombstone = sites?.tombstone, policy.rewrite.dropped != .tombstone {
            warn(tombstone, "the tombstone texts under 'rewrite' have no effect: 'dropped' is '\(policy.rewrite.dropped.rawValue)' "
                + "(set 'dropped: tombstone' to replace references to dropped files with them)")
        }
        return out
    }

    /// The conditions that must all hold: `all` flattened.
    static func flatten(_ condition: Condition) -> Conjuncts {
        if case .all(let items) = condition { return items.flatMap { flatten($0) } }
        return [(condition, nil)]
    }

    /// The first pair of conjuncts that cannot both hold (the later one first).
    static func contradiction(in conjuncts: Conjuncts) -> (later: (condition: Condition, location: YAMLLocation?),
                                                           earlier: (condition: Condition, location: YAMLLocation?))? {
        for j in conjuncts.indices {
            for i in conjuncts.indices where i < j {
                if contradicts(conjuncts[i].condition, conjuncts[j].condition) { return (conjuncts[j], conjuncts[i]) }
            }
        }
        return nil
    }

    /// Whether no file can satisfy both (simple cases only; false when unsure).
    static func contradicts(_ a: Condition, _ b: Condition) -> Bool {
        if case .not(let x) = a, x == b { return true }
        if case .not(let x) = b, x == a { return true }
        switch (a, b) {
        case (.referenced(let x), .referenced(let y)),
             (.onlyDeletedReferences(let x), .onlyDeletedReferences(let y)),
             (.duplicate(let x), .duplicate(let y)),
             (.extensionMismatch(let x), .extensionMismatch(let y)):
            return x != y
        case (.referenced(true), .onlyDeletedReferences(true)), (.onlyDeletedReferences(true), .referenced(true)):
            return true
        case (.category(let x), .category(let y)):
            return Set(x).isDisjoint(with: y)
        case (.status(let x), .status(let y)):
            return Set(x).isDisjoint(with: y)
        case (.fileExtension(let x), .fileExtension(let y)):
            return Set(x).isDisjoint(with: y)
        case (.problem(let x), .problem(let y)):
            return !x.isEmpty && !y.isEmpty && Set(x).isDisjoint(with: y)
        case (.size(let min1, let max1), .size(let min2, let max2)):
            let low = Swift.max(min1?.value ?? 0, min2?.value ?? 0)
            let high = Swift.min(max1?.value ?? Int64.max, max2?.value ?? Int64.max)
            return low > high
        case (.modifiedBefore(let before), .modifiedAfter(let after)), (.modifiedAfter(let after), .modifiedBefore(let before)):
            // Files changed before one instant and after another: empty when the second is not
            // earlier. Comparable when both are dates, or both are ages (relative to the same now).
            guard isDate(before) == isDate(after) else { return false }
            let now = Timestamp(nanoseconds: 0)
            return after.cutoff(now: now) >= before.cutoff(now: now)
        default:
            return false
        }
    }

    private static func isDate(_ age: AgeSpec) -> Bool {
        if case .date = age { return true }
        return false
    }

    // MARK: conditions in words

    /// A condition as the policy language writes it (`referenced: false`, `size: {min: 10 MiB}`).
    static func describe(_ c: Condition) -> String {
        func list(_ items: [String]) -> String { items.count == 1 ? items[0] : "[" + items.joined(separator: ", ") + "]" }
        switch c {
        case .all(let items): return "all: [" + items.map(describe).joined(separator: ", ") + "]"
        case .any(let items): return "any: [" + items.map(describe).joined(separator: ", ") + "]"
        case .not(let inner): return "not: {" + describe(inner) + "}"
        case .name(let g): return "name: " + list(g)
        case .path(let g): return "path: " + list(g)
        case .fileExtension(let e): return "extension: " + list(e)
        case .category(let cs): return "category: " + list(cs.map(\.rawValue))
        case .mime(let m): return "mime: " + list(m)
        case .size(let min, let max):
            var parts: [String] = []
            if let min { parts.append("min: \(min)") }
            if let max { parts.append("max: \(max)") }
            return "size: {" + parts.joined(separator: ", ") + "}"
        case .modifiedBefore(let a): return "modified: {before: \(describe(a))}"
        case .modifiedAfter(let a): return "modified: {after: \(describe(a))}"
        case .referenced(let b): return "referenced: \(b)"
        case .onlyDeletedReferences(let b): return "only_deleted_references: \(b)"
        case .recordsNotEditedSince(let a): return "records_not_edited_for: \(describe(a))"
        case .duplicate(let b): return "duplicate: \(b)"
        case .extensionMismatch(let b): return "extension_mismatch: \(b)"
        case .status(let s): return "status: " + list(s.map(\.rawValue))
        case .problem(let p): return p.isEmpty ? "problem: any" : "problem: " + list(p.map(\.rawValue))
        }
    }

    static func describe(_ age: AgeSpec) -> String {
        func unit(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        switch age {
        case .years(let n): return unit(n, "year")
        case .months(let n): return unit(n, "month")
        case .days(let n): return unit(n, "day")
        case .date(let t):
            let d = t.utc
            func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
            return "\(pad(d.year, 4))-\(pad(d.month, 2))-\(pad(d.day, 2))"
        }
    }
}
