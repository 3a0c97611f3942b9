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
