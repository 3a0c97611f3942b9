import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Reading attache's output

/// A JSON object from a command's stdout (fails the test with the output when it is not one).
func jsonObject(_ r: RunResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let parsed = try? JSONSerialization.jsonObject(with: Data(r.stdoutBytes))
    return try #require(parsed as? [String: Any], "stdout is not a JSON object: \(r)", sourceLocation: sourceLocation)
}

/// The `items` of a `list … --format json` output.
func listItems(_ r: RunResult, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
    let object = try jsonObject(r, sourceLocation: sourceLocation)
    return try #require(object["items"] as? [[String: Any]], "no 'items' list: \(r)", sourceLocation: sourceLocation)
}

/// The items by their `path`.
func byPath(_ items: [[String: Any]]) -> [String: [String: Any]] {
    var out: [String: [String: Any]] = [:]
    for item in items { if let p = item["path"] as? String { out[p] = item } }
    return out
}

/// A value at a dotted path in decoded JSON ("last_scan.status").
func value(_ object: [String: Any], _ keyPath: String) -> Any? {
    var current: Any? = object
    for key in keyPath.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
    return current
}

/// Integer JSON values come back as NSNumber; this reads them as Int.
func int(_ v: Any?) -> Int? { (v as? NSNumber)?.intValue ?? (v as? Int) }

/// Splits RFC 4180 CSV (CRLF or LF line ends, quoted fields with doubled quotes, line breaks
/// inside quotes) into records of fields.
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = String.UnicodeScalarView()
    var quoted = false
    var scalars = Array(text.unicodeScalars)[...]
    func endField() { record.append(String(field)); field = String.UnicodeScalarView() }
    func endRecord() { endField(); records.append(record); record = [] }
    while let c = scalars.popFirst() {
        if quoted {
            if c == "\"" {
                if scalars.first == "\"" { scalars.removeFirst(); field.append("\"") } else { quoted = false }
            } else {
                field.append(c)
            }
            continue
        }
        switch c {
        case "\"": quoted = true
        case ",": endField()
        case "\r" where scalars.first == "\n": scalars.removeFirst(); endRecord()
        case "\n": endRecord()
        default: field.append(c)
        }
    }
    if !field.isEmpty || !record.isEmpty { endRecord() }
    return records
}

/// The number before `label` in a summary line: `count(of: "unchanged", in: "… 3 unchanged …")` is 3.
func count(of label: String, in text: String) -> Int? {
    let pattern = "([0-9][0-9,]*) " + NSRegularExpression.escapedPattern(for: label) + "\\b"
    guard let re = try? NSRegularExpression(pattern: pattern),
          let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
          let r = Range(m.range(at: 1), in: text) else { return nil }
    return Int(text[r].replacingOccurrences(of: ",", with: ""))
}

// MARK: - Trees and files

/// A catalog path and a share inside one scratch folder: the catalog is never inside the share.
struct Workspace {
    let scratch: Scratch
    var share: String { scratch.join("share") }
    private(set) var catalog: String

    init(_ label: String, _ nodes: [Node]) throws {
        scratch = Scratch(label)
        catalog = scratch.join("catalog.db")
        try Tree.make(at: scratch.join("share"), nodes)
    }

    /// The same workspace with its catalog elsewhere.
    func withCatalog(_ path: String) -> Workspace {
        var w = self
        w.catalog = path
        return w
    }

    /// `attache scan SHARE --catalog CATALOG ARGS` (a quick look, no manifest).
    func scan(_ extra: [String] = [], env: [String: String] = [:], asNobody: Bool = false, binary: String? = nil) throws -> RunResult {
        try CLI.run(["scan", share, "--catalog", catalog] + extra, cwd: scratch.path, env: env, asNobody: asNobody, binary: binary)
    }

    /// `attache list KIND --format json --catalog CATALOG`, the items by path.
    func list(_ kind: String, all: Bool = false, asNobody: Bool = false, binary: String? = nil,
              sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: [String: Any]] {
        let r = try CLI.run(["list", kind, "--format", "json", "--catalog", catalog] + (all ? ["--all"] : []),
                            cwd: scratch.path, asNobody: asNobody, binary: binary)
        #expect(r.exitCode == 0, "\(r)", sourceLocation: sourceLocation)
        return byPath(try listItems(r, sourceLocation: sourceLocation))
    }

