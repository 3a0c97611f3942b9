import AttacheModel
import AttacheRecords

/// A root as the resolver sees it: its id, its path on this machine, how records spell it.
public struct ResolverRoot: Sendable {
    public var id: Int64
    public var path: String
    public var aliases: [String]
    public var caseInsensitive: Bool
    public init(id: Int64, path: String, aliases: [String], caseInsensitive: Bool) {
        self.id = id; self.path = path; self.aliases = aliases; self.caseInsensitive = caseInsensitive
    }
}

/// A catalogued file the resolver may point at.
public struct IndexedFile: Sendable {
    public var id: Int64
    public var rootID: Int64
    public var path: RawPath
    public var status: FileStatus
    public init(id: Int64, rootID: Int64, path: RawPath, status: FileStatus) {
        self.id = id; self.rootID = rootID; self.path = path; self.status = status
    }
}

/// The outcome of resolving one spelling.
public struct Resolution: Sendable, Equatable {
    public var status: ReferenceStatus
    public var match: MatchKind?
    public var rootID: Int64?
    public var fileID: Int64?
    /// For `ambiguous`: how many files matched.
    public var candidates: Int
    /// Why it is not resolved (or a note on how it was).
    public var reason: String?
}

/// A path's bytes as a dictionary key, hashed in one call (an array of bytes is hashed a
/// byte at a time).
struct PathBytes: Hashable {
    var bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
}

/// Matches path spellings to catalogued files.
///
/// 1. **Root**: the longest alias of any root that is a prefix of the spelling, by the
///    spelling's rules: UNC host and share and drive letters compare case-insensitively (as
///    Windows does), `file://` URLs are treated as the UNC, drive or POSIX path they name, and
///    the root's own path counts as a POSIX alias. Relative spellings are first joined to the
///    source's `base`.
/// 2. **File**: exact bytes first; then, on a `case_insensitive` root, letter case folded;
///    then Unicode canonical equivalence (NFC/NFD); then both. A step that finds several
///    files reports `ambiguous` — it never guesses.
public final class Resolver: @unchecked Sendable {
    struct Alias {
        var root: ResolverRoot
        var spelling: PathSpelling
    }
    private let roots: [Int64: ResolverRoot]
    private var aliases: [Alias] = []
    /// Every file, once; the tables below hold indices into it.
    private let files: [IndexedFile]
    private var exact: [Int64: [PathBytes: Int32]] = [:]
    /// Files by the hash of their name as text (`String` hashing: canonically equivalent names
    /// hash alike), and by the hash of the name letter-case folded. Only the hash is kept —
    /// not a second and third copy of every name — so a lookup checks each candidate's name
    /// again: a hash two different names share never makes a match.
    private var byText: [Int64: [Int: Matches]] = [:]
    private var byFolded: [Int64: [Int: Matches]] = [:]

    /// The files under one hash: almost always one, so no array for it.
    enum Matches {
        case one(Int32)
        case many([Int32])

        func adding(_ i: Int32) -> Matches {
            switch self {
            case .one(let a): return .many([a, i])
            case .many(let all): return .many(all + [i])
            }
        }

        var indices: [Int32] {
            switch self {
            case .one(let a): return [a]
            case .many(let all): return all
            }
        }
    }

    /// - Parameters:
    ///   - roots: every scanned root.
    ///   - files: every file present in the catalog (gone files excluded).
    ///   - parse: parses an alias (the path grammar).
    public convenience init(roots: [ResolverRoot], files: [IndexedFile], parse: (String) -> PathSpelling?) {
        self.init(roots: roots, files: files, parse: parse, key: { $0.hashValue })
    }

    /// The key a name is filed under in ``byText`` and ``byFolded``: canonically equivalent
    /// names must get the same key. Tests give a key every name shares, to prove the
    /// candidates are checked.
    private let key: @Sendable (String) -> Int

