/// A mapping whose keys were checked against a schema, with lookups that report missing
/// and empty values at the right place.
public struct YAMLMapping: Sendable, Equatable {
    /// The mapping node itself (its location is where the mapping starts).
    public let node: YAMLNode
    /// The pairs in document order.
    public let entries: [YAMLEntry]
    /// How messages name the mapping: "the manifest", "a root", "source 'crm'".
    public let what: String

    /// The entry for `key`, if present.
    public func entry(_ key: String) -> YAMLEntry? {
        entries.first { $0.key == key }
    }

    /// Whether `key` is present with a value that is not empty (`key:` alone or `~` count as absent).
    public func has(_ key: String) -> Bool { value(key) != nil }

    /// The value of an optional key; nil when it is absent or empty-valued (`key:`, `~`).
    public func value(_ key: String) -> YAMLNode? {
        guard let e = entry(key), !e.value.isNull else { return nil }
        return e.value
    }

    /// The value of a required key.
    /// - Parameter expected: what the value should be, for the message ("the manifest format
    ///   version, e.g. 'version: 1'").
    /// - Throws: at the mapping when the key is absent, at the key when it has no value.
    public func require(_ key: String, expected: String) throws(YAMLDiagnostic) -> YAMLNode {
        guard let e = entry(key) else {
            throw node.error("missing key '\(key)' in \(what): expected \(expected)")
        }
        guard !e.value.isNull else {
            throw YAMLDiagnostic(.schema, at: e.keyLocation, "'\(key)' has no value in \(what): expected \(expected)")
        }
        return e.value
    }
}
