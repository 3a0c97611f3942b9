import AttacheCatalog
import AttacheModel

/// How a scan ended.
public struct ScanResult: Sendable {
    public var runID: Int64
    public var status: RunStatus
    public var counts: ScanCounts
    /// Current findings of the scanned roots, by code (after this run).
    public var findings: [ProblemCode: Int]
    /// Bytes read through the readers (hashed), for tests and the summary.
    public var bytesHashed: Int64
    /// Whether any finding of warning or error severity exists for the scanned roots.
    public var hasProblems: Bool {
        findings.contains { $0.key.severity >= .warning && $0.value > 0 }
    }
}

/// Why a scan could not run at all (per-file problems are findings, not errors).
public enum ScanError: Error, Sendable, CustomStringConvertible {
    case rootNotFound(String)
    case rootNotADirectory(String)
    case rootUnreadable(String, String)
    case catalog(CatalogError)
    case magic(String)

    public var description: String {
        switch self {
        case .rootNotFound(let p): return "root \(p) does not exist (check the path, or mount the share first)"
        case .rootNotADirectory(let p): return "root \(p) is not a folder: a root is the top folder of legacy files"
        case .rootUnreadable(let p, let why): return "cannot open root \(p): \(why)"
        case .catalog(let e): return e.description
        case .magic(let m): return m
        }
    }
}
