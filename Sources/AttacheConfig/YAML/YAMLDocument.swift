import Yams

/// Parses YAML text into a located ``YAMLNode`` tree.
///
/// Syntax errors (including text that is not UTF-8 and keys given twice) become a
/// ``YAMLDiagnostic`` of kind `.syntax` at the line and column where the problem is, with
/// a sentence instead of libyaml's wording where a common mistake is recognised. No Yams
/// error text or type name reaches the caller.
public enum YAMLDocument {
    /// Parses a file's bytes, which must be UTF-8 (a leading byte-order mark is skipped).
    /// - Returns: the root node, or nil when the document holds nothing (empty, or only comments).
    /// - Throws: ``YAMLDiagnostic`` at the first invalid byte or syntax error.
    public static func parse(bytes: [UInt8], file: String) throws(YAMLDiagnostic) -> YAMLNode? {
        if let bad = TextPosition.firstInvalidUTF8(in: bytes) {
            let hex = String(bytes[bad.offset], radix: 16, uppercase: true)
            throw YAMLDiagnostic(
                .syntax, at: YAMLLocation(file: file, line: bad.line, column: bad.column),
                "the file is not valid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex)); save it as UTF-8")
        }
        return try parse(String(decoding: bytes, as: UTF8.self), file: file)
    }

    /// Parses YAML text.
    /// - Returns: the root node, or nil when the document holds nothing (empty, or only comments).
    /// - Throws: ``YAMLDiagnostic`` at the first syntax error.
    public static func parse(_ text: String, file: String) throws(YAMLDiagnostic) -> YAMLNode? {
        // A byte-order mark would shift every column of line 1 by one.
        let yaml = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch let error as YamlError {
            throw SyntaxErrorTranslation.diagnostic(for: error, yaml: yaml, file: file)
        } catch {
            throw YAMLDiagnostic(.syntax, at: YAMLLocation(file: file, line: 1, column: 1), "the file could not be read as YAML")
        }
        guard let root else { return nil }
        return try NodeConversion(file: file).convert(root)
    }
}
