import AttacheConfig
import AttacheModel

/// Reads the value types of the policy language from located YAML nodes: sizes ("50 GiB"),
/// ages ("7 years") and dates ("2015-01-01"), percentages ("90%") and names from a fixed set
/// (actions, categories, profiles …). Each failure is a ``YAMLDiagnostic`` at the value that
/// says what was expected and, where something close exists, "did you mean".
enum PolicyValues {
    // MARK: did you mean

    /// The allowed word closest to `word` — the same rule as the manifest's key suggestions:
    /// within an edit distance of 2 (case ignored, and less than the word's own length), or
    /// one that starts with `word` (at least 3 characters) or is a prefix of it.
    static func suggestion(for word: String, among allowed: [String]) -> String? {
        let w = Array(word.lowercased())
        var best: (name: String, distance: Int)? = nil
        for name in allowed {
            let d = AttacheModel.editDistance(w, Array(name.lowercased()))
            if d <= 2 && d < w.count, best == nil || d < best!.distance { best = (name, d) }
        }
        if let best { return best.name }
        let lower = word.lowercased()
        if w.count >= 3, let byPrefix = allowed.first(where: { $0.lowercased().hasPrefix(lower) }) { return byPrefix }
        return allowed.first { !$0.isEmpty && lower.hasPrefix($0.lowercased()) }
    }

    /// "; did you mean 'archive'?" or "; expected one of: keep, archive, drop".
    static func hint(for word: String, among allowed: [String]) -> String {
        if let s = suggestion(for: word, among: allowed) { return "; did you mean '\(s)'?" }
        return "; expected one of: " + allowed.joined(separator: ", ")
    }

    /// One word of a fixed set, compared without regard to case.
    /// - Parameters:
    ///   - what: the value's name in messages ("'action'").
    ///   - kind: what a member is called ("action", "category").
    /// - Returns: the member as the set spells it.
    static func choice(_ node: YAMLNode, _ what: String, kind: String, among allowed: [String]) throws(YAMLDiagnostic) -> String {
        guard let text = node.scalarText else {
            throw node.error("expected \(a(kind)) for \(what) (one of: \(allowed.joined(separator: ", "))), found \(node.found)")
        }
        let word = text.trimmingWhitespace()
        if let match = allowed.first(where: { $0.lowercased() == word.lowercased() }) { return match }
        throw node.error("unknown \(kind) '\(word)' for \(what)" + hint(for: word, among: allowed))
    }

    static func a(_ noun: String) -> String {
        guard let first = noun.first else { return noun }
        return ("aeiou".contains(first) ? "an " : "a ") + noun
    }

    /// The items of `key: word` or `key: [word, word]`, each with its node (for locating a
    /// bad item). An empty list is an error unless `allowEmpty`.
    static func scalarItems(_ node: YAMLNode, _ what: String, example: String,
                            allowEmpty: Bool = false) throws(YAMLDiagnostic) -> [(text: String, node: YAMLNode)] {
        switch node.content {
        case .scalar:
            return [(try node.nonEmptyString(what).trimmingWhitespace(), node)]
        case .sequence(let items):
            if items.isEmpty && !allowEmpty {
                throw node.error("\(what) is an empty list; give at least one value, e.g. \(example)")
            }
            var out: [(String, YAMLNode)] = []
            for item in items {
                guard case .scalar = item.content else {
                    throw item.error("expected text for each item of \(what), found \(item.found); e.g. \(example)")
                }
                out.append((try item.nonEmptyString("each item of \(what)").trimmingWhitespace(), item))
            }
            return out
        case .mapping:
            throw node.error("expected a value or a list of values for \(what), found a mapping; e.g. \(example)")
        }
    }

    // MARK: sizes

    static let sizeUnits = ["B", "kB", "KiB", "MB", "MiB", "GB", "GiB", "TB", "TiB", "PB", "PiB"]

    /// A size with a unit: "50 GiB", "250GB", "1.5 TiB", "4096 B". A bare number is refused
    /// (`quota: 50` is far more likely to mean 50 GiB than 50 bytes).
    static func size(_ node: YAMLNode, _ what: String, example: String = "'50 GiB'") throws(YAMLDiagnostic) -> ByteCount {
        guard case .scalar(let s) = node.content, s.kind != .null else {
            throw node.error("expected a size for \(what), e.g. \(example), found \(node.found)")
        }
        return try size(text: s.text.trimmingWhitespace(), at: node, what, example: example)
    }

    /// A size written inside a longer value (`size: '> 100 MB'`), reported at `node`.
    static func size(text: String, at node: YAMLNode, _ what: String, example: String = "'50 GiB'") throws(YAMLDiagnostic) -> ByteCount {
        let (number, unit) = splitNumber(text)
        guard !number.isEmpty, Double(number) != nil else {
            throw node.error("expected a size for \(what), e.g. \(example) (a number and a unit: "
                + "B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), found '\(text)'")
        }
        guard !unit.isEmpty else {
            throw node.error("\(what) needs a unit: write e.g. '\(number) GiB' or '\(number) MB' (a bare number of bytes is "
                + "too easy to misread; write '\(number) B' if bytes are meant)")
        }
        guard let value = ByteCount.parse(text) else {
            if ByteCount.parse("1 " + unit) != nil {
                throw node.error("\(what) is too large: '\(text)'")
            }
            throw node.error("unknown size unit '\(unit)' in \(what)" + hint(for: unit, among: sizeUnits)
                + " (SI units kB, MB, GB, TB are powers of 1000; KiB, MiB, GiB, TiB powers of 1024)")
        }
        return value
    }

