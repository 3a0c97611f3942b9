#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One folder's entries, hidden ones (`.name`) left out, each typed with `lstat` semantics
/// (links not followed), sorted so that a depth-first walk lists relative paths in byte
/// order: a folder sorts as its name followed by `/`.
enum SourceFolderListing {
    struct Entry {
        var name: [UInt8]
        var kind: SourceFiles.Kind
    }

    /// The entries of the folder at `path` (bytes), or nil with `errno` set.
    static func read(_ path: [UInt8]) -> [Entry]? {
        let cPath = path.map { CChar(bitPattern: $0) } + [0]
        guard let dir = cPath.withUnsafeBufferPointer({ opendir($0.baseAddress!) }) else { return nil }
        defer { closedir(dir) }
        let fd = dirfd(dir)
        var entries: [Entry] = []
        while let entry = readdir(dir) {
            let name: [UInt8] = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    Array(UnsafeBufferPointer(start: bytes, count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))))
                }
            }
            guard let first = name.first, first != UInt8(ascii: ".") else { continue }
            var st = stat()
            let cName = name.map { CChar(bitPattern: $0) } + [0]
            guard cName.withUnsafeBufferPointer({ fstatat(fd, $0.baseAddress!, &st, AT_SYMLINK_NOFOLLOW) }) == 0 else {
                entries.append(Entry(name: name, kind: .other))
                continue
            }
            entries.append(Entry(name: name, kind: SourceFiles.kind(st.st_mode)))
        }
        func sortKey(_ e: Entry) -> [UInt8] { e.kind == .directory ? e.name + [UInt8(ascii: "/")] : e.name }
        entries.sort { sortKey($0).lexicographicallyPrecedes(sortKey($1)) }
        return entries
    }
}
