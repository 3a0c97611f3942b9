import AttacheModel
import CFTS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One entry the walk found: a path relative to the root and what lstat said about it.
public struct WalkEntry: Sendable {
    public var path: RawPath
    public var stat: FileStat
    /// For a symlink: where it points (raw bytes as readlink gives them).
    public var linkTarget: RawPath?

    public init(path: RawPath, stat: FileStat, linkTarget: RawPath?) {
        self.path = path
        self.stat = stat
        self.linkTarget = linkTarget
    }
}

/// What the walk reports as it goes. Directories are not reported as entries.
public protocol WalkVisitor {
    /// A non-directory entry (regular file, symlink, FIFO, socket, device).
    mutating func entry(_ entry: WalkEntry)
    /// A problem with a path (relative to the root).
    mutating func finding(_ path: RawPath, _ code: ProblemCode, _ detail: String)
    /// A path skipped by an `exclude` pattern (a folder counts once, its content is not entered).
    mutating func excluded(_ path: RawPath)
    /// Checked before each folder is listed: true stops the walk (what it found is incomplete).
    var shouldStop: Bool { get }
}

extension WalkVisitor {
    public var shouldStop: Bool { false }
}

/// Walks a root on raw bytes with openat + readdir + fstatat.
///
/// - Never follows symlinks (each is reported, and checked for being broken or looping).
/// - Never opens anything but directories: FIFOs, sockets and devices are only stat'ed.
/// - Keeps names as bytes; reports names that are not UTF-8 and names that differ from a
///   sibling only in Unicode normalisation.
/// - Visits entries in byte order of their names, so two walks of the same tree agree.
/// - A folder that cannot be listed, or that is its own ancestor, is a finding; the walk goes on.
public struct Walker {
    public let root: RawPath
    public let exclude: [PathGlob]
    /// Threads listing folders ahead of the walk (``WalkScouts``); 0 lists on the calling
    /// thread only. What the visitor sees is the same either way.
    public let scouts: Int

    /// One scout beside the walk by default: with the catalog's rows loading on another
    /// thread during a scan, a second scout measured no faster on 2 cores.
    public static let defaultScouts = 1

    public init(root: RawPath, exclude: [PathGlob] = [], scouts: Int = Walker.defaultScouts) {
        self.root = root
        self.exclude = exclude
        self.scouts = max(0, scouts)
    }

    /// Errors that stop the walk before it starts: the root itself is unusable.
    public enum RootError: Error, Sendable, Equatable {
        case notFound(String)
        case notADirectory(String)
        case unreadable(String, PosixError)
    }

