import AttacheModel

/// Typed reads of a node. Each throws a located ``YAMLDiagnostic`` that names the value
/// (`what`, e.g. `'catalog'`), what was expected and what was found.
extension YAMLNode {
    /// The text of a scalar that is not empty-valued. Numbers and booleans are accepted as
    /// their text (`name: 2024` is the name "2024").
    public func string(_ what: String) throws(YAMLDiagnostic) -> String {
        guard case .scalar(let s) = content, s.kind != .null else {
            throw error("expected text for \(what), found \(found)")
        }
        return s.text
    }

    /// Like ``string(_:)``, and the text must not be blank.
    public func nonEmptyString(_ what: String) throws(YAMLDiagnostic) -> String {
        let s = try string(what)
        guard !s.trimmingWhitespace().isEmpty else { throw error("\(what) is empty") }
        return s
    }

    /// A boolean: `true`/`false` (also `yes`/`no`, `on`/`off`, as YAML resolves them).
    public func bool(_ what: String) throws(YAMLDiagnostic) -> Bool {
        guard case .scalar(let s) = content, case .bool(let b) = s.kind else {
            throw error("expected true or false for \(what), found \(found)")
        }
        return b
    }

    /// A whole number.
    public func int(_ what: String) throws(YAMLDiagnostic) -> Int {
        guard case .scalar(let s) = content, case .int(let i) = s.kind else {
            throw error("expected a whole number for \(what), found \(found)")
        }
        return i
    }

    /// The items of a list.
    /// - Parameter example: shown in the message when a single value stands where a list is
    ///   expected, e.g. `exclude: ['**/.snapshot/**']`.
    public func sequence(_ what: String, example: String? = nil) throws(YAMLDiagnostic) -> [YAMLNode] {
        guard case .sequence(let items) = content else {
            var message = "expected a list for \(what), found \(found)"
            if let example, case .scalar = content, !isNull { message += "; write a list, e.g. \(example)" }
            throw error(message)
        }
        return items
    }

    /// A list of non-empty texts.
    public func stringList(_ what: String, example: String? = nil) throws(YAMLDiagnostic) -> [String] {
        var out: [String] = []
        for item in try sequence(what, example: example) {
            out.append(try item.nonEmptyString("each item of \(what)"))
        }
        return out
    }

    /// One non-empty text or a non-empty list of them (`key: id` or `key: [id, part]`).
    public func stringOrList(_ what: String) throws(YAMLDiagnostic) -> [String] {
        switch content {
        case .scalar:
            return [try nonEmptyString(what)]
        case .sequence(let items):
            guard !items.isEmpty else { throw error("\(what) is an empty list; give at least one name") }
            return try stringList(what)
        case .mapping:
            throw error("expected text or a list of texts for \(what), found \(found)")
        }
    }

    /// The node as a mapping, whatever its keys (check them later with
    /// ``YAMLMapping/checkKeys(_:)``, e.g. after reading a format version).
    /// - Parameter what: how messages name the mapping: "the manifest", "a root", "source 'crm'".
    public func mapping(_ what: String) throws(YAMLDiagnostic) -> YAMLMapping {
        guard case .mapping(let entries) = content else {
            throw error("expected a mapping of keys to values for \(what), found \(found)")
        }
        return YAMLMapping(node: self, entries: entries, what: what)
    }

    /// The node as a mapping whose keys must all be in `allowedKeys`
    /// (see ``YAMLMapping/checkKeys(_:)``).
    public func mapping(_ what: String, allowedKeys: [String]) throws(YAMLDiagnostic) -> YAMLMapping {
        let m = try mapping(what)
        try m.checkKeys(allowedKeys)
        return m
    }
}