    init(roots: [ResolverRoot], files: [IndexedFile], parse: (String) -> PathSpelling?, key: @escaping @Sendable (String) -> Int) {
        self.key = key
        var byID: [Int64: ResolverRoot] = [:]
        for r in roots {
            byID[r.id] = r
            for a in r.aliases + [r.path] {
                if let s = parse(a) { aliases.append(Alias(root: r, spelling: Resolver.canonical(s))) }
            }
        }
        self.roots = byID
        self.files = files
        // Longest alias first, so `K:\CRM\` wins over `K:\`.
        aliases.sort { $0.spelling.components.count > $1.spelling.components.count }
        var perRoot: [Int64: Int] = [:]
        for f in files { perRoot[f.rootID, default: 0] += 1 }
        for (root, n) in perRoot {
            exact[root, default: [:]].reserveCapacity(n)
            byText[root, default: [:]].reserveCapacity(n)
            if byID[root]?.caseInsensitive == true { byFolded[root, default: [:]].reserveCapacity(n) }
        }
        func add(_ i: Int32, _ key: Int, _ table: inout [Int: Matches]) {
            if let m = table[key] { table[key] = m.adding(i) } else { table[key] = .one(i) }
        }
        for (k, f) in files.enumerated() {
            let i = Int32(truncatingIfNeeded: k)
            exact[f.rootID, default: [:]][PathBytes(f.path.bytes)] = i
            // Names that are not UTF-8 can only match exactly.
            guard let text = String(validating: f.path.bytes, as: UTF8.self) else { continue }
            add(i, key(text), &byText[f.rootID, default: [:]])
            if byID[f.rootID]?.caseInsensitive == true {
                add(i, key(Resolver.fold(text)), &byFolded[f.rootID, default: [:]])
            }
        }
    }

    /// The files of `table[key]` whose name, as text, `keep` accepts, in catalog order.
    private func candidates(_ table: [Int: Matches]?, _ name: String, _ keep: (String) -> Bool) -> [IndexedFile] {
        guard let m = table?[self.key(name)] else { return [] }
        return m.indices.map { files[Int($0)] }.filter { keep(String(decoding: $0.path.bytes, as: UTF8.self)) }
    }

    /// Resolves one spelling. `base` is the source's `base` (for relative spellings), already parsed.
    public func resolve(_ spelling: PathSpelling, base: PathSpelling?) -> Resolution {
        var s = Resolver.canonical(spelling)
        if s.style == .relative {
            guard let base else {
                return Resolution(status: .missing, match: nil, rootID: nil, fileID: nil, candidates: 0,
                                  reason: "a relative path, and the source has no 'base' to resolve it against")
            }
            var joined = Resolver.canonical(base)
            joined.components += s.components
            s = joined
        }
        guard let (root, rest) = findRoot(s) else {
            return Resolution(status: .missing, match: nil, rootID: nil, fileID: nil, candidates: 0,
                              reason: "no root has an alias for \(Resolver.describeRoot(s))")
        }
        // Apply '..' and refuse to climb above the root.
        var parts: [String] = []
        for c in rest {
            if c == ".." {
                if parts.isEmpty {
                    return Resolution(status: .missing, match: nil, rootID: root.id, fileID: nil, candidates: 0,
                                      reason: "the path climbs above the root \(root.path)")
                }
                parts.removeLast()
            } else {
                parts.append(c)
            }
        }
        return lookup(parts.joined(separator: "/"), in: root)
    }