    /// Walks the whole root, calling `visitor` for everything found.
    /// - Throws: ``RootError`` when the root does not exist, is not a directory, or cannot be opened.
    public func walk<V: WalkVisitor>(_ visitor: inout V) throws(RootError) {
        Posix.raiseOpenFileLimit()
        var st = stat()
        let rc = Posix.withCString(root.bytes) { lstat($0, &st) }
        if rc != 0 {
            let e = attache_errno()
            if e == ENOENT || e == ENOTDIR { throw .notFound(root.display) }
            throw .unreadable(root.display, PosixError(code: e))
        }
        // A root given as a symlink to a folder is accepted: the user named it on purpose.
        var rootStat = st
        if (st.st_mode & S_IFMT) == S_IFLNK {
            let followed: Int32 = Posix.withCString(root.bytes) { p in fstatat(AT_FDCWD, p, &rootStat, 0) }
            guard followed == 0 else { throw .notFound(root.display) }
        }
        guard (rootStat.st_mode & S_IFMT) == S_IFDIR else { throw .notADirectory(root.display) }
        let fd: Int32
        let opened = Posix.openWithoutAccessTime(root.bytes, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        switch opened {
        case .success(let f): fd = f
        case .failure(let e): throw .unreadable(root.display, e)
        }
        var ancestors: Set<FileKey> = [FileKey(device: UInt64(rootStat.st_dev), inode: UInt64(rootStat.st_ino))]
        let scouts = self.scouts > 0 ? WalkScouts(walker: self, threads: self.scouts) : nil
        defer { scouts?.stop() }
        let rootTask = FolderTask(parent: nil, name: [], relative: RawPath(bytes: []), rootFD: fd)
        var replay = Replay(scouts: scouts, walker: self)
        replay.folder(rootTask, absoluteLength: root.bytes.count, ancestors: &ancestors, visitor: &visitor)
    }

    /// Reports listed folders to the visitor in the walk's order: depth first, names in byte
    /// order. Listing is done by ``list(_:)``, here or on a scout thread.
    private struct Replay {
        let scouts: WalkScouts?
        let walker: Walker

        func take(_ task: FolderTask) -> FolderListing { scouts?.take(task) ?? walker.list(task) }

        /// A folder the walk enters: its listing's problems, its names' look-alikes, then each entry.
        mutating func folder<V: WalkVisitor>(
            _ task: FolderTask, absoluteLength: Int, ancestors: inout Set<FileKey>, visitor: inout V
        ) {
            if visitor.shouldStop { scouts?.abandon(task); return }
            let listing = take(task)
            let relative = task.relative
            if listing.openError != 0 {
                let e = listing.openError
                visitor.finding(relative, e == EACCES || e == EPERM ? .permissionDenied : .ioError, "cannot open the folder: \(Posix.errnoDescription(e))")
                return
            }
            if listing.listError != 0 {
                let e = listing.listError
                visitor.finding(relative, e == EACCES || e == EPERM ? .permissionDenied : .ioError, "cannot list the folder: \(Posix.errnoDescription(e))")
                return
            }
            if listing.stoppedError != 0 {
                visitor.finding(relative, .ioError, "listing stopped early: \(Posix.errnoDescription(listing.stoppedError))")
            }
            walker.reportLookalikes(listing.entries.map(\.name), in: relative, visitor: &visitor)
            for entry in listing.entries {
                self.entry(entry, absoluteLength: absoluteLength, ancestors: &ancestors, visitor: &visitor)
            }
        }

        /// One name: excluded, a problem, an entry, or a folder to enter.
        mutating func entry<V: WalkVisitor>(
            _ e: ListedEntry, absoluteLength: Int, ancestors: inout Set<FileKey>, visitor: inout V
        ) {
            let path = e.path
            if e.excluded { visitor.excluded(path); return }
            let absLength = absoluteLength + 1 + e.name.count
            if !Walker.isASCII(e.name) && String(validating: e.name, as: UTF8.self) == nil {
                visitor.finding(path, .nameNotUTF8, "name bytes: \(RawPath.escape(e.name))")
            }
            guard let fs = e.stat else {
                let err = e.statError
                if err == ENOENT { return }  // removed while we listed: nothing to record
                visitor.finding(path, err == EACCES || err == EPERM ? .permissionDenied : .ioError, "cannot stat: \(Posix.errnoDescription(err))")
                return
            }
            if absLength >= Posix.pathMax {
                visitor.finding(path, .pathTooLong, "\(absLength) bytes (PATH_MAX is \(Posix.pathMax))")
            }
            switch fs.kind {
            case .directory:
                guard let task = e.folder else { return }
                if ancestors.contains(fs.key) {
                    scouts?.abandon(task)
                    visitor.finding(path, .directoryLoop, "the folder is one of its own ancestors")
                    return
                }
                ancestors.insert(fs.key)
                folder(task, absoluteLength: absLength, ancestors: &ancestors, visitor: &visitor)
                ancestors.remove(fs.key)
            case .symlink:
                // Listed with its target and checked with a stat (never opened): broken, looping, or fine.
                let shown = e.linkTarget.map { $0.display } ?? "?"
                let fe = e.followError
                if fe == ELOOP {
                    visitor.finding(path, .symlinkLoop, "→ \(shown)")
                } else if fe == ENOENT || fe == ENOTDIR {
                    visitor.finding(path, .brokenSymlink, "→ \(shown)")
                } else {
                    visitor.finding(path, .symlink, "→ \(shown)")
                }
                visitor.entry(WalkEntry(path: path, stat: fs, linkTarget: e.linkTarget))
            case .regular:
                visitor.entry(WalkEntry(path: path, stat: fs, linkTarget: nil))
            default:
                visitor.finding(path, .specialFile, fs.kind.rawValue)
                visitor.entry(WalkEntry(path: path, stat: fs, linkTarget: nil))
            }
        }
    }

    /// Opens a sub-folder read-only without following a symlink, and without updating its
    /// access time where the kernel allows (O_NOATIME is refused to non-owners: retry without).
    static func openFolder(_ parent: Int32, _ name: UnsafePointer<CChar>) -> Int32 {
        let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
        let fd = openat(parent, name, flags | ATTACHE_O_NOATIME)
        if fd < 0 && errno == EPERM { return openat(parent, name, flags) }
        return fd
    }

    /// Names in one folder that are equal once normalised to NFC but differ in bytes
    /// ("Café" written precomposed and decomposed): each is a finding.
    ///
    /// Swift's `String` compares and hashes by canonical equivalence (with a fast path for
    /// text already in NFC), so grouping by `String` finds exactly these twins without
    /// normalising every name. Two different names can only be twins when one of them is not
    /// in NFC, so a folder whose names are all made of characters that are NFC on their own
    /// (``isCertainlyNFC``) — nearly every folder — skips the grouping.
    func reportLookalikes<V: WalkVisitor>(_ names: [[UInt8]], in folder: RawPath, visitor: inout V) {
        guard names.contains(where: { !Walker.isCertainlyNFC($0) }) else { return }
        var seen: [String: [UInt8]] = [:]
        var twins: [String: [[UInt8]]] = [:]
        for n in names where n.contains(where: { $0 >= 0x80 }) {
            guard let s = String(validating: n, as: UTF8.self) else { continue }
            if let first = seen[s] {
                if twins[s] == nil { twins[s] = [first] }
                twins[s]!.append(n)
            } else {
                seen[s] = n
            }
        }
        for (_, members) in twins {
            for m in members {
                let others = members.filter { $0 != m }.map { RawPath.escape($0) + " (" + $0.count.description + " bytes)" }
                visitor.finding(folder.appending(RawPath(bytes: m)), .nameLookalike, "same as " + others.joined(separator: ", ") + " after NFC normalisation")
            }
        }
    }

    /// No byte of the name has its high bit set (checked eight bytes at a time).
    static func isASCII(_ name: [UInt8]) -> Bool {
        name.withUnsafeBytes { b in
            var i = 0
            while i + 8 <= b.count {
                if b.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
            while i < b.count {
                if b[i] >= 0x80 { return false }
                i += 1
            }
            return true
        }
    }

    /// Whether a name is in NFC for sure: ASCII, or valid UTF-8 whose every character is NFC
    /// on its own and never combines with a neighbour (canonical combining class 0, NFC quick
    /// check "yes": Latin up to U+02FF, Cyrillic without its combining marks, kana, CJK
    /// ideographs, Hangul syllables, common punctuation, letter-like symbols such as №, full-width forms). False means "maybe
    /// not": the caller then compares the names by canonical equivalence.
    static func isCertainlyNFC(_ name: [UInt8]) -> Bool {
        if isASCII(name) { return true }
        guard let s = String(validating: name, as: UTF8.self) else { return true }  // not text: not a twin
        for u in s.unicodeScalars {
            switch u.value {
            case 0...0x2FF, 0x400...0x482, 0x48A...0x52F, 0x2010...0x2027, 0x2030...0x205E, 0x20A0...0x20BF,
                 0x2100...0x2125, 0x2127...0x2129, 0x212C...0x214F,
                 0x3001...0x3029, 0x3041...0x3096, 0x30A0...0x30FF, 0x4E00...0x9FFF, 0xAC00...0xD7A3,
                 0xFF01...0xFF5E:
                continue
            default:
                return false
            }
        }
        return true
    }

    /// Whether `a` comes before `b` in the walk's order: depth first, each folder's names in
    /// byte order — which is byte order with `/` as the smallest byte (a folder's content comes
    /// before a sibling named like the folder plus more). The scan compares the walk with the
    /// catalog's rows sorted this way, in one pass.
    public static func walkOrderPrecedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let n = min(pa.count, pb.count)
                let i = firstDifference(UnsafeRawBufferPointer(pa), UnsafeRawBufferPointer(pb), n)
                if i == n { return pa.count < pb.count }
                let x = pa[i] == 0x2F ? 0 : pa[i], y = pb[i] == 0x2F ? 0 : pb[i]
                return x < y
            }
        }
    }

    /// Plain byte order (a folder's names), compared eight bytes at a time.
    static func bytesPrecede(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let n = min(pa.count, pb.count)
                let i = firstDifference(UnsafeRawBufferPointer(pa), UnsafeRawBufferPointer(pb), n)
                return i == n ? pa.count < pb.count : pa[i] < pb[i]
            }
        }
    }

    /// The first index below `n` where the two buffers differ, or `n`.
    @inline(__always)
    static func firstDifference(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, _ n: Int) -> Int {
        var i = 0
        while i + 8 <= n && a.loadUnaligned(fromByteOffset: i, as: UInt64.self) == b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            i += 8
        }
        while i < n && a[i] == b[i] { i += 1 }
        return i
    }
}
