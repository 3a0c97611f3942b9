/// Why a manifest or a policy could not be loaded: which file, where in it, and what to do.
/// (`ManifestError` and `PolicyError` name this type where one kind of file is meant.)
///
/// The command line prints ``description`` and exits with 66 for ``Kind-swift.enum/notFound`` and
/// ``Kind-swift.enum/unreadable``, and 65 for the others (see Documentation/ExitCodes.md).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// There is no file at the path.
        case notFound
        /// The path exists but cannot be read as a file (a folder, permission denied, too large).
        case unreadable
        /// The file is not valid YAML (or not UTF-8, or repeats a key).
        case syntax
        /// Valid YAML that is not a valid manifest or policy: unknown key, wrong type, missing
        /// value, bad unit, unknown placeholder, a layout that could escape the target …
        case schema
        /// The file declares a format version newer than this build reads.
        case tooNewVersion
    }

    /// The file's path as the caller gave it.
    public var file: String
    /// 1-based line and column of the offending node, when the problem has a place.
    public var line: Int?
    public var column: Int?
    /// What is wrong and what was expected, e.g. "unknown key 'rots' in the manifest; did you mean 'roots'?".
    public var message: String
    public var kind: Kind

    public init(kind: Kind, file: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// A located YAML problem as an error.
    public init(_ diagnostic: YAMLDiagnostic) {
        self.init(kind: diagnostic.kind == .syntax ? .syntax : .schema, file: diagnostic.location.file,
                  line: diagnostic.location.line, column: diagnostic.location.column, message: diagnostic.message)
    }

    /// `attache.yaml:12:5: error: unknown key 'rots' in the manifest; did you mean 'roots'?`
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

/// A manifest that could not be loaded.
public typealias ManifestError = ConfigError