    /// `attache list problems --format json`: every finding as (path, code).
    func problems(asNobody: Bool = false, binary: String? = nil,
                  sourceLocation: SourceLocation = #_sourceLocation) throws -> [(path: String, code: String)] {
        let r = try CLI.run(["list", "problems", "--format", "json", "--catalog", catalog], cwd: scratch.path,
                            asNobody: asNobody, binary: binary)
        #expect(r.exitCode == 0, "\(r)", sourceLocation: sourceLocation)
        return try listItems(r, sourceLocation: sourceLocation).map { ($0["path"] as? String ?? "?", $0["code"] as? String ?? "?") }
    }
}

/// `sha256sum` of each file (coreutils: an independent implementation to compare with).
func sha256sum(_ paths: [String]) throws -> [String: String] {
    let r = try CLI.runTool(["/usr/bin/env", "sha256sum", "--"] + paths)
    guard r.exitCode == 0 else { throw HarnessError("sha256sum failed: \(r)") }
    var out: [String: String] = [:]
    for line in r.stdout.split(separator: "\n") {
        let hash = String(line.prefix(64))
        let path = String(line.dropFirst(66))
        out[path] = hash
    }
    return out
}

/// What `lstat` says about one entry, and a regular file's bytes.
struct EntrySnapshot: Equatable {
    var mode: UInt32
    var size: Int
    var inode: UInt64
    var mtime: timespec
    var ctime: timespec
    var atime: timespec
    var linkTarget: [UInt8]?

    static func == (a: EntrySnapshot, b: EntrySnapshot) -> Bool {
        a.mode == b.mode && a.size == b.size && a.inode == b.inode && a.mtime == b.mtime && a.ctime == b.ctime
            && a.atime == b.atime && a.linkTarget == b.linkTarget
    }
}

extension timespec: @retroactive Equatable {
    public static func == (a: timespec, b: timespec) -> Bool { a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec }
}

enum RawTree {
    /// Every entry under `root` (folders too), by raw relative path, with lstat's answer.
    /// Never opens anything but folders.
    static func snapshot(_ root: String) -> [RawPath: EntrySnapshot] {
        var out: [RawPath: EntrySnapshot] = [:]
        walk(RawPath(root), relative: RawPath(bytes: []), into: &out)
        return out
    }

    private static func walk(_ root: RawPath, relative: RawPath, into out: inout [RawPath: EntrySnapshot]) {
        let dir = relative.isEmpty ? root : root.appending(relative)
        guard let d = cPath(dir, { opendir($0) }) else { return }
        defer { closedir(d) }
        while let e = readdir(d) {
            let name: [UInt8] = withUnsafeBytes(of: e.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            let rel = relative.isEmpty ? RawPath(bytes: name) : relative.appending(RawPath(bytes: name))
            guard let s = lstatOf(root.appending(rel)) else { continue }
            out[rel] = s
            if s.mode & S_IFMT == S_IFDIR { walk(root, relative: rel, into: &out) }
        }
    }

    static func lstatOf(_ path: RawPath) -> EntrySnapshot? {
        var st = stat()
        guard cPath(path, { lstat($0, &st) }) == 0 else { return nil }
        var target: [UInt8]?
        if st.st_mode & S_IFMT == S_IFLNK {
            var buf = [CChar](repeating: 0, count: 4096)
            let n = cPath(path) { readlink($0, &buf, buf.count) }
            if n >= 0 { target = buf.prefix(n).map { UInt8(bitPattern: $0) } }
        }
        return EntrySnapshot(mode: st.st_mode, size: Int(st.st_size), inode: UInt64(st.st_ino), mtime: st.st_mtim,
                             ctime: st.st_ctim, atime: st.st_atim, linkTarget: target)
    }

    /// The bytes of a regular file (read as this process: it may change its access time).
    static func contents(_ path: RawPath) -> [UInt8]? {
        let fd = cPath(path) { open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: buf.prefix(n))
        }
        return out
    }

    /// Linux's UTIME_OMIT ((1 << 30) - 2), which Swift's Glibc module does not expose.
    static let utimeOmit = (1 << 30) - 2

    /// Sets an entry's access time, leaving its modification time as it is.
    static func setAtime(_ path: RawPath, seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: 0, tv_nsec: utimeOmit)]
        _ = cPath(path) { utimensat(AT_FDCWD, $0, &times, AT_SYMLINK_NOFOLLOW) }
    }
}
