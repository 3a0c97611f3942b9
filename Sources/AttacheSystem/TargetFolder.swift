import AttacheModel
import CFTS
#if canImport(Glibc)
import Glibc
#endif

/// The root of a migration target, opened once as a folder descriptor, below which every
/// write stays contained (DESIGN.md promise 4).
///
/// A relative path is checked before any system call (no absolute path, no `.` or `..`, no
/// empty component, no NUL byte), then walked component by component with `openat` and
/// `O_NOFOLLOW | O_DIRECTORY`, creating missing folders with `mkdirat` (mode 0755). A
/// symbolic link planted anywhere in the target therefore cannot redirect a write outside
/// the root: opening through it fails and the write is refused with
/// ``TargetError/Reason/notContained(component:)``. Paths are raw bytes: a name that is not
/// valid UTF-8 is written exactly.
///
/// Files are written by ``copy(from:to:expecting:existing:faults:)`` (VerifiedCopy.swift)
/// through temporary names starting with ``temporaryPrefix``, which
/// ``removeStaleTemporaries()`` finds and removes after a crash.
public final class TargetFolder: Sendable {
    /// The name prefix of every temporary file attache writes in a target.
    public static let temporaryPrefix: [UInt8] = Array(".attache-tmp-".utf8)

    /// The root as the caller gave it (for messages).
    public let root: RawPath
    /// The root folder's descriptor, open for the object's life.
    let rootFD: Int32

    /// Opens the target root, which must be an existing folder (a symbolic link naming the
    /// root itself is followed: the user chose it).
    public init(root: RawPath) throws(TargetError) {
        self.root = root
        switch Posix.open(root.bytes, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC) {
        case .success(let fd): rootFD = fd
        case .failure(let e): throw TargetError(path: root, reason: .system(step: "open the target folder", error: e))
        }
    }

    deinit { close(rootFD) }

    /// Whether the kernel has openat2 (set false at the first ENOSYS).
    static let beneathWorks = Flag(true)

    /// A Bool shared by threads (a lost race costs one extra openat2 call, nothing more).
    final class Flag: @unchecked Sendable {
        var value: Bool
        init(_ v: Bool) { value = v }
    }

    /// The components of a relative target path, refused — before any system call — when
    /// it is empty, absolute, holds a NUL byte, an empty component (`a//b`, a trailing
    /// slash), `.` or `..`.
    public static func components(of path: RawPath) throws(TargetError) -> [[UInt8]] {
        func refuse(_ why: String) -> TargetError { TargetError(path: path, reason: .invalidPath(why)) }
        let slash = UInt8(ascii: "/")
        guard !path.bytes.isEmpty else { throw refuse("is empty") }
        guard !path.bytes.contains(0) else { throw refuse("contains a NUL byte") }
        guard path.bytes.first != slash else { throw refuse("is absolute (it must be relative to the target)") }
        let parts = path.bytes.split(separator: slash, omittingEmptySubsequences: false).map(Array.init)
        for part in parts {
            if part.isEmpty { throw refuse("has an empty component") }
            if part == [0x2E, 0x2E] { throw refuse("contains '..'") }
            if part == [0x2E] { throw refuse("contains '.'") }
        }
        return parts
    }

