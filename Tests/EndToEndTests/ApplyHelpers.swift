import AttacheCatalog
import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// A migration for the apply tests: legacy roots, a catalog, a policy and a target in one
// scratch folder; the commands run through the real binary; and the checks every apply test
// ends with — the target holds what the plan says (by our own hash walk, not attache's), no
// temporary file is left, the mapping has one current row per file, the sources are unchanged.

/// Legacy roots (`legacy/<name>`), a catalog, a policy file and a target folder.
struct Migration {
    let scratch: Scratch
    let roots: [String]
    var catalog: String { scratch.join("catalog.db") }
    var policy: String { scratch.join("policy.yaml") }
    var target: String { scratch.join("target") }

    /// Builds each root from its nodes.
    init(_ label: String, _ trees: [(String, [Node])]) throws {
        let scratch = Scratch(label)
        self.scratch = scratch
        roots = trees.map { scratch.join("legacy/" + $0.0) }
        try FileManager.default.createDirectory(atPath: scratch.join("legacy"), withIntermediateDirectories: true)
        for (root, t) in zip(roots, trees) { try Tree.make(at: root, t.1) }
    }

    func root(_ name: String) -> String { scratch.join("legacy/" + name) }

    func run(_ args: [String], env: [String: String] = [:], asNobody: Bool = false, binary: String? = nil,
             timeout: Double = 120) throws -> RunResult {
        try CLI.run(args + ["--catalog", catalog], cwd: scratch.path, env: env, asNobody: asNobody, binary: binary, timeout: timeout)
    }

    /// Scans every root; fails the test unless the scan finished (0, or 3 for a fixture with problems).
    func scan(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try run(["scan"] + roots)
        #expect(r.exitCode == 0 || r.exitCode == 3, "\(r)", sourceLocation: sourceLocation)
    }

    /// Writes the policy and plans with it.
    func plan(_ policyText: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try policyText.write(toFile: policy, atomically: true, encoding: .utf8)
        let r = try run(["plan", "--policy", policy])
        #expect(r.exitCode == 0, "\(r)", sourceLocation: sourceLocation)
    }

    func apply(_ extra: [String] = [], env: [String: String] = [:], asNobody: Bool = false, binary: String? = nil) throws -> RunResult {
        try run(["apply", "--to", target, "--format", "json"] + extra, env: env, asNobody: asNobody, binary: binary)
    }

    func startApply(_ extra: [String] = [], env: [String: String]) throws -> ChildProcess {
        try CLI.start(["apply", "--to", target, "--format", "json", "--catalog", catalog] + extra, cwd: scratch.path, env: env)
    }

    /// The latest plan's decisions (`attache list decisions --format json`).
    func decisions(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        let r = try run(["list", "decisions", "--format", "json"])
        #expect(r.exitCode == 0, "\(r)", sourceLocation: sourceLocation)
        return try listItems(r, sourceLocation: sourceLocation)
    }

    /// The current mapping rows (or the whole history), read through the catalog.
    func mapping(history: Bool = false) throws -> [MappingEntry] {
        var out: [MappingEntry] = []
        try Catalog(path: catalog, mustExist: true).forEachMapping(history: history) { entry, _ in out.append(entry) }
        return out
    }

    /// Every entry below the target whose name says it is a temporary file.
    func temporaries() -> [String] {
        RawTree.snapshot(target).keys.map(\.display).filter { $0.contains(".attache-tmp-") }.sorted()
    }

    /// The regular files below the target, by relative path.
    func targetFiles() -> [RawPath: EntrySnapshot] {
        RawTree.snapshot(target).filter { $0.value.mode & S_IFMT == S_IFREG }
    }
}

/// A counts tally from `apply --format json` (`counts.copy.files`).
func tally(_ json: [String: Any], _ key: String) -> (files: Int, bytes: Int) {
    (int(value(json, "counts.\(key).files")) ?? -1, int(value(json, "counts.\(key).bytes")) ?? -1)
}

/// SHA-256 of bytes, by coreutils' sha256sum (independent of the code under test).
func sha256(_ bytes: [UInt8]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["sha256sum"]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try p.run()
    // Write and read on different threads: a large input would otherwise fill both pipes.
    let writer = Thread { input.fileHandleForWriting.write(Data(bytes)); try? input.fileHandleForWriting.close() }
    writer.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: out.prefix(64), as: UTF8.self)
}

/// What a source tree looks like to someone who must prove it was not touched: every entry's
/// type, size, inode, modification and change times, link target, and a regular file's bytes.
/// (Access times are left out: reading a file may change them, and reading is allowed.)
struct SourceManifest: Equatable {
    struct Entry: Equatable {
        var mode: UInt32
        var size: Int
        var inode: UInt64
        var mtime: timespec
        var ctime: timespec
        var linkTarget: [UInt8]?
        var content: [UInt8]?
    }
    var entries: [RawPath: Entry]

    init(_ roots: [String]) {
        var all: [RawPath: Entry] = [:]
        for root in roots {
            for (rel, s) in RawTree.snapshot(root) {
                let path = RawPath(root).appending(rel)
                let content = s.mode & S_IFMT == S_IFREG ? RawTree.contents(path) : nil
                all[path] = Entry(mode: s.mode, size: s.size, inode: s.inode, mtime: s.mtime, ctime: s.ctime,
                                  linkTarget: s.linkTarget, content: content)
            }
        }
        entries = all
    }

    /// The paths whose entry differs, for a failure message.
    func differences(_ other: SourceManifest) -> [String] {
        Set(entries.keys).union(other.entries.keys).filter { entries[$0] != other.entries[$0] }.map(\.display).sorted()
    }
}

