/// Checks a source's `file` template: `{column}` placeholders, `{{` and `}}` for literal braces.
enum FileTemplate {
    /// What is wrong with the template, or nil when it is well formed.
    static func problem(in template: String) -> String? {
        let chars = Array(template)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if (c == "{" || c == "}") && i + 1 < chars.count && chars[i + 1] == c {
                i += 2
                continue
            }
            if c == "}" { return "'}' at character \(i + 1) closes nothing (write '}}' for a literal brace)" }
            if c == "{" {
                guard let close = chars[(i + 1)...].firstIndex(where: { $0 == "}" || $0 == "{" }), chars[close] == "}" else {
                    return "'{' at character \(i + 1) is not closed by '}' (write '{{' for a literal brace)"
                }
                if chars[(i + 1)..<close].allSatisfy(\.isWhitespace) {
                    return "'{}' at character \(i + 1) names no column"
                }
                i = close + 1
                continue
            }
            i += 1
        }
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
        guard FileTemplate.problem(in: text) == nil else { return nil }
        self.text = text
        var parts: [Part] = []
        var literal = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if (c == "{" || c == "}") && i + 1 < chars.count && chars[i + 1] == c {
                literal.append(c)
                i += 2
            } else if c == "{", let close = chars[(i + 1)...].firstIndex(of: "}") {
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                parts.append(.column(String(chars[(i + 1)..<close]).trimmingWhitespace()))
                i = close + 1
            } else {
                literal.append(c)
                i += 1
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
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
