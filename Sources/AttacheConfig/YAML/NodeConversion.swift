import Yams

/// Turns Yams' node tree into ``YAMLNode``s: resolves each scalar's type, keeps every
/// mark, and applies YAML merge keys (`<<: *defaults`), where keys written in the mapping
/// itself win over merged ones.
struct NodeConversion {
    let file: String

    func convert(_ node: Node, parent: YAMLLocation? = nil) throws(YAMLDiagnostic) -> YAMLNode {
        let location = node.mark.map { YAMLLocation(file: file, line: $0.line, column: $0.column) }
            ?? parent ?? YAMLLocation(file: file, line: 1, column: 1)
        switch node {
        case .scalar(let scalar):
            return YAMLNode(.scalar(YAMLScalar(text: scalar.string, kind: kind(of: node))), at: location)
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            for item in sequence { items.append(try convert(item, parent: location)) }
            return YAMLNode(.sequence(items), at: location)
        case .mapping(let mapping):
            return YAMLNode(.mapping(try entries(of: mapping, at: location)), at: location)
        case .alias:
            throw YAMLDiagnostic(.syntax, at: location, "an alias could not be resolved")
        }
    }

    private func entries(of mapping: Node.Mapping, at location: YAMLLocation) throws(YAMLDiagnostic) -> [YAMLEntry] {
        var own: [YAMLEntry] = []
        var merged: [YAMLEntry] = []
        for (key, value) in mapping {
            let keyLocation = key.mark.map { YAMLLocation(file: file, line: $0.line, column: $0.column) } ?? location
            guard case .scalar(let keyScalar) = key else {
                throw YAMLDiagnostic(.schema, at: keyLocation, "a key must be a name, found a \(key.mapping != nil ? "mapping" : "list")")
            }
            if key.tag.rawValue == Tag.Name.merge.rawValue {
                merged += try mergeSources(value, keyLocation: keyLocation)
            } else {
                own.append(YAMLEntry(key: keyScalar.string, keyLocation: keyLocation, value: try convert(value, parent: keyLocation)))
            }
        }
        var seen = Set(own.map(\.key))
        for entry in merged where !seen.contains(entry.key) {
            seen.insert(entry.key)
            own.append(entry)
        }
        return own
    }

    /// The entries a merge key brings in: one mapping, or a list of mappings (earlier ones win).
    private func mergeSources(_ value: Node, keyLocation: YAMLLocation) throws(YAMLDiagnostic) -> [YAMLEntry] {
        let converted = try convert(value, parent: keyLocation)
        switch converted.content {
        case .mapping(let entries):
            return entries
        case .sequence(let items):
            var out: [YAMLEntry] = []
            for item in items {
                guard case .mapping(let entries) = item.content else {
                    throw item.error("'<<' merges mappings; this item is \(item.found)")
                }
                out += entries
            }
            return out
        case .scalar:
            throw converted.error("'<<' merges a mapping or a list of mappings, found \(converted.found)")
        }
    }

    /// `[-+]?d(:d)*` in base 60, `_` ignored; nil when it is not that or does not fit an Int.
    static func sexagesimal(_ text: String) -> Int? {
        var digits = Substring(text.replacingOccurrences(of: "_", with: ""))
        let negative = digits.first == "-"
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        var value = 0
        for part in digits.split(separator: ":", omittingEmptySubsequences: false) {
            guard let n = Int(part), n >= 0 else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: 60)
            let (sum, o2) = shifted.addingReportingOverflow(n)
            if o1 || o2 { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    private func kind(of node: Node) -> YAMLScalar.Kind {
        switch node.tag.rawValue {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue: return node.bool.map { .bool($0) } ?? .string
        case Tag.Name.int.rawValue:
            // Yams reads a YAML 1.1 sexagesimal int (`1:30:00`) with trapping arithmetic: one too
            // large for Int crashed the loader (found by fuzzing). Read here; too large is text.
            if let text = node.string, text.contains(":") { return Self.sexagesimal(text).map { .int($0) } ?? .string }
            return node.int.map { .int($0) } ?? .string
        case Tag.Name.float.rawValue: return node.float.map { .float($0) } ?? .string
        default: return .string
        }
    }
}
