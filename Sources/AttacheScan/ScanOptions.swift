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
    /// Threads listing folders ahead of the walk (``Walker/scouts``). `ATTACHE_WALK_SCOUTS=N`
    /// sets it for the benchmarks and the agreement checks (0: the walk lists alone).
    public var walkScouts: Int = ScanOptions.defaultWalkScouts

    static var defaultWalkScouts: Int {
        if let v = ProcessInfo.processInfo.environment["ATTACHE_WALK_SCOUTS"], let n = Int(v), n >= 0 { return min(n, 8) }
        return Walker.defaultScouts
    }

    public init(roots: [ScanRoot], exclude: [PathGlob] = [], workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                faults: ReadFaults = ReadFaults(), batchSize: Int = 2000, version: String = "dev") {
        self.roots = roots; self.exclude = exclude; self.workers = max(1, workers); self.faults = faults
        self.batchSize = max(1, batchSize); self.version = version
    }
}
