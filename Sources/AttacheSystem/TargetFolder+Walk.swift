import AttacheModel
import CFTS
#if canImport(Glibc)
import Glibc
#endif

extension TargetFolder {
    /// Visits every entry below the root — for `verify`'s "unexpected files in the target":
    /// its path relative to the root (raw bytes), its kind and size, never following a link
    /// (a link is visited as `.symlink` and not entered). A folder is visited before what it
    /// holds; names are sorted by bytes within each folder. Memory holds one folder's names
    /// per level, never the whole tree. Temporary files are visited too.
    /// - Throws: a ``TargetError`` when a folder cannot be listed, or what `visit` throws
    ///   (which stops the walk).
    public func walk(_ visit: (RawPath, EntryKind, Int64) throws -> Void) throws {
        let fd = openRootForListing()
        guard fd >= 0 else {
            throw TargetError(path: root, reason: .system(step: "open the target folder", error: PosixError(code: attache_errno())), action: "list")
        }
        try walkFolder(fd, prefix: [], visit)
    }

    /// Visits the entries of the folder open as `fd` (closed here), then descends.
    private func walkFolder(_ fd: Int32, prefix: [UInt8], _ visit: (RawPath, EntryKind, Int64) throws -> Void) throws {
        guard let dir = fdopendir(fd) else {
            let e = attache_errno()
            close(fd)
            throw TargetError(path: RawPath(bytes: prefix), reason: .system(step: "list the folder", error: PosixError(code: e)), action: "list")
        }
        defer { closedir(dir) }
        let names = try TargetFolder.names(in: dir, shown: RawPath(bytes: prefix)).sorted { $0.lexicographicallyPrecedes($1) }
        let folder = dirfd(dir)
        for name in names {
            var st = stat()
            guard Posix.withCString(name, { fstatat(folder, $0, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else { continue }  // gone meanwhile
            let relative = prefix.isEmpty ? name : prefix + [UInt8(ascii: "/")] + name
            let kind = Posix.kind(st.st_mode)
            try visit(RawPath(bytes: relative), kind, Int64(st.st_size))
            guard kind == .directory else { continue }
            let sub = Posix.withCString(name) { openat(folder, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            guard sub >= 0 else {
                let e = attache_errno()
                if e == ENOENT { continue }
                let reason: TargetError.Reason = e == ELOOP || e == ENOTDIR
                    ? .notContained(component: RawPath(bytes: relative))
                    : .system(step: "open the folder", error: PosixError(code: e))
                throw TargetError(path: RawPath(bytes: relative), reason: reason, action: "list")
            }
            try walkFolder(sub, prefix: relative, visit)
        }
    }

    /// Every name of an open folder but `.` and `..`, in `readdir` order.
    static func names(in dir: OpaquePointer, shown: RawPath) throws(TargetError) -> [[UInt8]] {
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                let e = attache_errno()
                if e == 0 { return names }
                throw TargetError(path: shown, reason: .system(step: "list the folder", error: PosixError(code: e)), action: "list")
            }
            let name: [UInt8] = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: UInt8.self, capacity: 256) { p in
                    Array(UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))))
                }
            }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
    }
}
