import AttacheModel

/// Walks a manifest's located node tree into a ``Manifest``, throwing at the first node that
/// does not fit. The version is read first (``version(of:)``) so that a newer file is refused
/// for its version, not for keys this build does not know yet.
struct ManifestDecoder {
    /// The folder relative paths resolve against (absolute).
    let folder: String

    static let topLevelKeys = ["version", "catalog", "roots", "exclude", "sources", "policy", "target"]

    /// The top-level mapping (its keys are checked in ``manifest(from:version:file:)``).
    func topLevel(_ root: YAMLNode) throws(YAMLDiagnostic) -> YAMLMapping {
        guard case .mapping = root.content else {
            throw root.error("the manifest must be a mapping of keys (version, roots, …), found \(root.found)")
        }
        return try root.mapping("the manifest")
    }

    /// The declared format version and where it is written.
    func version(of top: YAMLMapping) throws(YAMLDiagnostic) -> (value: Int, node: YAMLNode) {
        let node = try top.require("version", expected: "the manifest format version, 'version: \(Manifest.currentVersion)'")
        let value: Int
        if case .scalar(let s) = node.content, case .string = s.kind, let quoted = Int(s.text.trimmingWhitespace()) {
            value = quoted  // version: "1" is fine too
        } else {
            guard case .scalar(let s) = node.content, case .int(let i) = s.kind else {
                throw node.error("expected a whole number for 'version', found \(node.found); this build reads version \(Manifest.currentVersion)")
            }
            value = i
        }
        guard value >= 1 else {
            throw node.error("'version' must be 1 or more, found \(value); this build reads version \(Manifest.currentVersion)")
        }
        return (value, node)
    }

    /// The whole manifest, once the version is known to be readable.
    func manifest(from top: YAMLMapping, version: Int, file: String) throws(YAMLDiagnostic) -> Manifest {
        try top.checkKeys(ManifestDecoder.topLevelKeys)
        let catalog = try top.value("catalog").map { node throws(YAMLDiagnostic) in try path(node, "'catalog'") }
            ?? ManifestPaths.absolute(Manifest.defaultCatalog, in: folder)
        let roots = try self.roots(top.require(
            "roots", expected: "a list of legacy folders, e.g. 'roots: [{path: /mnt/legacy/fileserver}]'"))
        let exclude = try top.value("exclude").map { node throws(YAMLDiagnostic) in try self.exclude(node) } ?? []
        let sources = try top.value("sources").map { node throws(YAMLDiagnostic) in try self.sources(node, roots: roots) } ?? []
        let policy = try top.value("policy").map { node throws(YAMLDiagnostic) in try path(node, "'policy'") }
        let target = try top.value("target").map { node throws(YAMLDiagnostic) in try self.target(node) }
        return Manifest(version: version, file: file, catalog: catalog, roots: roots, exclude: exclude,
                        sources: sources, policy: policy, target: target?.path, targetAddress: target?.address)
    }

    static let targetKeys = ["path", "address"]

    /// `target`: the folder apply writes (`target: DIR`), or `{path: DIR, address: TEXT}` with
    /// how the records will spell it. Anything but a mapping reads as the folder, so a list
    /// gets the same message as any other path key.
    func target(_ node: YAMLNode) throws(YAMLDiagnostic) -> (path: String, address: TargetAddress?) {
        guard case .mapping = node.content else { return (try path(node, "'target'"), nil) }
        let m = try node.mapping("'target'", allowedKeys: ManifestDecoder.targetKeys)
        let pathNode = try m.require("path", expected: "the folder apply writes, e.g. 'path: /mnt/new-storage'")
        let path = try self.path(pathNode, "the target's 'path'")
        guard let addressNode = m.value("address") else { return (path, nil) }
        let text = try addressNode.nonEmptyString("the target's 'address'")
        do {
            return (path, try TargetAddress(text))
        } catch {
            throw addressNode.error("invalid target address: \(error.reason)")
        }
    }

    /// A path on this machine: non-empty text, absolute against the manifest's folder.
    func path(_ node: YAMLNode, _ what: String) throws(YAMLDiagnostic) -> String {
        let text = try node.nonEmptyString(what)
        if text.hasPrefix("~") {
            throw node.error("\(what) starts with '~', which attache does not expand; write the full path")
        }
        return ManifestPaths.absolute(text, in: folder)
    }

    /// `exclude`: a list of path patterns, each checked as a ``PathGlob``.
    func exclude(_ node: YAMLNode) throws(YAMLDiagnostic) -> [PathGlob] {
        var globs: [PathGlob] = []
        for item in try node.sequence("'exclude'", example: "exclude: ['**/.snapshot/**']") {
            let pattern = try item.string("each pattern of 'exclude'")
            do {
                globs.append(try PathGlob(pattern))
            } catch let invalid as PathGlob.Invalid {
                throw item.error("invalid exclude pattern '\(pattern)': \(invalid.reason)")
            } catch {
                throw item.error("invalid exclude pattern '\(pattern)'")
            }
        }
        return globs
    }
}
