/// Reads a soft-delete flag. True: a non-zero number (`1`, `-1`), `true`, `yes`, `y`, `t`;
/// false: `0`, `false`, `no`, `n`, `f`, empty, NULL — all case-insensitive, surrounding spaces
/// ignored. Anything else is taken as not deleted and reported once per distinct value.
struct SourceDeletedFlag {
    private var reported: Set<String> = []
    let column: String

    init(column: String) { self.column = column }

    enum Reading: Equatable { case deleted, kept, unrecognized }

    static func read(_ value: String?) -> Reading {
        guard let value else { return .kept }
        let text = trimmed(value).lowercased()
        switch text {
        case "", "0", "false", "no", "n", "f": return .kept
        case "1", "-1", "true", "yes", "y", "t": return .deleted
        default:
            if let number = Double(text), number.isFinite { return number == 0 ? .kept : .deleted }
            return .unrecognized
        }
    }

    /// Whether the record is deleted; an unrecognized value is reported (first time only).
    mutating func isDeleted(_ value: String?, position: String, source: String, file: String,
                            problem: (SourceError) -> Void) -> Bool {
        switch Self.read(value) {
        case .deleted: return true
        case .kept: return false
        case .unrecognized:
            let text = value ?? ""
            if reported.count < 20, reported.insert(text).inserted {
                problem(SourceError(
                    kind: .malformedRecord, source: source, file: file, position: position,
                    message: "the deleted column '\(column)' holds '\(text)', which is neither true (1, -1, true, yes, y, t) "
                        + "nor false (0, false, no, n, f, empty); the record is taken as not deleted "
                        + "(reported once per distinct value)",
                    fatal: false))
            }
            return false
        }
    }

    /// `value` without leading and trailing spaces, tabs and line breaks.
    static func trimmed(_ value: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let start = value.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = value.lastIndex(where: { !isSpace($0) })!
        return String(value[start...end])
    }
}
