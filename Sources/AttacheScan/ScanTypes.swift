import AttacheCatalog
import AttacheModel
import AttacheSystem
import Foundation

/// A root to scan, as the manifest (or the command line) names it.
public struct ScanRoot: Sendable, Equatable {
    public var path: String
    /// How the records spell this root; nil keeps what the catalog has (a quick look from the
    /// command line must not erase the aliases a manifest registered).
    public var aliases: [String]?
    /// nil keeps what the catalog has (false for a new root).
    public var caseInsensitive: Bool?
    public init(path: String, aliases: [String]? = nil, caseInsensitive: Bool? = nil) {
        self.path = path; self.aliases = aliases; self.caseInsensitive = caseInsensitive
    }
}

/// Everything a scan needs besides the catalog.
public struct ScanOptions: Sendable {
    public var roots: [ScanRoot]
    public var exclude: [PathGlob]
    /// Reader threads; defaults to the number of cores.
    public var workers: Int
    /// Test seam: injected open errors and changes during reads.
    public var faults: ReadFaults
    /// Results written per catalog transaction (at most; a batch is also written every half second).
    public var batchSize: Int
    /// The version string recorded in `scan_runs`.
    public var version: String

    public init(roots: [ScanRoot], exclude: [PathGlob] = [], workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                faults: ReadFaults = ReadFaults(), batchSize: Int = 2000, version: String = "dev") {
        self.roots = roots; self.exclude = exclude; self.workers = max(1, workers); self.faults = faults
        self.batchSize = max(1, batchSize); self.version = version
    }
}

/// Where a running scan stands; handed to the progress callback a few times a second.
public struct ScanProgress: Sendable {
    public enum Phase: String, Sendable { case walking, reading, finishing }
    public var phase: Phase
    /// Entries found by the walk so far.
    public var entriesFound: Int
    /// Work counted by the walk: files that must be read and their bytes.
    public var filesToRead: Int
    public var bytesToRead: Int64
    public var filesRead: Int
    public var bytesRead: Int64
    /// Seconds since the reading phase began (0 while walking).
    public var readingSeconds: Double
}

/// How a scan ended.
public struct ScanResult: Sendable {
    public var runID: Int64
    public var status: ScanRunStatus
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

/// A flag the command sets on Ctrl-C; the scan stops at the next file and commits what it has.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    public init() {}
    public func cancel() { lock.lock(); cancelled = true; lock.unlock() }
    public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }
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
