/// The one reader of attache's small text templates (a source's `file` template, the
/// rewrite's archive-member and tombstone texts): literal text and `{name}` placeholders,
/// `{{` and `}}` for literal braces.
public enum BraceTemplate {
    public enum Piece: Sendable, Hashable {
        case literal(String)
        /// A placeholder's name, surrounding white space trimmed.
        case name(String)
    }

    /// Takes `text` apart.
    /// - Returns: the pieces, or what is wrong and where ("'}' at character 3 closes nothing
    ///   …"); `noun` names what a placeholder stands for ("column", "placeholder").
    public static func parse(_ text: String, noun: String) -> Result<[Piece], TemplateProblem> {
        let chars = Array(text)
        var pieces: [Piece] = []
        var literal = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if (c == "{" || c == "}") && i + 1 < chars.count && chars[i + 1] == c {
                literal.append(c)
                i += 2
                continue
            }
            if c == "}" { return .failure(TemplateProblem("'}' at character \(i + 1) closes nothing (write '}}' for a literal brace)")) }
            if c == "{" {
                guard let close = chars[(i + 1)...].firstIndex(where: { $0 == "}" || $0 == "{" }), chars[close] == "}" else {
                    return .failure(TemplateProblem("'{' at character \(i + 1) is not closed by '}' (write '{{' for a literal brace)"))
                }
                let name = String(chars[(i + 1)..<close]).trimmingWhitespace()
                if name.isEmpty { return .failure(TemplateProblem("'{}' at character \(i + 1) names no \(noun)")) }
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                pieces.append(.name(name))
                i = close + 1
                continue
            }
            literal.append(c)
            i += 1
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return .success(pieces)
    }
}

/// What is wrong with a template, for people.
public struct TemplateProblem: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Checks a source's `file` template.
enum FileTemplate {
    /// What is wrong with the template, or nil when it is well formed.
    static func problem(in template: String) -> String? {
        if case .failure(let p) = BraceTemplate.parse(template, noun: "column") { return p.message }
        return nil
    }
}

/// A source's `file` template taken apart: literal text and `{column}` placeholders.
///
/// `'/var/www/vtigercrm/{path}{attachmentsid}_{name}'` names the columns `path`,
/// `attachmentsid` and `name`; `{{` and `}}` are literal braces.
public struct RecordTemplate: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case literal(String)
        case column(String)
    }
    public let text: String
    public let parts: [Part]

    /// - Returns: nil when the template is malformed (the manifest loader reports where).
    public init?(_ text: String) {
        guard case .success(let pieces) = BraceTemplate.parse(text, noun: "column") else { return nil }
        self.text = text
        parts = pieces.map { piece in
            switch piece {
            case .literal(let l): return .literal(l)
            case .name(let n): return .column(n)
            }
        }
    }

    /// The columns the template names, in order of first use.
    public var columns: [String] {
        var seen: [String] = []
        for case .column(let c) in parts where !seen.contains(c) { seen.append(c) }
        return seen
    }

    /// The path for one record, or the first column that is empty (NULL or "").
    public func expand(_ fields: [String: String]) -> Result<String, EmptyColumn> {
        var out = ""
        for p in parts {
            switch p {
            case .literal(let l): out += l
            case .column(let c):
                guard let v = fields[c], !v.isEmpty else { return .failure(EmptyColumn(column: c)) }
                out += v
            }
        }
        return .success(out)
    }

    public struct EmptyColumn: Error, Sendable, Equatable {
        public let column: String
    }
}
