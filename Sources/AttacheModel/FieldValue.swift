/// One value of a row or object the tool writes, typed so each format can write it right:
/// JSON keeps numbers and booleans typed and writes `null`; CSV writes numbers as numbers
/// (never formula-guarded) and `null` as an empty field; text is guarded in CSV.
public enum FieldValue: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case text(String)
    case integer(Int64)
    case bool(Bool)
    case null

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// Text, or `null` when there is none.
    public static func optional(_ s: String?) -> FieldValue { s.map(FieldValue.text) ?? .null }
    /// Any integer (counts, sizes, ids).
    public static func int<T: BinaryInteger>(_ v: T) -> FieldValue { .integer(Int64(v)) }
    /// An integer, or `null` when there is none.
    public static func int<T: BinaryInteger>(_ v: T?) -> FieldValue { v.map { .integer(Int64($0)) } ?? .null }

    /// The value as plain text: what a CSV field or a table cell holds before quoting
    /// (`null` is empty, booleans are `true`/`false`).
    public var plain: String {
        switch self {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return ""
        }
    }

    /// The value as JSON text.
    public var json: String {
        switch self {
        case .text(let s): return JSONText.string(s)
        case .integer(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}
