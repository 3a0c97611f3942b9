import Yams

/// Finds where a key is given the second time.
///
/// Yams reports a repeated key at its *first* occurrence. To point at the repetition, the
/// first occurrence is made unique (a private-use character is put in front of it) and the
/// text composed again: the mapping that holds the marked key also holds the repetition,
/// whose mark is the answer. If anything about that fails, the first occurrence is reported.
enum DuplicateKeyLocator {
    private static let marker = "\u{E000}"

    static func diagnostic(key: String, first: Mark, yaml: String, file: String) -> YAMLDiagnostic {
        let firstLocation = YAMLLocation(file: file, line: first.line, column: first.column)
        guard let second = secondOccurrence(key: key, first: first, yaml: yaml) else {
            return YAMLDiagnostic(.syntax, at: firstLocation, "key '\(key)' is given more than once in the same mapping")
        }
        return YAMLDiagnostic(
            .syntax, at: YAMLLocation(file: file, line: second.line, column: second.column),
            "key '\(key)' is given twice in the same mapping (first at \(firstLocation.lineAndColumn)); keep one")
    }

    static func secondOccurrence(key: String, first: Mark, yaml: String) -> (line: Int, column: Int)? {
        guard let marked = TextPosition.inserting(marker, into: yaml, line: first.line, column: first.column) else {
            return nil
        }
        // Columns after the marker on the same line moved right by one.
        func unshift(_ m: Mark) -> (line: Int, column: Int) {
            (m.line, m.line == first.line && m.column > first.column ? m.column - 1 : m.column)
        }
        do {
            guard let root = try Yams.compose(yaml: marked, .default, .default, .utf8),
                  let mark = repetition(of: key, markedAt: first, in: root) else { return nil }
            return unshift(mark)
        } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) where duplicates.first == key {
            // A third occurrence: the second is now the first one Yams reports.
            return unshift(context.mark)
        } catch {
            return nil
        }
    }

    /// The mark of key `key` in the mapping whose marked key sits at `first`.
    private static func repetition(of key: String, markedAt first: Mark, in node: Node) -> Mark? {
        switch node {
        case .mapping(let mapping):
            let keys = mapping.map(\.key)
            let holdsMarker = keys.contains {
                ($0.string ?? "").hasPrefix(marker) && $0.mark?.line == first.line && $0.mark?.column == first.column
            }
            if holdsMarker, let twin = keys.first(where: { $0.string == key }) { return twin.mark }
            for value in mapping.map(\.value) {
                if let found = repetition(of: key, markedAt: first, in: value) { return found }
            }
            return nil
        case .sequence(let sequence):
            for item in sequence {
                if let found = repetition(of: key, markedAt: first, in: item) { return found }
            }
            return nil
        case .scalar, .alias:
            return nil
        }
    }
}
