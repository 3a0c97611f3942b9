/// `roots`: the legacy folders, their aliases and case rule.
extension ManifestDecoder {
    static let rootKeys = ["path", "aliases", "case_insensitive"]

    func roots(_ node: YAMLNode) throws(YAMLDiagnostic) -> [RootSpec] {
        let items = try node.sequence("'roots'", example: "roots: [{path: /mnt/legacy/fileserver}]")
        guard !items.isEmpty else {
            throw node.error("'roots' is empty; list at least one legacy folder, e.g. '- path: /mnt/legacy/fileserver'")
        }
        var roots: [RootSpec] = []
        // Where each root path and alias was first given, to report repeats and overlaps.
        var pathNodes: [String: YAMLNode] = [:]
        var aliasNodes: [String: YAMLNode] = [:]
        for item in items {
            if let text = item.scalarText {
                throw item.error("each root is a mapping with a 'path', found \(item.found); write '- path: \(text)'")
            }
            let m = try item.mapping("a root", allowedKeys: ManifestDecoder.rootKeys)
            let pathNode = try m.require("path", expected: "the folder as this machine sees it, e.g. 'path: /mnt/legacy/fileserver'")
            let path = try self.path(pathNode, "the root's 'path'")
            try checkOverlap(path, at: pathNode, with: pathNodes, roots: roots)
            pathNodes[path] = pathNode

            var aliases: [String] = []
            if let aliasList = m.value("aliases") {
                for aliasNode in try aliasList.sequence("'aliases'", example: "aliases: ['K:\\']") {
                    let alias = try aliasNode.nonEmptyString("each alias in 'aliases'")
                    if let first = aliasNodes[alias] {
                        throw aliasNode.error("alias '\(alias)' is given twice (first at \(first.location.lineAndColumn)); an alias names one root")
                    }
                    aliasNodes[alias] = aliasNode
                    aliases.append(alias)
                }
            }
            let caseInsensitive = try m.value("case_insensitive")?.bool("'case_insensitive'") ?? false
            roots.append(RootSpec(path: path, aliases: aliases, caseInsensitive: caseInsensitive,
                                  line: item.location.line, column: item.location.column))
        }
        return roots
    }

    /// A root given twice, or inside another root, would catalogue the same files twice.
    private func checkOverlap(_ path: String, at node: YAMLNode, with earlier: [String: YAMLNode],
                              roots: [RootSpec]) throws(YAMLDiagnostic) {
        if let first = earlier[path] {
            throw node.error("root '\(path)' is listed twice (first at \(first.location.lineAndColumn))")
        }
        for root in roots {
            guard let other = earlier[root.path] else { continue }
            if ManifestDecoder.isInside(path, root.path) {
                throw node.error("root '\(path)' is inside root '\(root.path)' (\(other.location.lineAndColumn)); "
                    + "its files would be catalogued twice: keep the outer root and skip folders with 'exclude'")
            }
            if ManifestDecoder.isInside(root.path, path) {
                throw node.error("root '\(path)' contains root '\(root.path)' (\(other.location.lineAndColumn)); "
                    + "its files would be catalogued twice: keep the outer root and skip folders with 'exclude'")
            }
        }
    }

    /// Whether `inner` is a folder strictly below `outer` (both cleaned absolute paths).
    static func isInside(_ inner: String, _ outer: String) -> Bool {
        if outer == "/" { return inner != "/" }
        return inner.hasPrefix(outer + "/")
    }
}
