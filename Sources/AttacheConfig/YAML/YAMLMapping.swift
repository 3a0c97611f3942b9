/// A mapping being read: its keys checked against a schema (``checkKeys(_:)``), and lookups
/// that report missing and empty values at the right place.
public struct YAMLMapping: Sendable, Equatable {
    /// The mapping node itself (its location is where the mapping starts).
    public let node: YAMLNode
    /// The pairs in document order.
    public let entries: [YAMLEntry]
    /// How messages name the mapping: "the manifest", "a root", "source 'crm'".
    public let what: String

    public init(node: YAMLNode, entries: [YAMLEntry], what: String) {
        self.node = node
        self.entries = entries
        self.what = what
    }

    /// The same mapping, named differently in messages (e.g. once a source's name is known).
    public func named(_ what: String) -> YAMLMapping {
        YAMLMapping(node: node, entries: entries, what: what)
    }

    /// Checks that every key is in `allowedKeys`, in document order.
    ///
    /// An unknown key is reported at the key, with a suggestion when it is close to an
    /// allowed one ("did you mean 'roots'?"), or with the list of allowed keys otherwise.
    /// - Parameter allowedKeys: the keys the schema knows, in the order the docs list them.
    public func checkKeys(_ allowedKeys: [String]) throws(YAMLDiagnostic) {
        for entry in entries where !allowedKeys.contains(entry.key) {
            var message = "unknown key '\(YAMLNode.abbreviated(entry.key))' in \(what)"
            if let suggestion = KeySuggestion.closest(to: entry.key, among: allowedKeys) {
                message += "; did you mean '\(suggestion)'?"
            } else {
                message += "; expected one of: " + allowedKeys.joined(separator: ", ")
            }
            throw YAMLDiagnostic(.schema, at: entry.keyLocation, message)
        }
    }

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
