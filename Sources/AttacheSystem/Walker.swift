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

    public init(root: RawPath, exclude: [PathGlob] = []) {
        self.root = root
        self.exclude = exclude
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
        walkDirectory(fd: fd, relative: RawPath(bytes: []), absoluteLength: root.bytes.count, ancestors: &ancestors, visitor: &visitor)
    }

    /// Lists the folder open at `fd` (which this call closes) and visits its entries, recursing
    /// into sub-folders.
    private func walkDirectory<V: WalkVisitor>(
        fd: Int32, relative: RawPath, absoluteLength: Int, ancestors: inout Set<FileKey>, visitor: inout V
    ) {
        if visitor.shouldStop { close(fd); return }
        guard let dir = fdopendir(fd) else {
            let e = attache_errno()
            close(fd)
            visitor.finding(relative, e == EACCES || e == EPERM ? .permissionDenied : .ioError, "cannot list the folder: \(Posix.errnoDescription(e))")
            return
        }
        defer { closedir(dir) }
        let dfd = dirfd(dir)
        let names = listNames(dir, relative: relative, visitor: &visitor)
        reportLookalikes(names, in: relative, visitor: &visitor)
        for name in names {
            visitEntry(name, in: dfd, relative: relative, absoluteLength: absoluteLength, ancestors: &ancestors, visitor: &visitor)
        }
    }

    /// The names of an open folder (without `.` and `..`), in byte order. A listing that
    /// stops on an error is a finding; what was listed is still returned.
    private func listNames<V: WalkVisitor>(_ dir: OpaquePointer, relative: RawPath, visitor: inout V) -> [[UInt8]] {
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let ent = readdir(dir) else {
                let e = attache_errno()
                if e != 0 { visitor.finding(relative, .ioError, "listing stopped early: \(Posix.errnoDescription(e))") }
                break
            }
            let name: [UInt8] = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                let n = raw.firstIndex(of: 0) ?? raw.count
                return Array(raw[..<n])
            }
            if name == [46] || name == [46, 46] { continue }
            names.append(name)
        }
        names.sort { $0.lexicographicallyPrecedes($1) }
        return names
    }

    /// One name of the folder open at `dfd`: excluded, or stat'ed (never followed) and
    /// reported as an entry, a finding, or a folder to enter.
    private func visitEntry<V: WalkVisitor>(
        _ name: [UInt8], in dfd: Int32, relative: RawPath, absoluteLength: Int, ancestors: inout Set<FileKey>,
        visitor: inout V
    ) {
        let path = relative.appending(RawPath(bytes: name))
        if !exclude.isEmpty && exclude.contains(where: { $0.matches(path) }) {
            visitor.excluded(path)
            return
        }
        let absLength = absoluteLength + 1 + name.count
        if String(validating: name, as: UTF8.self) == nil {
            visitor.finding(path, .nameNotUTF8, "name bytes: \(RawPath.escape(name))")
        }
        var st = stat()
        let rc = Posix.withCString(name) { fstatat(dfd, $0, &st, AT_SYMLINK_NOFOLLOW) }
        if rc != 0 {
            let e = attache_errno()
            if e == ENOENT { return } // removed while we listed: nothing to record
            visitor.finding(path, e == EACCES || e == EPERM ? .permissionDenied : .ioError, "cannot stat: \(Posix.errnoDescription(e))")
            return
        }
        if absLength >= Posix.pathMax {
            visitor.finding(path, .pathTooLong, "\(absLength) bytes (PATH_MAX is \(Posix.pathMax))")
        }
        let fs = Posix.fileStat(st)
        switch fs.kind {
        case .directory:
            enterFolder(name, key: fs.key, in: dfd, path: path, absoluteLength: absLength, ancestors: &ancestors, visitor: &visitor)
        case .symlink:
            reportSymlink(name, in: dfd, path: path, stat: fs, visitor: &visitor)
        case .regular:
            visitor.entry(WalkEntry(path: path, stat: fs, linkTarget: nil))
        default:
            visitor.finding(path, .specialFile, fs.kind.rawValue)
            visitor.entry(WalkEntry(path: path, stat: fs, linkTarget: nil))
        }
    }

    /// Opens a sub-folder and walks it, unless it is one of its own ancestors (a loop).
    private func enterFolder<V: WalkVisitor>(
        _ name: [UInt8], key: FileKey, in dfd: Int32, path: RawPath, absoluteLength: Int, ancestors: inout Set<FileKey>,
        visitor: inout V
    ) {
        if ancestors.contains(key) {
            visitor.finding(path, .directoryLoop, "the folder is one of its own ancestors")
            return
        }
        let sub = Posix.withCString(name) { Walker.openFolder(dfd, $0) }
        if sub < 0 {
            let e = attache_errno()
            visitor.finding(path, e == EACCES || e == EPERM ? .permissionDenied : .ioError, "cannot open the folder: \(Posix.errnoDescription(e))")
            return
        }
        ancestors.insert(key)
        walkDirectory(fd: sub, relative: path, absoluteLength: absoluteLength, ancestors: &ancestors, visitor: &visitor)
        ancestors.remove(key)
    }

    /// A symlink is listed with its target and checked with a `stat` (never opened): broken,
    /// looping, or fine.
    private func reportSymlink<V: WalkVisitor>(_ name: [UInt8], in dfd: Int32, path: RawPath, stat fs: FileStat, visitor: inout V) {
        let target = readLink(dfd, name)
        var follow = stat()
        let frc = Posix.withCString(name) { fstatat(dfd, $0, &follow, 0) }
        let fe = frc == 0 ? 0 : attache_errno()
        let shown = target.map { $0.display } ?? "?"
        if fe == ELOOP {
            visitor.finding(path, .symlinkLoop, "→ \(shown)")
        } else if fe == ENOENT || fe == ENOTDIR {
            visitor.finding(path, .brokenSymlink, "→ \(shown)")
        } else {
            visitor.finding(path, .symlink, "→ \(shown)")
        }
        visitor.entry(WalkEntry(path: path, stat: fs, linkTarget: target))
    }

    /// Opens a sub-folder read-only without following a symlink, and without updating its
    /// access time where the kernel allows (O_NOATIME is refused to non-owners: retry without).
    static func openFolder(_ parent: Int32, _ name: UnsafePointer<CChar>) -> Int32 {
        let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
        let fd = openat(parent, name, flags | ATTACHE_O_NOATIME)
        if fd < 0 && errno == EPERM { return openat(parent, name, flags) }
        return fd
    }

    private func readLink(_ dfd: Int32, _ name: [UInt8]) -> RawPath? {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = Posix.withCString(name) { cname in
            buf.withUnsafeMutableBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlinkat(dfd, cname, $0, b.count) }
            }
        }
        return n >= 0 ? RawPath(bytes: Array(buf[..<n])) : nil
    }

    /// Names in one folder that are equal once normalised to NFC but differ in bytes
    /// ("Café" written precomposed and decomposed): each is a finding.
    ///
    /// Swift's `String` compares and hashes by canonical equivalence (with a fast path for
    /// text already in NFC), so grouping by `String` finds exactly these twins without
    /// normalising every name.
    private func reportLookalikes<V: WalkVisitor>(_ names: [[UInt8]], in folder: RawPath, visitor: inout V) {
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
}
