import AttacheConfig

/// A policy file that could not be loaded (the same located error as a manifest's:
/// `file:line:column: error: message`, exit 66 or 65).
public typealias PolicyError = ConfigError

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