    /// "12.5 GiB" → ("12.5", "GiB").
    static func splitNumber(_ text: String) -> (number: String, rest: String) {
        var end = text.startIndex
        while end < text.endIndex, text[end].isASCII && (text[end].isNumber || text[end] == ".") { end = text.index(after: end) }
        return (String(text[..<end]), text[end...].trimmingWhitespace())
    }

    // MARK: ages and dates

    static let ageUnits = ["years", "months", "weeks", "days"]

    /// An age ("7 years", "18 months", "2 weeks", "30 days", singular too) or a date
    /// ("2015-01-01", UTC midnight).
    static func age(_ node: YAMLNode, _ what: String, datesAllowed: Bool = true) throws(YAMLDiagnostic) -> AgeSpec {
        let expected = datesAllowed
            ? "an age such as '7 years', '18 months' or '30 days', or a date such as '2015-01-01'"
            : "an age such as '7 years', '18 months' or '30 days'"
        guard case .scalar(let s) = node.content, s.kind != .null else {
            throw node.error("expected \(expected) for \(what), found \(node.found)")
        }
        let text = s.text.trimmingWhitespace()
        if case .int = s.kind {
            throw node.error("\(what) needs a unit: write e.g. '\(text) years', '\(text) months' or '\(text) days'")
        }
        if looksLikeDate(text) {
            guard datesAllowed else { throw node.error("expected \(expected) for \(what), found the date '\(text)'") }
            guard let t = date(text) else {
                throw node.error("'\(text)' in \(what) is not a date of the calendar; write YYYY-MM-DD, e.g. '2015-01-01'")
            }
            return .date(t)
        }
        let (number, unit) = splitNumber(text)
        guard !number.isEmpty, let n = Int(number) else {
            throw node.error("expected \(expected) for \(what), found '\(text)'")
        }
        guard n > 0 else { throw node.error("\(what) must be at least 1 \(unit.isEmpty ? "day" : unit), found '\(text)'") }
        switch unit.lowercased() {
        case "year", "years": return .years(n)
        case "month", "months": return .months(n)
        case "week", "weeks": return .days(n * 7)
        case "day", "days": return .days(n)
        case "":
            throw node.error("\(what) needs a unit: write e.g. '\(n) years', '\(n) months' or '\(n) days'")
        default:
            if let s = suggestion(for: unit, among: ageUnits) {
                throw node.error("unknown unit '\(unit)' in \(what); did you mean '\(s)'?")
            }
            throw node.error("unknown unit '\(unit)' in \(what): expected \(expected)")
        }
    }

    private static func looksLikeDate(_ text: String) -> Bool {
        let u = Array(text.utf8)
        return u.count >= 8 && u.count <= 10 && u.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 45 }
            && u.filter { $0 == 45 }.count == 2 && u[4] == 45
    }

    /// UTC midnight of a YYYY-MM-DD date; nil when it is not one (2015-02-30).
    static func date(_ text: String) -> Timestamp? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m) else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d >= 1 && d <= lengths[m - 1] else { return nil }
        return Timestamp(utcYear: y, month: m, day: d)
    }

    // MARK: percentages and counts

    /// "90%", "92.5 %" as a fraction (0.9); between 0% and 100%.
    static func percentage(_ node: YAMLNode, _ what: String) throws(YAMLDiagnostic) -> Double {
        guard case .scalar(let s) = node.content, s.kind != .null else {
            throw node.error("expected a percentage for \(what), e.g. '90%', found \(node.found)")
        }
        let text = s.text.trimmingWhitespace()
        switch s.kind {
        case .int, .float:
            throw node.error("expected a percentage for \(what), e.g. '90%', found the number \(text); write it with '%'")
        default:
            break
        }
        guard text.hasSuffix("%"), let value = Double(text.dropLast().trimmingWhitespace()), value.isFinite,
              !text.dropLast().trimmingWhitespace().isEmpty else {
            throw node.error("expected a percentage for \(what), e.g. '90%', found '\(text)'")
        }
        guard value >= 0 && value <= 100 else {
            throw node.error("\(what) must be between 0% and 100%, found '\(text)'")
        }
        return value / 100
    }

    /// A whole number of at least 1.
    static func positiveInt(_ node: YAMLNode, _ what: String) throws(YAMLDiagnostic) -> Int {
        let n = try node.int(what)
        guard n >= 1 else { throw node.error("\(what) must be at least 1, found \(n)") }
        return n
    }

    /// "90%" for messages.
    static func percentText(_ fraction: Double) -> String {
        let p = fraction * 100
        return (p == p.rounded() ? String(Int(p)) : formatFixed(p, digits: 1)) + "%"
    }
}
