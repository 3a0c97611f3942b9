import AttacheModel

/// Reads `attache.yaml` into a ``Manifest``, checking it against the schema and reporting
/// the first problem as a ``ManifestError`` with file, line and column.
public enum ManifestLoader {
    /// Reads and checks the manifest file at `path`.
    /// - Parameter path: absolute, or relative to the current directory. Error messages name
    ///   it as given; ``Manifest/file`` holds the absolute path.
    /// - Throws: ``ManifestError``: `.notFound` when there is no file, `.unreadable` when it
    ///   cannot be read as a file, `.syntax`, `.schema` or `.tooNewVersion` for its content.
    public static func load(path: String) throws(ManifestError) -> Manifest {
        let bytes = try ConfigFile.read(path, what: "manifest",
                                        whenMissing: "run 'attache init' to write one, or pass --manifest FILE",
                                        folderExample: "--manifest \(path)/\(Manifest.defaultFileName)")
        let root: YAMLNode?
        do { root = try YAMLDocument.parse(bytes: bytes, file: path) } catch { throw ManifestError(error) }
        return try manifest(from: root, file: path)
    }

    /// Checks manifest text.
    /// - Parameters:
    ///   - yaml: the manifest's text.
    ///   - file: the file the text belongs to: named in messages, and its folder is where
    ///     relative paths resolve (relative to the current directory when not absolute).
    /// - Throws: ``ManifestError`` of kind `.syntax`, `.schema` or `.tooNewVersion`.
    public static func parse(yaml: String, file: String) throws(ManifestError) -> Manifest {
        let root: YAMLNode?
        do { root = try YAMLDocument.parse(yaml, file: file) } catch { throw ManifestError(error) }
        return try manifest(from: root, file: file)
    }

    private static func manifest(from root: YAMLNode?, file: String) throws(ManifestError) -> Manifest {
        guard let root else {
            throw ManifestError(kind: .schema, file: file, message:
                "the manifest is empty; it needs at least 'version: \(Manifest.currentVersion)' and 'roots' "
                + "(run 'attache init' to write a commented one)")
        }
        let absoluteFile = ManifestPaths.absolute(file, in: ManifestPaths.currentDirectory())
        let decoder = ManifestDecoder(folder: ManifestPaths.folder(of: absoluteFile))
        let top: YAMLMapping
        let version: (value: Int, node: YAMLNode)
        do {
            top = try decoder.topLevel(root)
            version = try decoder.version(of: top)
        } catch { throw ManifestError(error) }
        guard version.value <= Manifest.currentVersion else {
            throw ManifestError(
                kind: .tooNewVersion, file: file, line: version.node.location.line, column: version.node.location.column,
                message: "the manifest is version \(version.value), but this build of attache reads manifest version "
                    + "\(Manifest.currentVersion); upgrade attache to read it")
        }
        do {
            return try decoder.manifest(from: top, version: version.value, file: absoluteFile)
        } catch { throw ManifestError(error) }
    }
}
