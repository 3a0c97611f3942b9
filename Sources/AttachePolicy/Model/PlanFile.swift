import AttacheModel

/// One catalogued file as the planner sees it (assembled from the catalog by the plan stage).
public struct PlanFile: Sendable, Equatable {
    public var id: Int64
    /// The root's display path, and a short name for layouts (its last component).
    public var root: String
    public var rootName: String
    public var path: RawPath
    public var size: Int64
    public var mtime: Timestamp
    public var category: Category?
    public var mime: String?
    public var sha256: ContentHash?
    public var status: FileStatus
    public var problem: ProblemCode?
    public var extensionMismatch: Bool
    /// Resolved references from live records, and from soft-deleted ones.
    public var liveReferences: Int
    public var deletedReferences: Int
    /// The newest `modified` time among referencing records (nil: none known).
    public var newestRecordActivity: Timestamp?
    /// Names of the sources whose records reference it, sorted.
    public var sources: [String]
    /// Values of the record columns a policy names (`{record.COLUMN}`), from the records that
    /// reference the file; a column no record gives a value is absent.
    public var record: [String: String] = [:]

    public init(id: Int64, root: String, rootName: String, path: RawPath, size: Int64, mtime: Timestamp, category: Category?,
                mime: String?, sha256: ContentHash?, status: FileStatus, problem: ProblemCode?, extensionMismatch: Bool,
                liveReferences: Int, deletedReferences: Int, newestRecordActivity: Timestamp?, sources: [String],
                record: [String: String] = [:]) {
        self.record = record
        self.id = id; self.root = root; self.rootName = rootName; self.path = path; self.size = size; self.mtime = mtime
        self.category = category; self.mime = mime; self.sha256 = sha256; self.status = status; self.problem = problem
        self.extensionMismatch = extensionMismatch; self.liveReferences = liveReferences; self.deletedReferences = deletedReferences
        self.newestRecordActivity = newestRecordActivity; self.sources = sources
    }
}

