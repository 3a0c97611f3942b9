import AttacheConfig
import AttacheModel

/// Checks the path templates of a policy — `layout`, archive `grouping` and `naming` — when
/// the policy is loaded: placeholders (`{name}`, `{sha256:2}`; `{{` and `}}` are literal
/// braces) must be known where they are used, and the literal text must not be able to
/// climb out of the target root. Placeholder values are sanitised by the planner, so only
/// the literal text can escape: a leading `/`, a drive (`C:`), a `.` or `..` folder.
enum PolicyTemplateCheck {
    /// Where a template is used; each place allows its own placeholders.
    enum Use {
        case layout, grouping, naming

        var key: String {
            switch self {
            case .layout: return "'layout'"
            case .grouping: return "archive 'grouping'"
            case .naming: return "archive 'naming'"
            }
        }

        var placeholders: [String] {
            switch self {
            case .layout, .grouping: return Policy.placeholders
            case .naming: return PolicyTemplateCheck.archivePlaceholders
            }
        }
    }

    /// The column a `{record.COLUMN}` placeholder names ("" for `{record.}`), or nil for any
    /// other placeholder.
    static func recordField(_ name: String) -> String? {
        guard name.hasPrefix("record.") else { return nil }
        return String(name.dropFirst("record.".count)).trimmingWhitespace()
    }

    /// The `{record.COLUMN}` placeholders of checked parts, in order, each once.
    static func recordFields(_ parts: [Part]) -> [String] {
        var out: [String] = []
        for case .placeholder(let name, _) in parts {
            if let f = recordField(name), !f.isEmpty, !out.contains(f) { out.append(f) }
        }
        return out
    }

    /// Only an archive's name can use these: the group's value and the volume number.
    static let archivePlaceholders = ["group", "volume"]
    /// Placeholders that tell files apart by name; a layout whose last part has none of them
    /// gives every file of a folder the same name.
    static let namingPlaceholders = ["name", "stem", "relpath", "sha256"]

    enum Part: Equatable {
        case literal(String)
        case placeholder(name: String, argument: String?)
    }

    /// Checks `template` for `use`; throws at `node` with what is wrong.
    /// - Parameter forbidden: characters the target refuses in names (literal text must not use them).
    @discardableResult
    static func check(_ template: String, at node: YAMLNode, use: Use,
                      forbidden: [Character]) throws(YAMLDiagnostic) -> [Part] {
        let what = use.key
        guard !template.trimmingWhitespace().isEmpty else { throw node.error("\(what) is empty") }
        let parts = try self.parts(of: template, at: node, what: what)
        for case .placeholder(let name, let argument) in parts {
            try checkPlaceholder(name, argument: argument, at: node, use: use)
        }
        try checkLiteralText(parts, at: node, what: what, forbidden: forbidden)
        try checkSegments(parts, at: node, what: what)
        return parts
    }

