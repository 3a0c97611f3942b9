import AttacheCatalog
import AttacheModel

/// What `attache rewrite` is asked to do.
public struct RewriteOptions: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Rewritten copies in the output folder.
        case copy
        /// The sources themselves, each after a backup in the output folder.
        case inPlace
        /// SQL scripts (forward and revert) for a DBA, in a dialect; nothing else written.
        case sql(file: String, dialect: SQLDialect)
    }
    public var mode: Mode
    /// The output folder: copies, backups, the link table.
    public var output: String
    /// Only these sources (all when empty).
    public var sources: [String]
    /// Count and check everything, write nothing.
    public var dryRun: Bool

    public init(mode: Mode = .copy, output: String, sources: [String] = [], dryRun: Bool = false) {
        self.mode = mode; self.output = output; self.sources = sources; self.dryRun = dryRun
    }
}

/// How one source was rewritten.
public struct RewriteSourceOutcome: Sendable, Equatable {
    public var name: String
    /// What was written for it: the copy, the rewritten original, the script.
    public var written: String?
    public var counts: [RewriteOutcome: Int] = [:]
    /// Records (rows, CSV records, files) changed.
    public var recordsChanged = 0
    /// A sentence for people when the source was not (wholly) rewritten.
    public var note: String?

    public init(name: String) { self.name = name }

    public var total: Int { counts.values.reduce(0, +) }
    public subscript(_ o: RewriteOutcome) -> Int { counts[o] ?? 0 }
}

/// What a rewrite (or revert) run did.
public struct RewriteResult: Sendable {
    public var runID: Int64?
    public var mode: RewriteMode
    public var target: String
    public var output: String
    public var sources: [RewriteSourceOutcome]
    /// The importer's link table, when written.
    public var linkTables: [String] = []
    /// Warnings for people (a source changed since refs read it…).
    public var warnings: [String] = []
    public var dryRun: Bool

    public func total(_ o: RewriteOutcome) -> Int { sources.reduce(0) { $0 + $1[o] } }
    /// Whether anything needs people's attention (flagged, unresolved, refused, failed).
    public var needsAttention: Bool { RewriteOutcome.allCases.contains { $0.needsAttention && total($0) > 0 } }
}

/// Why a rewrite cannot start or had to stop; each maps to a documented exit code.
public struct RewriteError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Nothing to rewrite with: no catalog, no apply run, no references (exit 66).
        case missingInput
        /// The manifest cannot say how the new storage is addressed, or options conflict (exit 64/65).
        case configuration
        /// The output cannot be written (exit 74).
        case output
        /// A source cannot be read (exit 65/66, as the references stage).
        case source
        /// Nothing to revert (exit 66).
        case nothingToRevert
    }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
}
