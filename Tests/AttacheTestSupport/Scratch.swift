import AttacheModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A temporary folder for one test, removed afterwards (even when a test made parts of it
/// unreadable). It is world-traversable so a test can read it as an unprivileged user.
public final class Scratch: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "t") {
        var template = Array("/tmp/attache-\(label)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: made!)
        chmod(path, 0o755)
    }

    deinit {
        // Restore permissions so removal cannot fail on a mode-000 folder.
        _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "u+rwx", path]).waitUntilExit()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// An absolute path inside the scratch folder.
    public func join(_ relative: String) -> String { path + "/" + relative }
    public func raw(_ relative: RawPath) -> RawPath { RawPath(path).appending(relative) }
}

/// One thing to create in a test tree. Paths are relative and may be raw bytes.
public enum Node: Sendable {
    case file(RawPath, [UInt8], mode: UInt32 = 0o644, mtime: Int? = nil)
    case dir(RawPath, mode: UInt32 = 0o755)
    case symlink(RawPath, to: String)
    case fifo(RawPath)
    case socket(RawPath)
    case hardlink(RawPath, to: RawPath)

    public static func file(_ p: String, _ content: [UInt8], mode: UInt32 = 0o644, mtime: Int? = nil) -> Node {
        .file(RawPath(p), content, mode: mode, mtime: mtime)
    }
    public static func text(_ p: String, _ s: String, mtime: Int? = nil) -> Node { .file(RawPath(p), Array(s.utf8), mtime: mtime) }
    public static func dir(_ p: String, mode: UInt32 = 0o755) -> Node { .dir(RawPath(p), mode: mode) }
    public static func symlink(_ p: String, to t: String) -> Node { .symlink(RawPath(p), to: t) }
    public static func fifo(_ p: String) -> Node { .fifo(RawPath(p)) }
}

public enum TreeError: Error { case posix(String, Int32) }

/// Builds a tree of files from literals, on raw bytes (names need not be UTF-8). Every
/// step goes through `openat`/`mkdirat` from the parent folder, so paths longer than
/// PATH_MAX can be built too.
public enum Tree {
    public static func make(at root: String, _ nodes: [Node]) throws {
        let base = RawPath(root)
        _ = cPath(base) { mkdir($0, 0o755) }
        for n in nodes {
            switch n {
            case .file(let p, let content, let mode, let mtime):
                try inParent(base, p) { dir, name in
                    let fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    guard fd >= 0 else { return errno }
                    _ = content.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    fchmod(fd, mode)
                    if let mtime {
                        var times = [timespec(tv_sec: mtime, tv_nsec: 0), timespec(tv_sec: mtime, tv_nsec: 0)]
                        futimens(fd, &times)
                    }
                    close(fd)
                    return 0
                }
            case .dir(let p, let mode):
                try inParent(base, p) { dir, name in
                    _ = mkdirat(dir, name, 0o755)
                    return fchmodat(dir, name, mode, 0) == 0 ? 0 : errno
                }
            case .symlink(let p, let target):
                try inParent(base, p) { dir, name in symlinkat(target, dir, name) == 0 ? 0 : errno }
            case .fifo(let p):
                try inParent(base, p) { dir, name in mkfifoat(dir, name, 0o644) == 0 ? 0 : errno }
            case .socket(let p):
                try inParent(base, p) { dir, name in mknodat(dir, name, S_IFSOCK | 0o644, 0) == 0 ? 0 : errno }
            case .hardlink(let p, let target):
                let t = base.appending(target)
                try inParent(base, p) { dir, name in cPath(t) { linkat(AT_FDCWD, $0, dir, name, 0) } == 0 ? 0 : errno }
            }
        }
    }

    /// Sets a file's modification time (seconds since 1970).
    public static func setMtime(_ path: RawPath, _ seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        _ = cPath(path) { utimensat(AT_FDCWD, $0, &times, AT_SYMLINK_NOFOLLOW) }
    }

    /// Opens (creating as needed) each parent folder of `relative` under `base` with
    /// openat, then calls `body` with the last folder's descriptor and the entry's name.
    static func inParent(_ base: RawPath, _ relative: RawPath, _ body: (Int32, UnsafePointer<CChar>) -> Int32) throws {
        var parts = relative.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { Array($0) }
        let name = parts.removeLast()
        var dir = cPath(base) { open($0, O_RDONLY | O_DIRECTORY) }
        guard dir >= 0 else { throw TreeError.posix(base.display, errno) }
        for p in parts {
            let next: Int32 = cPath(RawPath(bytes: p)) { c in
                _ = mkdirat(dir, c, 0o755)
                return openat(dir, c, O_RDONLY | O_DIRECTORY)
            }
            let e = errno
            close(dir)
            guard next >= 0 else { throw TreeError.posix(base.appending(relative).display, e) }
            dir = next
        }
        defer { close(dir) }
        let rc = cPath(RawPath(bytes: name)) { body(dir, $0) }
        if rc != 0 { throw TreeError.posix(base.appending(relative).display, rc) }
    }
}

/// Calls `body` with a NUL-terminated C path for raw bytes.
public func cPath<T>(_ p: RawPath, _ body: (UnsafePointer<CChar>) -> T) -> T {
    var z = p.bytes
    z.append(0)
    return z.withUnsafeBufferPointer { $0.baseAddress!.withMemoryRebound(to: CChar.self, capacity: z.count) { body($0) } }
}