/// The tools an archive is read back with.
enum ArchiveTools {
    static func bsdtarList(_ path: String) throws -> RunResult { try CLI.runTool(["/usr/bin/bsdtar", "-tf", path]) }
    /// GNU tar's listing, names printed as their raw bytes.
    static func gnuTarList(_ path: String) throws -> RunResult {
        try CLI.runTool(["/usr/bin/tar", "--zstd", "--quoting-style=literal", "-tf", path])
    }
    static func extract(_ path: String, into folder: String) throws -> RunResult {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try CLI.runTool(["/usr/bin/bsdtar", "-xf", path, "-C", folder])
    }

    /// Raw output split into lines of bytes.
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: UInt8(ascii: "\n")).map(Array.init)
    }

    /// A manifest's lines: name spelling → (sha256, "same as" spelling or nil).
    static func manifest(_ bytes: [UInt8]) -> [String: (sha256: String, sameAs: String?)] {
        var out: [String: (String, String?)] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let sha = String(line.prefix(64))
            let rest = line.dropFirst(66)
            let parts = rest.components(separatedBy: "\tsame as ")
            out[parts[0]] = (sha, parts.count > 1 ? parts[1] : nil)
        }
        return out
    }
}

/// Proves, by our own walk, that the target holds exactly what the latest plan says: every
/// kept file at its planned path with the catalog's SHA-256 and the source's mtime, every
/// archived file in its archive (extracted with bsdtar: bytes equal to the source, manifest
/// line with the catalog's SHA-256), one current mapping row per planned file, no temporary
/// files, and nothing else in the target but `planted` (files a test put there itself).
func expectTargetMatchesPlan(_ m: Migration, planted: Set<String> = [], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let decisions = try m.decisions(sourceLocation: sourceLocation)
    let mapping = try m.mapping()
    #expect(Set(mapping.map(\.fileID)).count == mapping.count, "one current mapping row per file", sourceLocation: sourceLocation)
    let present = mapping.filter { $0.placement != .gone }
    #expect(present.count == decisions.count, "a mapping row for every planned file: \(present.count) rows, \(decisions.count) decisions",
            sourceLocation: sourceLocation)
    #expect(m.temporaries().isEmpty, "temporary files left: \(m.temporaries())", sourceLocation: sourceLocation)

    // What the plan wants, by source path (display) → where.
    var wantKept: [String: String] = [:], wantArchived: [String: String] = [:]
    for d in decisions {
        guard let path = d["path"] as? String else { continue }
        if d["action"] as? String == "keep" { wantKept[path] = d["target_path"] as? String }
        if d["action"] as? String == "archive" { wantArchived[path] = d["archive_path"] as? String }
    }
    var kept: [String: String] = [:], archived: [String: [(MappingEntry, RawPath)]] = [:]
    for e in mapping {
        switch e.placement {
        case .placed(let t): kept[e.path.display] = t
        case .archived(let a, let member): archived[a, default: []].append((e, member))
        case .pending(let why): Issue.record("\(e.path.display) is pending: \(why)", sourceLocation: sourceLocation)
        default: break
        }
    }
    #expect(kept == wantKept, "every kept file is placed at its planned path", sourceLocation: sourceLocation)
    var archivedPaths: [String: String] = [:]
    for (a, rows) in archived { for (e, _) in rows { archivedPaths[e.path.display] = a } }
    #expect(archivedPaths == wantArchived, "every archived file is in its planned archive", sourceLocation: sourceLocation)

    // Kept files: the catalog's hash (by sha256sum), the source's bytes and mtime.
    let keptRows = mapping.filter { if case .placed = $0.placement { return true } else { return false } }
    let sums = try sha256sum(keptRows.compactMap { if case .placed(let t) = $0.placement { return m.target + "/" + t } else { return nil } })
    for e in keptRows {
        guard case .placed(let t) = e.placement else { continue }
        let source = RawPath(e.root).appending(e.path)
        #expect(sums[m.target + "/" + t] == e.sha256?.hex, "\(t): SHA-256 of the copy", sourceLocation: sourceLocation)
        let copy = RawTree.lstatOf(RawPath(m.target + "/" + t)), original = RawTree.lstatOf(source)
        #expect(copy != nil && copy?.mtime == original?.mtime, "\(t) keeps the source's mtime", sourceLocation: sourceLocation)
    }

    // Archives: extracted, each member's bytes are the source's; its manifest line has the catalog's hash.
    for (a, rows) in archived {
        let folder = m.scratch.join("extracted-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let x = try ArchiveTools.extract(m.target + "/" + a, into: folder)
        #expect(x.exitCode == 0, "\(a): \(x)", sourceLocation: sourceLocation)
        let manifest = ArchiveTools.manifest(RawTree.contents(RawPath(folder + "/manifest-sha256.txt")) ?? [])
        for (e, member) in rows {
            let line = manifest[member.display]
            #expect(line?.sha256 == e.sha256?.hex, "\(a): manifest line of \(member.display)", sourceLocation: sourceLocation)
            let stored = line?.sameAs.map { RawPath($0) } ?? member
            let bytes = RawTree.contents(RawPath(folder).appending(stored))
            #expect(bytes != nil && bytes == RawTree.contents(RawPath(e.root).appending(e.path)),
                    "\(a): member \(stored.display) holds the bytes of \(e.path.display)", sourceLocation: sourceLocation)
        }
    }

    // Nothing else: the target holds the kept files, the archives and what the test planted.
    let expected = Set(kept.values).union(archived.keys).union(planted)
    let inTarget = Set(m.targetFiles().keys.map(\.display))
    #expect(inTarget == expected, "unexpected: \(inTarget.subtracting(expected).sorted()); missing: \(expected.subtracting(inTarget).sorted())",
            sourceLocation: sourceLocation)
}
