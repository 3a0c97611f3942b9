import AttacheModel

/// One migration, as `attache.yaml` describes it: where the legacy files are, which records
/// point at them, where the catalog lives, which policy decides and where files go.
///
/// Every command reads the manifest, so a trial run and the final cut-over are the same
/// commands. Paths are absolute: relative values in the file resolve against the folder
/// the manifest is in. Load one with ``ManifestLoader/load(path:)``.
public struct Manifest: Sendable, Equatable {
    /// The manifest format this build reads. A file with a higher `version` is refused with
    /// ``ManifestError/Kind-swift.enum/tooNewVersion``.
    public static let currentVersion = 1
    /// The file name `attache init` writes and commands look for by default.
    public static let defaultFileName = "attache.yaml"
    /// The catalog's file name when the manifest does not give one.
    public static let defaultCatalog = "attache.db"

    /// The format version the file declares (1 … ``currentVersion``).
    public var version: Int
    /// The absolute path of the file the manifest was read from; nil when built in code.
    public var file: String?
    /// The catalog database (absolute). Default: `attache.db` beside the manifest.
    public var catalog: String
    /// The legacy folders to scan, in the order the file lists them (at least one when loaded).
    public var roots: [RootSpec]
    /// Patterns of paths (relative to each root) that the scan skips.
    public var exclude: [PathGlob]
    /// The records that point at files.
    public var sources: [SourceSpec]
    /// The storage policy file (absolute), when given.
    public var policy: String?
    /// The folder files are moved to (absolute), when given: `target: DIR` or `target: {path: DIR}`.
    public var target: String?
    /// How the records will spell the target (`target: {path: DIR, address: TEXT}`), when given:
    /// the rewrite spells new locations below it.
    public var targetAddress: TargetAddress?

    public init(version: Int = Manifest.currentVersion, file: String? = nil, catalog: String,
                roots: [RootSpec], exclude: [PathGlob] = [], sources: [SourceSpec] = [],
                policy: String? = nil, target: String? = nil, targetAddress: TargetAddress? = nil) {
        self.version = version
        self.file = file
        self.catalog = catalog
        self.roots = roots
        self.exclude = exclude
        self.sources = sources
        self.policy = policy
        self.target = target
        self.targetAddress = targetAddress
    }
}

/// One legacy folder to scan, and how the records spell it.
public struct RootSpec: Sendable, Equatable {
    /// The folder as this machine sees it: absolute, without a trailing slash (except "/").
    public var path: String
    /// Prefixes the records use for this folder (`\\FILESRV01\CRM\`, `K:\`,
    /// `/var/www/vtigercrm/`), kept exactly as written.
    public var aliases: [String]
    /// Whether names under this root match whatever their case (a Windows share). Default false.
    public var caseInsensitive: Bool
    /// Where the root's entry starts in the manifest (1-based); 0 when built in code.
    public var line: Int
    public var column: Int

    public init(path: String, aliases: [String] = [], caseInsensitive: Bool = false, line: Int = 0, column: Int = 0) {
        self.path = path
        self.aliases = aliases
        self.caseInsensitive = caseInsensitive
        self.line = line
        self.column = column
    }
}
