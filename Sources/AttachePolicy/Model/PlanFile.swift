import AttacheModel

/// One catalogued file as the planner sees it (assembled from the catalog by the plan stage).
///
/// Compact, because the planner holds one per file (ten million for a large share: 104 bytes
/// each, and its path): what many files share — the root's two texts, the MIME type, the
/// names of the referencing sources — is one ``PlanFacets`` object per combination, which the
/// plan stage makes once; the SHA-256 is 32 bytes in place (not 64 hex digits on the heap).
/// The public properties read and write as before.
public struct PlanFile: Sendable, Equatable {
    public var id: Int64
    public var size: Int64
    public var mtime: Timestamp
    /// The path's number in the facets' store of paths.
    var pathID: Int32
    /// The root's display path and short name, the MIME type and the source names, shared by
    /// every file that has the same; and the store of the paths of the files made with it.
    var facets: PlanFacets
    /// The SHA-256's words (meaningful when `hashed`).
    var hash: Digest256
    /// Values of the record columns a policy names (`{record.COLUMN}`), from the records that
    /// reference the file; a column no record gives a value is absent.
    public var record: [String: String] = [:]
    /// The newest referencing record's `modified` time (meaningful when `active`).
    var activity: Int64
    var live: Int32
    var deleted: Int32
    public var category: Category?
    public var status: FileStatus
    public var problem: ProblemCode?
    public var extensionMismatch: Bool
    var hashed: Bool
    var active: Bool

    /// The SHA-256 as 32 bytes (nil: not hashed).
    var digest: Digest256? {
        get { hashed ? hash : nil }
        set { hash = newValue ?? Digest256(); hashed = newValue != nil }
    }

    /// The newest `modified` time among referencing records (nil: none known).
    public var newestRecordActivity: Timestamp? {
        get { active ? Timestamp(nanoseconds: activity) : nil }
        set { activity = newValue?.nanoseconds ?? 0; active = newValue != nil }
    }

    /// Resolved references from live records, and from soft-deleted ones (held in 32 bits:
    /// a count past 2,147,483,647 references to one file reads as that many).
    public var liveReferences: Int {
        get { Int(live) }
        set { live = Int32(clamping: newValue) }
    }

    public var deletedReferences: Int {
        get { Int(deleted) }
        set { deleted = Int32(clamping: newValue) }
    }

    public static func == (a: PlanFile, b: PlanFile) -> Bool {
        a.id == b.id && a.size == b.size && a.mtime == b.mtime && a.path == b.path && a.facets == b.facets
            && a.digest == b.digest && a.record == b.record && a.newestRecordActivity == b.newestRecordActivity
            && a.live == b.live && a.deleted == b.deleted && a.category == b.category && a.status == b.status && a.problem == b.problem
            && a.extensionMismatch == b.extensionMismatch
    }

    /// The path, relative to the root, as raw bytes (made from the store when asked for).
    public var path: RawPath {
        get { facets.store.path(pathID) }
        set {
            let store = PlanPathStore(only: newValue)
            pathID = store.append(newValue)
            facets = facets.with(store: store) { _ in }
        }
    }