    /// Literal text and placeholders, in order.
    static func parts(of template: String, at node: YAMLNode, what: String) throws(YAMLDiagnostic) -> [Part] {
        let chars = Array(template)
        var parts: [Part] = []
        var literal = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if (c == "{" || c == "}") && i + 1 < chars.count && chars[i + 1] == c {
                literal.append(c)
                i += 2
                continue
            }
            if c == "}" {
                throw node.error("'}' at character \(i + 1) of \(what) closes nothing (write '}}' for a literal brace)")
            }
            if c == "{" {
                guard let close = chars[(i + 1)...].firstIndex(where: { $0 == "}" || $0 == "{" }), chars[close] == "}" else {
                    throw node.error("'{' at character \(i + 1) of \(what) is not closed by '}' (write '{{' for a literal brace)")
                }
                let inside = String(chars[(i + 1)..<close]).trimmingWhitespace()
                guard !inside.isEmpty else { throw node.error("'{}' at character \(i + 1) of \(what) names no placeholder") }
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                if let colon = inside.firstIndex(of: ":") {
                    parts.append(.placeholder(name: inside[..<colon].trimmingWhitespace(),
                                              argument: inside[inside.index(after: colon)...].trimmingWhitespace()))
                } else {
                    parts.append(.placeholder(name: inside, argument: nil))
                }
                i = close + 1
                continue
            }
            literal.append(c)
            i += 1
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    private static func checkPlaceholder(_ name: String, argument: String?, at node: YAMLNode,
                                         use: Use) throws(YAMLDiagnostic) {
        let written = "{" + name + (argument.map { ":" + $0 } ?? "") + "}"
        let allowed = use.placeholders
        if use != .naming, let field = recordField(name) {
            guard !field.isEmpty else {
                throw node.error("'\(written)' in \(use.key) names no column: write '{record.COLUMN}', e.g. '{record.account}', "
                    + "with COLUMN one of a source's 'fields' in the manifest")
            }
            if let argument, let bad = argument.first(where: { $0 == "/" || $0 == "\\" || $0 == "{" || $0 == "}" }) {
                throw node.error("'\(written)' in \(use.key): the text after ':' is used when no record has a value "
                    + "and must be one name, without '\(bad)'")
            }
            if let argument, argument.isEmpty {
                throw node.error("'\(written)' in \(use.key): nothing after ':'; give the text to use when no record has a value, "
                    + "e.g. '{record.\(field):unassigned}', or remove the ':'")
            }
            return
        }
        if use == .naming && recordField(name) != nil {
            throw node.error("archive 'naming' names an archive, which holds many files: it can use only {group} and "
                + "{volume}; put '\(written)' into archive 'grouping' instead")
        }
        guard allowed.contains(name) else {
            if use != .naming && archivePlaceholders.contains(name) {
                throw node.error("'\(written)' in \(use.key) is only available in archive 'naming'")
            }
            if use == .naming && Policy.placeholders.contains(name) {
                throw node.error("archive 'naming' names an archive, which holds many files: it can use only {group} and "
                    + "{volume}; put '\(written)' into archive 'grouping' instead")
            }
            let list = allowed.map { $0 == "sha256" ? "{sha256:N}" : "{\($0)}" } + (use == .naming ? [] : ["{record.COLUMN}"])
            var message = "unknown placeholder '\(written)' in \(use.key)"
            if let s = PolicyValues.suggestion(for: name, among: allowed) {
                message += "; did you mean '{\(s == "sha256" ? "sha256:N" : s)}'?"
            } else {
                message += "; the placeholders are: " + list.joined(separator: ", ")
            }
            throw node.error(message)
        }
        guard let argument else { return }
        guard name == "sha256" else {
            throw node.error("'\(written)' in \(use.key): only {sha256:N} takes a number after ':'; write '{\(name)}'")
        }
        guard let n = Int(argument), (1...64).contains(n) else {
            throw node.error("'\(written)' in \(use.key): {sha256:N} takes the number of hex digits to use, from 1 to 64, "
                + "e.g. '{sha256:2}'")
        }
    }

    private static func checkLiteralText(_ parts: [Part], at node: YAMLNode, what: String,
                                         forbidden: [Character]) throws(YAMLDiagnostic) {
        for case .literal(let text) in parts {
            if text.contains("\\") {
                throw node.error("\(what) contains '\\'; separate folders with '/'")
            }
            if let c = text.first(where: { $0 != "/" && forbidden.contains($0) }) {
                throw node.error("\(what) contains '\(c)', which the target does not allow in names")
            }
        }
    }

    /// The folders and the name the template makes, split at the literal '/'s.
    private static func segments(_ parts: [Part]) -> [[Part]] {
        var segments: [[Part]] = [[]]
        for part in parts {
            guard case .literal(let text) = part else {
                segments[segments.count - 1].append(part)
                continue
            }
            let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
            for (k, piece) in pieces.enumerated() {
                if k > 0 { segments.append([]) }
                if !piece.isEmpty { segments[segments.count - 1].append(.literal(String(piece))) }
            }
        }
        return segments
    }

    private static func checkSegments(_ parts: [Part], at node: YAMLNode, what: String) throws(YAMLDiagnostic) {
        let escape = "\(what) could escape the target"
        if case .literal(let first)? = parts.first {
            if first.hasPrefix("/") {
                throw node.error("\(escape): it starts with '/' (an absolute path); it is a path below the target root, "
                    + "e.g. '{category}/{year}/{name}'")
            }
            let f = Array(first)
            if f.count >= 2, f[0].isASCII, f[0].isLetter, f[1] == ":" {
                throw node.error("\(escape): it starts with a drive ('\(f[0]):'); it is a path below the target root, "
                    + "e.g. '{category}/{year}/{name}'")
            }
        }
        let segments = self.segments(parts)
        for (index, segment) in segments.enumerated() {
            let literal = segment.compactMap { part -> String? in
                if case .literal(let t) = part { return t }
                return nil
            }.joined()
            let placeholders = segment.count - segment.filter { if case .literal = $0 { return true } else { return false } }.count
            if segment.isEmpty {
                if index == segments.count - 1 {
                    throw node.error("\(what) ends with '/'; it must end with a name, e.g. '{category}/{name}'")
                }
                throw node.error("\(what) has an empty folder name ('//'); remove one '/'")
            }
            if placeholders == 0 && literal == ".." {
                throw node.error("\(escape): it has a '..' folder, which climbs out of the folder before it")
            }
            if placeholders == 0 && literal == "." {
                throw node.error("\(what) has a '.' folder, which stands for the folder it is in; remove it")
            }
            if placeholders > 0 && literal.count >= 2 && literal.allSatisfy({ $0 == "." }) {
                let shown = render(segment)
                throw node.error("\(escape): the part '\(shown)' becomes '\(literal)' when its placeholders are empty")
            }
        }
    }

    /// Whether the layout's last part (the file name) has a placeholder that tells files apart.
    static func namesFiles(_ parts: [Part]) -> Bool {
        guard let last = segments(parts).last else { return false }
        return last.contains { part in
            if case .placeholder(let name, _) = part { return namingPlaceholders.contains(name) }
            return false
        }
    }

    /// The last part of a template as written, for messages.
    static func lastSegment(_ parts: [Part]) -> String {
        render(segments(parts).last ?? [])
    }

    private static func render(_ segment: [Part]) -> String {
        segment.map { part -> String in
            switch part {
            case .literal(let t): return t.replacingBraces()
            case .placeholder(let n, let a): return "{" + n + (a.map { ":" + $0 } ?? "") + "}"
            }
        }.joined()
    }
}

private extension String {
    /// Literal braces as the template spells them.
    func replacingBraces() -> String {
        var out = ""
        for c in self {
            if c == "{" { out += "{{" } else if c == "}" { out += "}}" } else { out.append(c) }
        }
        return out
    }
}
