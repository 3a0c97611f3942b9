import AttacheCatalog
import AttacheModel
import AttacheRecords

/// Outcome of `attache refs`.
public struct ReferencesResult: Sendable {
    public struct SourceOutcome: Sendable {
        public var name: String
        /// Extracted anew (the source or its definition changed), or only re-resolved.
        public var extracted: Bool
        public var records: Int
        public var references: Int
        public var problems: Int
        public var note: String?
    }
    public var run: Int64
    public var sources: [SourceOutcome]
    /// References of unchanged sources resolved again because files changed.
    public var resolvedAgain: Int
    /// The catalog's reference counts after the run (the same figures `attache report` shows).
    public var counts: ReferenceCounts
    public var droppedSources: [String]
    /// Set when the run was stopped (Ctrl-C) before the end.
    public var interrupted: Interruption?

    /// Where a stopped run stopped. Every source keeps a whole set of references: those stored
    /// before the stop have their new ones, the others keep what they had before the run.
    public struct Interruption: Sendable, Equatable {
        /// The source being read when the run stopped: nothing of this reading was stored.
        public var source: String
        /// The sources after it, not read in this run.
        public var notRead: [String]
    }
}

/// Why `attache refs` could not run (per-record problems are recorded, not thrown).
public enum ReferencesError: Error, Sendable, CustomStringConvertible {
    case notScanned
    case source(SourceError)
    case preset(source: String, message: String)
    case unknownTemplateColumn(source: String, column: String, available: [String])
    case catalog(CatalogError)

    public var description: String {
        switch self {
        case .notScanned: return "the catalog has no scanned root: run 'attache scan' first"
        case .source(let e): return e.description
        case .preset(let s, let m): return "source '\(s)': \(m)"
        case .unknownTemplateColumn(let s, let c, let available):
            return "source '\(s)': the file template names column '\(c)', which the source does not have (it has: \(available.joined(separator: ", ")))"
        case .catalog(let e): return e.description
        }
    }
}