    /// The path's bytes, without making a ``RawPath``.
    func withPathBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try facets.store.withBytes(pathID, body)
    }

    /// The root's display path.
    public var root: String {
        get { facets.root }
        set { facets = facets.with { $0.root = newValue } }
    }

    /// A short name for layouts (`{root}`: the root's last component).
    public var rootName: String {
        get { facets.name }
        set { facets = facets.with { $0.name = newValue } }
    }

    public var mime: String? {
        get { facets.mime }
        set { facets = facets.with { $0.mime = newValue } }
    }

    /// Names of the sources whose records reference it, sorted.
    public var sources: [String] {
        get { facets.sources }
        set { facets = facets.with { $0.sources = newValue } }
    }

    public var sha256: ContentHash? {
        get { digest.map { $0.contentHash } }
        set { digest = newValue.map(Digest256.init) }
    }

    public init(id: Int64, root: String, rootName: String, path: RawPath, size: Int64, mtime: Timestamp, category: Category?,
                mime: String?, sha256: ContentHash?, status: FileStatus, problem: ProblemCode?, extensionMismatch: Bool,
                liveReferences: Int, deletedReferences: Int, newestRecordActivity: Timestamp?, sources: [String],
                record: [String: String] = [:]) {
        let store = PlanPathStore(only: path)
        self.init(id: id, facets: PlanFacets(root: root, name: rootName, mime: mime, sources: sources, store: store),
                  pathID: store.append(path), size: size,
                  mtime: mtime, category: category, digest: sha256.map(Digest256.init), status: status, problem: problem,
                  extensionMismatch: extensionMismatch, liveReferences: liveReferences, deletedReferences: deletedReferences,
                  newestRecordActivity: newestRecordActivity, record: record)
    }

    init(id: Int64, facets: PlanFacets, pathID: Int32, size: Int64, mtime: Timestamp, category: Category?,
         digest: Digest256?, status: FileStatus, problem: ProblemCode?, extensionMismatch: Bool, liveReferences: Int,
         deletedReferences: Int, newestRecordActivity: Timestamp?, record: [String: String]) {
        self.id = id; self.facets = facets; self.pathID = pathID; self.size = size; self.mtime = mtime
        self.category = category; self.status = status; self.problem = problem
        self.hash = digest ?? Digest256(); self.hashed = digest != nil
        self.activity = newestRecordActivity?.nanoseconds ?? 0; self.active = newestRecordActivity != nil
        self.extensionMismatch = extensionMismatch; self.live = Int32(clamping: liveReferences)
        self.deleted = Int32(clamping: deletedReferences); self.record = record
    }
}

/// What many files share, made once per combination and shared: the root's display path and
/// short name, the MIME type, the names of the referencing sources (sorted).
final class PlanFacets: Sendable, Equatable {
    let root: String
    let name: String
    let mime: String?
    let sources: [String]
    /// The paths of the files made with these facets (not compared: a store of paths, not a fact).
    let store: PlanPathStore

    init(root: String, name: String, mime: String?, sources: [String], store: PlanPathStore) {
        self.root = root; self.name = name; self.mime = mime; self.sources = sources; self.store = store
    }

    /// A copy with one change (a file changes its facets only in tests).
    func with(store: PlanPathStore? = nil, _ change: (inout Parts) -> Void) -> PlanFacets {
        var p = Parts(root: root, name: name, mime: mime, sources: sources)
        change(&p)
        return PlanFacets(root: p.root, name: p.name, mime: p.mime, sources: p.sources, store: store ?? self.store)
    }

    struct Parts: Hashable {
        var root: String
        var name: String
        var mime: String?
        var sources: [String]
    }

    static func == (a: PlanFacets, b: PlanFacets) -> Bool {
        a === b || (a.root == b.root && a.name == b.name && a.mime == b.mime && a.sources == b.sources)
    }
}

/// A SHA-256 as its 32 bytes, in four big-endian words (`a` holds the first 16 hex digits).
struct Digest256: Hashable, Sendable, Comparable {
    var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0

    init() {}

    /// The order of the hex digits (``ContentHash``'s): word by word.
    static func < (x: Digest256, y: Digest256) -> Bool {
        if x.a != y.a { return x.a < y.a }
        if x.b != y.b { return x.b < y.b }
        if x.c != y.c { return x.c < y.c }
        return x.d < y.d
    }

    /// From a hash's hex digits (a ``ContentHash`` always holds 64 lower-case ones).
    init(_ h: ContentHash) {
        var w: [UInt64] = [0, 0, 0, 0]
        var n = 0
        for ch in h.hex.utf8 {
            let v: UInt8 = ch <= 57 ? ch &- 48 : ch &- 87
            w[n >> 4] = w[n >> 4] << 4 | UInt64(v & 0xF)
            n += 1
            if n == 64 { break }
        }
        a = w[0]; b = w[1]; c = w[2]; d = w[3]
    }

    /// The hash as ``ContentHash`` (its 64 lower-case hex digits again).
    var contentHash: ContentHash {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for word in [a, b, c, d] {
            for k in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(k))) }
        }
        return ContentHash(bytes: bytes)
    }
}