    /// Opens the folder made of `parts` below the root, never following a link; with
    /// `create`, missing folders are made (0755, whatever the umask).
    /// - Parameter path: the full target path, for errors.
    /// - Returns: a descriptor the caller closes.
    func openFolder(_ parts: ArraySlice<[UInt8]>, create: Bool, for path: RawPath) throws(TargetError) -> Int32 {
        // One openat2 call (no link, no escape) when the folder exists; the walk below when it
        // must be made, or to say precisely what refused it.
        if !parts.isEmpty, TargetFolder.beneathWorks.value {
            let joined = Array(parts.joined(separator: [UInt8(ascii: "/")]))
            let fd = Posix.withCString(joined) { attache_open_beneath(rootFD, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if fd >= 0 { return fd }
            if attache_errno() == ENOSYS { TargetFolder.beneathWorks.value = false }
        }
        var fd = dup(rootFD)
        guard fd >= 0 else { throw TargetError(path: path, reason: .system(step: "open the target folder", error: PosixError(code: attache_errno()))) }
        var walked: [UInt8] = []
        let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
        for part in parts {
            if !walked.isEmpty { walked.append(UInt8(ascii: "/")) }
            walked += part
            var next = Posix.withCString(part) { openat(fd, $0, flags) }
            var err = attache_errno()
            if next < 0 && err == ENOENT && create {
                let made = Posix.withCString(part) { mkdirat(fd, $0, 0o755) } == 0
                err = attache_errno()
                if made || err == EEXIST {
                    // Opened again with the same flags: a link swapped in meanwhile is refused.
                    next = Posix.withCString(part) { openat(fd, $0, flags) }
                    err = attache_errno()
                    if next >= 0 && made { _ = fchmod(next, 0o755) }  // exactly 0755, whatever the umask
                }
            }
            close(fd)
            guard next >= 0 else {
                if err == ELOOP || err == ENOTDIR {
                    throw TargetError(path: path, reason: .notContained(component: RawPath(bytes: walked)))
                }
                let step = create ? "create the folder \(RawPath(bytes: walked).display)" : "open the folder \(RawPath(bytes: walked).display)"
                throw TargetError(path: path, reason: .system(step: step, error: PosixError(code: err)))
            }
            fd = next
        }
        return fd
    }

    /// Checks that `parts` still lead, without links, to the folder open as `folderFD`:
    /// a folder swapped for a link (or moved) since it was opened is refused.
    func ensureStillContained(_ folderFD: Int32, _ parts: ArraySlice<[UInt8]>, for path: RawPath) throws(TargetError) {
        let again = try openFolder(parts, create: false, for: path)
        defer { close(again) }
        var a = stat(), b = stat()
        guard fstat(folderFD, &a) == 0, fstat(again, &b) == 0, a.st_dev == b.st_dev, a.st_ino == b.st_ino else {
            throw TargetError(path: path, reason: .notContained(component: RawPath(bytes: Array(parts.joined(separator: [UInt8(ascii: "/")])))))
        }
    }

    /// Removes every temporary file attache left below the root, for a run resuming after a
    /// crash: a regular file named exactly as attache names them (``temporaryPrefix``, the
    /// writer's process id, `-`, a number) whose process is gone. A file that only starts like
    /// one, or whose writer still runs, is left alone. Links are not followed; run it before
    /// copying starts.
    /// - Returns: the removed files, relative to the root, sorted.
    public func removeStaleTemporaries() throws(TargetError) -> [RawPath] {
        let fd = openRootForListing()
        guard fd >= 0 else {
            throw TargetError(path: root, reason: .system(step: "open the target folder", error: PosixError(code: attache_errno())))
        }
        var removed: [RawPath] = []
        try sweep(fd, prefix: [], into: &removed)
        return removed.sorted()
    }

    /// A new descriptor of the root for `readdir`: a `dup` would share the root's directory
    /// offset, so a second listing would start where the first ended (and see nothing).
    func openRootForListing() -> Int32 {
        openat(rootFD, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    /// Removes the temporaries in the folder open as `fd` (closed here) and its sub-folders.
    private func sweep(_ fd: Int32, prefix: [UInt8], into removed: inout [RawPath]) throws(TargetError) {
        guard let dir = fdopendir(fd) else {
            let e = attache_errno()
            close(fd)
            throw TargetError(path: RawPath(bytes: prefix), reason: .system(step: "list the folder", error: PosixError(code: e)))
        }
        defer { closedir(dir) }
        var names: [([UInt8], EntryKind)] = []
        while let entry = readdir(dir) {
            let name: [UInt8] = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: UInt8.self, capacity: 256) { p in
                    Array(UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            var st = stat()
            let stated = Posix.withCString(name) { fstatat(fd, $0, &st, AT_SYMLINK_NOFOLLOW) } == 0
            names.append((name, stated ? Posix.kind(st.st_mode) : .other))
        }
        for (name, kind) in names {
            let relative = prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name
            if kind == .directory {
                let sub = Posix.withCString(name) { openat(fd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
                if sub >= 0 { try sweep(sub, prefix: relative, into: &removed) }
            } else if kind == .regular && TargetFolder.isStaleTemporary(name) {
                guard Posix.withCString(name, { unlinkat(fd, $0, 0) }) == 0 else {
                    throw TargetError(path: RawPath(bytes: relative),
                                      reason: .system(step: "remove a stale temporary file", error: PosixError(code: attache_errno())))
                }
                removed.append(RawPath(bytes: relative))
            }
        }
    }

    /// Whether `name` is `.attache-tmp-PID-N` (digits) and no process `PID` runs any more.
    static func isStaleTemporary(_ name: [UInt8]) -> Bool {
        guard name.starts(with: temporaryPrefix) else { return false }
        let rest = name[temporaryPrefix.count...]
        guard let dash = rest.firstIndex(of: UInt8(ascii: "-")) else { return false }
        let pid = rest[..<dash], number = rest[(dash + 1)...]
        let isDigit = { (c: UInt8) in (0x30...0x39).contains(c) }
        guard !pid.isEmpty, pid.count <= 10, pid.allSatisfy(isDigit), !number.isEmpty, number.allSatisfy(isDigit),
              let n = Int32(String(decoding: pid, as: UTF8.self)), n > 0
        else { return false }
        return n == getpid() ? false : kill(n, 0) != 0 && attache_errno() == ESRCH
    }
}
