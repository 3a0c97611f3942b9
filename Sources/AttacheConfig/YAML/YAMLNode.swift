/// A node of a YAML document that remembers where it was written.
///
/// ``YAMLDocument/parse(_:file:)`` builds this tree from Yams' node tree, so every value a
/// loader reads carries its file, line and column, and every schema error can point at the
/// offending node. The reading helpers (``string(_:)``, ``bool(_:)``, ``mapping(_:allowedKeys:)``
/// …) throw a located ``YAMLDiagnostic`` when the node is not what the schema expects.
public struct YAMLNode: Sendable, Equatable {
    /// What the node holds.
    public enum Content: Sendable, Equatable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        case mapping([YAMLEntry])
    }

    public var content: Content
    public var location: YAMLLocation

    public init(_ content: Content, at location: YAMLLocation) {
        self.content = content
        self.location = location
    }

    /// Whether the node is an empty value (`key:` with nothing after it, `~` or `null`).
    public var isNull: Bool {
        if case .scalar(let s) = content, s.kind == .null { return true }
        return false
    }

    /// The text of a scalar that is not empty-valued; nil for lists, mappings and `~`.
    public var scalarText: String? {
        if case .scalar(let s) = content, s.kind != .null { return s.text }
        return nil
    }

    /// A located schema error at this node.
    public func error(_ message: String) -> YAMLDiagnostic {
        YAMLDiagnostic(.schema, at: location, message)
    }

    /// How messages name what this node holds: "a list", "a mapping", "the number 12",
    /// "'maybe'", "nothing".
    public var found: String {
        switch content {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let s):
            switch s.kind {
            case .null: return "nothing"
            case .int, .float: return "the number \(s.text)"
            case .bool: return "the boolean \(s.text)"
            case .string: return "'\(YAMLNode.abbreviated(s.text))'"
            }
        }
    }

    /// Long values are cut in messages so that the location stays readable.
    static func abbreviated(_ text: String) -> String {
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if firstLine.count <= 60 && firstLine.count == text.count { return text }
        return String(firstLine.prefix(57)) + "…"
    }
}

/// A scalar value: its text and the type YAML resolves it to.
public struct YAMLScalar: Sendable, Equatable {
    /// The type of a scalar under YAML's default resolution (`yes` is a boolean, `1` an
    /// integer); a quoted scalar is always a string.
    public enum Kind: Sendable, Equatable {
        case string
        case null
        case bool(Bool)
        case int(Int)
        case float(Double)
    }

    /// The text as written (without quotes, escapes decoded).
    public var text: String
    public var kind: Kind

    public init(text: String, kind: Kind) {
        self.text = text
        self.kind = kind
    }
}

/// One `key: value` pair of a mapping. Keys are scalars; the key keeps its own location
/// so "unknown key" and "missing value" point at the key.
public struct YAMLEntry: Sendable, Equatable {
    public var key: String
    public var keyLocation: YAMLLocation
    public var value: YAMLNode

    public init(key: String, keyLocation: YAMLLocation, value: YAMLNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}