    private func lookup(_ relative: String, in root: ResolverRoot) -> Resolution {
        func found(_ f: IndexedFile, _ m: MatchKind) -> Resolution {
            switch f.status {
            case .ok: return Resolution(status: .resolved, match: m, rootID: root.id, fileID: f.id, candidates: 1, reason: nil)
            case .special: return Resolution(status: .special, match: m, rootID: root.id, fileID: f.id, candidates: 1,
                                             reason: "not a regular file (never opened)")
            case .unreadable: return Resolution(status: .unreadable, match: m, rootID: root.id, fileID: f.id, candidates: 1,
                                                reason: "the file could not be read when scanned")
            case .gone: return Resolution(status: .missing, match: m, rootID: root.id, fileID: nil, candidates: 0,
                                          reason: "the file is gone since an earlier scan")
            }
        }
        func several(_ n: Int, _ how: String) -> Resolution {
            Resolution(status: .ambiguous, match: nil, rootID: root.id, fileID: nil, candidates: n,
                       reason: "\(n) files match \(how), none exactly")
        }
        if let i = exact[root.id]?[PathBytes(Array(relative.utf8))] { return found(files[Int(i)], .exact) }
        let folded = root.caseInsensitive ? Resolver.fold(relative) : ""
        // Files whose folded name equals this one's folded (String equality: canonical too).
        let foldedMatches = root.caseInsensitive ? candidates(byFolded[root.id], folded) { Resolver.fold($0) == folded } : []
        if !foldedMatches.isEmpty {
            // Distinguish: same bytes once folded, or equal only with Unicode equivalence too.
            let foldedBytes = Array(folded.utf8)
            let caseOnly = foldedMatches.filter { Array(Resolver.fold(String(decoding: $0.path.bytes, as: UTF8.self)).utf8) == foldedBytes }
            if caseOnly.count == 1 { return found(caseOnly[0], .caseFolded) }
            if caseOnly.count > 1 { return several(caseOnly.count, "once letter case is ignored") }
        }
        let m = candidates(byText[root.id], relative) { $0 == relative }
        if !m.isEmpty {
            if m.count == 1 { return found(m[0], .unicode) }
            return several(m.count, "under Unicode equivalence (NFC/NFD)")
        }
        if !foldedMatches.isEmpty {
            if foldedMatches.count == 1 { return found(foldedMatches[0], .caseAndUnicode) }
            return several(foldedMatches.count, "once case and Unicode form are ignored")
        }
        return Resolution(status: .missing, match: nil, rootID: root.id, fileID: nil, candidates: 0,
                          reason: "no file \(relative) under \(root.path)")
    }

    /// The root whose alias is the longest prefix of `s`, and the components after it.
    private func findRoot(_ s: PathSpelling) -> (ResolverRoot, [String])? {
        for a in aliases where Resolver.sameAnchor(a.spelling, s) {
            let ac = a.spelling.components
            guard ac.count <= s.components.count else { continue }
            let windows = a.spelling.style != .posix || a.root.caseInsensitive
            var ok = true
            for (x, y) in zip(ac, s.components) where !(windows ? x.lowercased() == y.lowercased() : x == y) {
                ok = false
                break
            }
            if ok { return (a.root, Array(s.components[ac.count...])) }
        }
        return nil
    }

    /// Whether two spellings start at the same place: the same UNC host and share, the same
    /// drive, or both POSIX-absolute.
    static func sameAnchor(_ a: PathSpelling, _ b: PathSpelling) -> Bool {
        guard a.style == b.style else { return false }
        switch a.style {
        case .unc:
            guard let ah = a.host, let bh = b.host, sameHost(ah, bh) else { return false }
            return (a.share ?? "").lowercased() == (b.share ?? "").lowercased()
        case .drive: return a.drive == b.drive
        default: return true
        }
    }

    /// `FILESRV01` and `filesrv01.corp.local` are the same server.
    static func sameHost(_ a: String, _ b: String) -> Bool {
        let x = a.lowercased(), y = b.lowercased()
        if x == y { return true }
        let xs = x.split(separator: ".").first.map(String.init) ?? x
        let ys = y.split(separator: ".").first.map(String.init) ?? y
        return (x == xs || y == ys) && xs == ys
    }

    /// A `file://` URL as the UNC, drive or POSIX path it names; `file://localhost/x` as `/x`.
    static func canonical(_ s: PathSpelling) -> PathSpelling {
        guard s.style == .fileURL else { return s }
        var c = s
        if s.drive != nil {
            c.style = .drive
        } else if let h = s.host, !h.isEmpty, h.lowercased() != "localhost" {
            c.style = .unc
        } else {
            c.style = .posix
            c.host = nil
            if let share = s.share { c.components = [share] + s.components; c.share = nil }
        }
        return c
    }

    static func fold(_ s: String) -> String { s.lowercased() }

    static func describeRoot(_ s: PathSpelling) -> String {
        switch s.style {
        case .unc: return "\\\\\(s.host ?? "?")\\\(s.share ?? "")"
        case .drive: return "\(s.drive.map(String.init) ?? "?"):\\"
        default: return "/" + (s.components.first ?? "")
        }
    }
}
