/// A problem in a YAML file, located at the node that causes it.
///
/// Thrown by ``YAMLDocument`` (syntax) and by the reading helpers on ``YAMLNode`` and
/// ``YAMLMapping`` (schema). Loaders of particular files (the manifest, a policy) turn it
/// into their own error type, keeping the location and the message.
public struct YAMLDiagnostic: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: Sendable, Equatable {
        /// The text is not valid YAML (or not UTF-8, or repeats a key).
        case syntax
        /// The YAML is valid but does not say what the file's schema expects.
        case schema
    }

    public var kind: Kind
    public var location: YAMLLocation
    /// A sentence that says what is wrong and what was expected.
    public var message: String

    public init(_ kind: Kind, at location: YAMLLocation, _ message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    /// `file:line:column: error: message`.
    public var description: String { "\(location): error: \(message)" }
}
