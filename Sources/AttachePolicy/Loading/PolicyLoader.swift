import AttacheConfig
import AttacheModel

/// Reads a storage policy (Documentation/Policy.md) into a ``Policy``, checking it against
/// the schema and reporting the first problem as a ``PolicyError`` with file, line and column.
///
/// ```swift
/// let (policy, warnings) = try PolicyLoader.loadWithWarnings(path: "policies/cloud-50gib.yaml")
/// for w in warnings { print(w) }   // policies/cloud-50gib.yaml:31:5: warning: rule 'x' can never match: …
/// ```
public enum PolicyLoader {
    /// Reads and checks the policy file at `path`.
    /// - Parameter path: absolute, or relative to the current directory; messages and
    ///   ``Policy/file`` name it as given.
    /// - Throws: ``PolicyError``: `.notFound` when there is no file, `.unreadable` when it
    ///   cannot be read as a file, `.syntax`, `.schema` or `.tooNewVersion` for its content.
    public static func load(path: String) throws(PolicyError) -> Policy {
        try loadWithWarnings(path: path).policy
    }

    /// Checks policy text.
    /// - Parameters:
    ///   - yaml: the policy's text.
    ///   - file: the file the text belongs to, named in messages and kept in ``Policy/file``.
    /// - Throws: ``PolicyError`` of kind `.syntax`, `.schema` or `.tooNewVersion`.
    public static func parse(yaml: String, file: String) throws(PolicyError) -> Policy {
        try parseWithWarnings(yaml: yaml, file: file).policy
    }

    /// ``load(path:)`` and the policy's warnings, each at the line and column it concerns.
    public static func loadWithWarnings(path: String) throws(PolicyError) -> (policy: Policy, warnings: [PolicyWarning]) {
        let bytes = try ConfigFile.read(path, what: "policy",
                                        whenMissing: "copy one of the examples in policies/, or pass --policy FILE",
                                        folderExample: "\(path)/cloud-50gib.yaml")
        let root: YAMLNode?
        do { root = try YAMLDocument.parse(bytes: bytes, file: path) } catch { throw PolicyError(error) }
        return try policy(from: root, file: path)
    }

    /// ``parse(yaml:file:)`` and the policy's warnings, each at the line and column it concerns.
    public static func parseWithWarnings(yaml: String, file: String) throws(PolicyError) -> (policy: Policy, warnings: [PolicyWarning]) {
        let root: YAMLNode?
        do { root = try YAMLDocument.parse(yaml, file: file) } catch { throw PolicyError(error) }
        return try policy(from: root, file: file)
    }

    /// The warnings of a policy value: rules that can never match (after a catch-all, after a
    /// rule with the same condition, or with a condition that contradicts itself) and a layout
    /// that names no file. Each is at its rule's line (``Rule/line``) with column 0, since a
    /// value keeps no columns; ``loadWithWarnings(path:)`` gives exact places, and also warns
    /// about an `overflow` section without a quota (a value cannot tell a written section
    /// from the defaults).
    public static func warnings(for policy: Policy) -> [PolicyWarning] {
        PolicyAnalysis.warnings(for: policy, sites: nil)
    }

    private static func policy(from root: YAMLNode?, file: String) throws(PolicyError) -> (policy: Policy, warnings: [PolicyWarning]) {
        guard let root else {
            throw PolicyError(kind: .schema, file: file, message:
                "the policy is empty; it needs at least 'version: \(Policy.currentVersion)' "
                + "(the examples in policies/ are a good start)")
        }
        var decoder = PolicyDecoder(file: file)
        let top: YAMLMapping
        let version: (value: Int, node: YAMLNode)
        do {
            top = try decoder.topLevel(root)
            version = try decoder.version(of: top)
        } catch { throw PolicyError(error) }
        guard version.value <= Policy.currentVersion else {
            throw PolicyError(
                kind: .tooNewVersion, file: file, line: version.node.location.line, column: version.node.location.column,
                message: "the policy is version \(version.value), but this build of attache reads policy version "
                    + "\(Policy.currentVersion); upgrade attache to read it")
        }
        let policy: Policy
        do { policy = try decoder.policy(from: top, version: version.value) } catch { throw PolicyError(error) }
        return (policy, PolicyAnalysis.warnings(for: policy, sites: decoder.sites))
    }
}
