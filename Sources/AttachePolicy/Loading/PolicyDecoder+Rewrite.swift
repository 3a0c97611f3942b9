import AttacheConfig
import AttacheModel

// The policy's `rewrite:` section: the spelling of archived and dropped files' references.

extension PolicyDecoder {
    static let rewriteKeys = ["archive_link", "dropped", "tombstone", "tombstone_link"]

    mutating func rewrite(_ node: YAMLNode) throws(YAMLDiagnostic) -> RewriteSettings {
        let m = try node.mapping("'rewrite'", allowedKeys: PolicyDecoder.rewriteKeys)
        var r = RewriteSettings()
        if let n = m.value("archive_link") {
            r.archiveLink = try PolicyDecoder.template(n, "'archive_link'", placeholders: RewriteSettings.archivePlaceholders,
                                                       required: true)
        }
        if let n = m.value("dropped") {
            r.dropped = DroppedMode(rawValue: try PolicyValues.choice(n, "'dropped'", kind: "mode",
                                                                     among: DroppedMode.allCases.map(\.rawValue)))!
        }
        if let n = m.value("tombstone") {
            r.tombstone = try PolicyDecoder.template(n, "'tombstone'", placeholders: RewriteSettings.tombstonePlaceholders)
        }
        if let n = m.value("tombstone_link") {
            r.tombstoneLink = try PolicyDecoder.template(n, "'tombstone_link'", placeholders: RewriteSettings.tombstonePlaceholders)
        }
        sites.tombstone = (m.entry("tombstone") ?? m.entry("tombstone_link"))?.keyLocation
        return r
    }

    /// A rewrite template, checked with the shared brace reader: only `placeholders`, every
    /// one of them when `required`, and not blank (an empty replacement would remove the
    /// reference without a trace).
    static func template(_ node: YAMLNode, _ what: String, placeholders: [String],
                         required: Bool = false) throws(YAMLDiagnostic) -> String {
        let text = try node.nonEmptyString(what)
        let allowed = placeholders.map { "{\($0)}" }.joined(separator: ", ")
        let pieces: [BraceTemplate.Piece]
        switch BraceTemplate.parse(text, noun: "placeholder") {
        case .success(let p): pieces = p
        case .failure(let problem): throw node.error("\(problem.message) in \(what)")
        }
        var used: [String] = []
        for case .name(let name) in pieces {
            guard placeholders.contains(name) else {
                let hint = PolicyValues.suggestion(for: name, among: placeholders).map { "; did you mean '{\($0)}'?" }
                    ?? "; \(what) may use \(allowed)"
                throw node.error("unknown placeholder '{\(name)}' in \(what)" + hint)
            }
            used.append(name)
        }
        if required {
            for name in placeholders where !used.contains(name) {
                throw node.error("\(what) has no '{\(name)}'; it must name both the archive and the member "
                    + "(the default is '{archive}#{member}')")
            }
        }
        return text
    }
}
