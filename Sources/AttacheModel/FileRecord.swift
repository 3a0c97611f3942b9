/// What kind of directory entry a catalogued path is.
public enum EntryKind: String, Sendable, Codable, CaseIterable {
    case regular, symlink, fifo, socket
    case charDevice = "char-device"
    case blockDevice = "block-device"
    case directory, other
}

/// Where a catalogued file stands after the latest scan.
public enum FileStatus: String, Sendable, Codable, CaseIterable, Comparable {
    /// Read, hashed and classified.
    case ok
    /// Present but its content could not be read (see the problem).
    case unreadable
    /// Not a regular file: a symlink, FIFO, socket or device. Listed, never opened.
    case special
    /// Was present in an earlier scan, absent now (its row is kept as history).
    case gone
    public static func < (a: FileStatus, b: FileStatus) -> Bool { a.rawValue < b.rawValue }
}

/// Identity of a file on its device.
public struct FileKey: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public init(device: UInt64, inode: UInt64) { self.device = device; self.inode = inode }
}

/// What stat(2) says about an entry, as the scan compares it between runs.
public struct FileStat: Hashable, Sendable {
    public var kind: EntryKind
    public var size: Int64
    public var mtime: Timestamp
    public var ctime: Timestamp
    public var key: FileKey
    public var mode: UInt32
    /// The owner's user id; nil when not known (a catalog written before owners were recorded).
    public var uid: UInt32?
    /// The owner's group id; nil when not known.
    public var gid: UInt32?
    public init(kind: EntryKind, size: Int64, mtime: Timestamp, ctime: Timestamp, key: FileKey, mode: UInt32,
                uid: UInt32? = nil, gid: UInt32? = nil) {
        self.kind = kind; self.size = size; self.mtime = mtime; self.ctime = ctime; self.key = key; self.mode = mode
        self.uid = uid; self.gid = gid
    }
    /// Whether a file with this stat must be read again to trust an earlier hash.
    public func differs(from other: FileStat) -> Bool {
        size != other.size || mtime != other.mtime || ctime != other.ctime || key != other.key || kind != other.kind
    }
    /// Whether only the owner changed (or was not known): the catalog's row needs the new
    /// owner, not a new read. (A chown changes ctime, so ``differs(from:)`` reads such a file
    /// again anyway; this catches rows from a catalog that did not record owners yet.)
    public func ownerDiffers(from other: FileStat) -> Bool { uid != other.uid || gid != other.gid }
}

/// One catalogued file as the listings and reports see it.
public struct FileRecord: Sendable, Hashable {
    public var id: Int64
    public var rootID: Int64
    public var rootPath: String
    public var path: RawPath
    public var stat: FileStat
    public var sha256: ContentHash?
    public var mime: String?
    public var category: Category?
    public var extensionMismatch: Bool
    public var status: FileStatus
    public var problem: ProblemCode?
    public var problemDetail: String?

    public init(id: Int64, rootID: Int64, rootPath: String, path: RawPath, stat: FileStat, sha256: ContentHash?,
                mime: String?, category: Category?, extensionMismatch: Bool, status: FileStatus,
                problem: ProblemCode?, problemDetail: String?) {
        self.id = id; self.rootID = rootID; self.rootPath = rootPath; self.path = path; self.stat = stat
        self.sha256 = sha256; self.mime = mime; self.category = category; self.extensionMismatch = extensionMismatch
        self.status = status; self.problem = problem; self.problemDetail = problemDetail
    }
}
