import AttacheConfig

/// Why a policy file could not be loaded: which file, where in it, and what to do.
///
/// The command line prints ``description`` and exits with 66 for ``Kind-swift.enum/notFound`` and
/// ``Kind-swift.enum/unreadable``, and 65 for the others (see Documentation/Policy.md).
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// There is no file at the path.
        case notFound
        /// The path exists but cannot be read as a file (a folder, permission denied, too large).
        case unreadable
        /// The file is not valid YAML (or not UTF-8, or repeats a key).
        case syntax
        /// Valid YAML that is not a valid policy: unknown key, wrong type, bad unit, unknown
        /// placeholder or category, a layout that could escape the target …
        case schema
        /// The policy declares a format version newer than this build reads.
        case tooNewVersion
    }

    /// The policy's path as the caller gave it.
    public var file: String
    /// 1-based line and column of the offending node, when the problem has a place.
    public var line: Int?
    public var column: Int?
    /// What is wrong and what was expected, e.g. "unknown action 'archve'; did you mean 'archive'?".
    public var message: String
    public var kind: Kind

    public init(kind: Kind, file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// A located YAML problem as a policy error.
    public init(_ diagnostic: YAMLDiagnostic) {
        self.init(kind: diagnostic.kind == .syntax ? .syntax : .schema, file: diagnostic.location.file,
                  line: diagnostic.location.line, column: diagnostic.location.column, message: diagnostic.message)
    }

    /// `policies/cloud.yaml:12:5: error: unknown key 'acton' in rule 'old'; did you mean 'action'?`
    /// (`file: error: …` when the problem has no line).
    public var description: String {
        var place = file
        if let line {
            place += ":\(line)"
            if let column { place += ":\(column)" }
        }
        return "\(place): error: \(message)"
    }
}

/// Something in a policy that is allowed but almost certainly not what its author meant:
/// a rule that can never match, an `overflow` section without a quota, a layout that gives
/// every file of a folder the same name. Printed as `file:line:column: warning: message`;
/// the policy is still used.
public struct PolicyWarning: Sendable, Equatable, CustomStringConvertible {
    /// The policy's path as the caller gave it (``Policy/file``).
    public var file: String
    /// 1-based line and column; 0 when not known (a warning computed from a ``Policy`` value
    /// alone knows a rule's line but not its column, and nothing for whole-policy warnings).
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: warning: message`; the line and column are left out when 0.
    public var description: String {
        var place = file
        if line > 0 {
            place += ":\(line)"
            if column > 0 { place += ":\(column)" }
        }
        return "\(place): warning: \(message)"
    }
}
