import Yams

/// Turns a Yams/libyaml error into a located sentence. Common mistakes (tabs, an unclosed
/// quote or bracket, bad indentation, `: ` inside a plain value) get a message that says
/// what to do; anything else keeps libyaml's own wording after "invalid YAML:".
enum SyntaxErrorTranslation {
    static func diagnostic(for error: YamlError, yaml: String, file: String) -> YAMLDiagnostic {
        func at(_ mark: Mark) -> YAMLLocation { YAMLLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return located(problem: problem, context: context, mark: mark, yaml: yaml, file: file)
        case let .reader(problem, offset, value, _):
            let position = offset.map { characterOffset(yaml, $0) } ?? (line: 1, column: 1)
            let location = YAMLLocation(file: file, line: position.line, column: position.column)
            if problem.contains("control characters"), value >= 0 {
                let hex = String(value, radix: 16, uppercase: true)
                let code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                return YAMLDiagnostic(.syntax, at: location, "the file contains the control character U+\(code), which YAML does not allow")
            }
            return YAMLDiagnostic(.syntax, at: location, "invalid YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return DuplicateKeyLocator.diagnostic(key: duplicates.first ?? "", first: context.mark, yaml: yaml, file: file)
        default:
            return YAMLDiagnostic(.syntax, at: YAMLLocation(file: file, line: 1, column: 1), "the file could not be read as YAML")
        }
    }

    private static func located(problem: String, context: YamlError.Context?, mark: Mark, yaml: String,
                                file: String) -> YAMLDiagnostic {
        var location = YAMLLocation(file: file, line: mark.line, column: mark.column)
        let opened = context.map { "line \($0.mark.line), column \($0.mark.column)" } ?? "above"
        let contextText = context?.text ?? ""
        let message: String
        switch problem {
        case "found character that cannot start any token":
            let c = TextPosition.scalar(in: yaml, line: mark.line, column: mark.column)
            if c == "\t" {
                message = "a tab cannot indent YAML; indent with spaces"
            } else {
                message = "a plain value cannot start with '\(c.map { String($0) } ?? "?")'; put the value in quotes"
            }
        case "mapping values are not allowed in this context":
            message = "found ': ' where it is not allowed; put a value that contains ': ' in quotes, or check the indentation"
        case "did not find expected key" where contextText.contains("block mapping"):
            message = "expected a key of the mapping that starts at \(opened); check the indentation (keys line up), "
                + "or put a value that goes on after its closing quote in quotes as a whole"
        case "did not find expected '-' indicator":
            message = "expected a '- ' item of the list that starts at \(opened); check the indentation"
        case "did not find expected ',' or ']'":
            message = "the list opened with '[' at \(opened) is not closed with ']' (or a ',' is missing)"
        case "did not find expected ',' or '}'":
            message = "the mapping opened with '{' at \(opened) is not closed with '}' (or a ',' is missing)"
        case "found unexpected end of stream" where contextText.contains("quoted scalar"):
            if let context { location = YAMLLocation(file: file, line: context.mark.line, column: context.mark.column) }
            message = "a quoted value opened here is never closed"
        case _ where contextText.contains("while scanning an alias") || contextText.contains("while scanning an anchor"):
            if let context { location = YAMLLocation(file: file, line: context.mark.line, column: context.mark.column) }
            let sign = contextText.contains("alias") ? "*" : "&"
            message = "a value that starts with '\(sign)' must be put in quotes, e.g. '\(sign).tmp' (unquoted, YAML reads it as "
                + (sign == "*" ? "an alias)" : "an anchor)")
        case "found undefined alias":
            message = "this alias ('*name') refers to an anchor ('&name') that is not defined before it; "
                + "put a value that starts with '*' in quotes"
        case "but found another document":
            message = "the file holds more than one YAML document (a second '---'); keep one"
        default:
            var m = "invalid YAML: \(problem)"
            if let context, context.mark.line != mark.line || context.mark.column != mark.column {
                m += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            message = m
        }
        return YAMLDiagnostic(.syntax, at: location, message)
    }

    /// Line and column of the character at `offset` (counted in `Character`s, as Yams reports it).
    private static func characterOffset(_ text: String, _ offset: Int) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for (i, c) in text.enumerated() {
            if i == offset { break }
            if c == "\n" || c == "\r\n" { line += 1; column = 1 } else { column += c.unicodeScalars.count }
        }
        return (line, column)
    }
}
