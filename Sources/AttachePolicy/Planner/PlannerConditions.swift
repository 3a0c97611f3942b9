import AttacheModel

// Conditions compiled once per plan (globs built, cutoffs computed from `now`), evaluated per
// file, and explained in words for the decision's reason.

extension Planner {
    /// A ``Condition`` ready to evaluate.
    indirect enum Test: Sendable {
        case all([Test]), any([Test]), not(Test)
        case name([Glob])
        case path([PathGlob])
        case fileExtension(Set<String>, [String])
        case category(Set<Category>)
        case mime([Glob])
        case size(min: Int64?, max: Int64?)
        case modifiedBefore(Timestamp)
        case modifiedAfter(Timestamp)
        case referenced(Bool)
        case onlyDeletedReferences(Bool)
        case recordsNotEditedSince(Timestamp)
        case duplicate(Bool)
        case extensionMismatch(Bool)
        case status(Set<FileStatus>, [FileStatus])
        case problem(Set<ProblemCode>, [ProblemCode])

        /// Compiles a condition; `problems` collects patterns that can never match.
        static func compile(_ c: Condition, now: Timestamp, problems: inout [String]) -> Test {
            switch c {
            case .all(let cs): return .all(cs.map { compile($0, now: now, problems: &problems) })
            case .any(let cs): return .any(cs.map { compile($0, now: now, problems: &problems) })
            case .not(let c): return .not(compile(c, now: now, problems: &problems))
            case .name(let patterns):
                var globs: [Glob] = []
                for p in patterns {
                    let g = Glob(p)
                    if p.contains("/") {
                        problems.append("name pattern '\(p)' contains '/', which a file name never does")
                    } else if !g.valid {
                        problems.append("name pattern '\(p)' has a '[' that is never closed")
                    } else { globs.append(g) }
                }
                return .name(globs)
            case .path(let patterns):
                var globs: [PathGlob] = []
                for p in patterns {
                    // The walker's matcher (the same rules as the scan's excludes); it allocates nothing per match.
                    do { globs.append(try PathGlob(p)) } catch {
                        problems.append("path pattern '\(p)' is not valid")
                    }
                }
                return .path(globs)
            case .fileExtension(let exts):
                let cleaned = exts.map { e -> String in
                    var s = Substring(e.lowercased())
                    while s.first == "." { s = s.dropFirst() }
                    return String(s)
                }
                return .fileExtension(Set(cleaned), cleaned)
            case .category(let cs): return .category(Set(cs))
            case .mime(let patterns):
                var globs: [Glob] = []
                for p in patterns {
                    let g = Glob(p)
                    if g.valid { globs.append(g) } else { problems.append("type pattern '\(p)' has a '[' that is never closed") }
                }
                return .mime(globs)
            case .size(let min, let max): return .size(min: min?.value, max: max?.value)
            case .modifiedBefore(let a): return .modifiedBefore(a.cutoff(now: now))
            case .modifiedAfter(let a): return .modifiedAfter(a.cutoff(now: now))
            case .referenced(let b): return .referenced(b)
            case .onlyDeletedReferences(let b): return .onlyDeletedReferences(b)
            case .recordsNotEditedSince(let a): return .recordsNotEditedSince(a.cutoff(now: now))
            case .duplicate(let b): return .duplicate(b)
            case .extensionMismatch(let b): return .extensionMismatch(b)
            case .status(let s): return .status(Set(s), s)
            case .problem(let p): return .problem(Set(p), p)
            }
        }
    }

    /// One file as conditions see it, with what is computed lazily (the folded name). The
    /// file is read in place from the plan's array (never copied: a copy costs a retain and a
    /// release per string and array it holds, a million times over).
    struct Subject {
        let files: [PlanFile]
        let index: Int
        let isDuplicate: Bool
        private var foldedNameCache: [UInt8]?

        init(files: [PlanFile], index: Int, isDuplicate: Bool) {
            self.files = files; self.index = index; self.isDuplicate = isDuplicate
        }

        var file: PlanFile {
            _read { yield files[index] }
        }

        mutating func foldedName() -> [UInt8] {
            if let n = foldedNameCache { return n }
            let n = files[index].withPathBytes { b -> [UInt8] in
                var start = b.count
                while start > 0 && b[start - 1] != UInt8(ascii: "/") { start -= 1 }
                return Planner.folded(ArraySlice(b[start...]))
            }
            foldedNameCache = n
            return n
        }

        var category: Category { file.category ?? .unknown }
        var onlyDeleted: Bool { file.liveReferences == 0 && file.deletedReferences > 0 }
    }
}

extension Planner.Test {
    func evaluate(_ s: inout Planner.Subject) -> Bool {
        switch self {
        case .all(let ts):
            for t in ts where !t.evaluate(&s) { return false }
            return true
        case .any(let ts):
            for t in ts where t.evaluate(&s) { return true }
            return false
        case .not(let t): return !t.evaluate(&s)
        case .name(let globs):
            if globs.isEmpty { return false }
            let n = s.foldedName()
            for g in globs where g.matches(n) { return true }
            return false
        case .path(let globs):
            for g in globs where g.matches(s.file.path) { return true }
            return false
        case .fileExtension(let set, _): return set.contains(s.file.path.fileExtension)
        case .category(let set): return set.contains(s.category)
        case .mime(let globs):
            guard let m = s.file.mime else { return false }
            let folded = Planner.folded(m)
            for g in globs where g.matches(folded) { return true }
            return false
        case .size(let lo, let hi):
            if let lo, s.file.size < lo { return false }
            if let hi, s.file.size > hi { return false }
            return true
        case .modifiedBefore(let cut): return s.file.mtime < cut
        case .modifiedAfter(let cut): return s.file.mtime >= cut
        case .referenced(let b): return (s.file.liveReferences > 0) == b
        case .onlyDeletedReferences(let b): return s.onlyDeleted == b
        case .recordsNotEditedSince(let cut):
            guard let a = s.file.newestRecordActivity else { return false }
            return a < cut
        case .duplicate(let b): return s.isDuplicate == b
        case .extensionMismatch(let b): return s.file.extensionMismatch == b
        case .status(let set, _): return set.contains(s.file.status)
        case .problem(let set, _):
            guard let p = s.file.problem else { return false }
            return set.isEmpty || set.contains(p)
        }
    }

    /// The facts that make this test come out as `outcome` for the file, in words:
    /// ["modified 2009", "not referenced"]. Used only for the rule that decided.
    func explain(_ s: inout Planner.Subject, outcome: Bool) -> [String] {
        typealias P = Planner.Phrase
        switch self {
        case .all(let ts):
            if outcome { return ts.flatMap { $0.explain(&s, outcome: true) } }
            for t in ts where !t.evaluate(&s) { return t.explain(&s, outcome: false) }
            return []
        case .any(let ts):
            if outcome {
                for t in ts where t.evaluate(&s) { return t.explain(&s, outcome: true) }
                return []
            }
            return ts.flatMap { $0.explain(&s, outcome: false) }
        case .not(let t): return t.explain(&s, outcome: !outcome)
        case .name(let globs):
            let name = P.quotedName(s.file)
            if outcome {
                let n = s.foldedName()
                let g = globs.first { $0.matches(n) }
                return ["name matches \(g?.pattern ?? "")"]
            }
            return ["name \(name) does not match " + globs.map(\.pattern).joined(separator: ", ")]
        case .path(let globs):
            if outcome {
                return ["path matches \(globs.first { $0.matches(s.file.path) }?.pattern ?? "")"]
            }
            return ["path does not match " + globs.map(\.pattern).joined(separator: ", ")]
        case .fileExtension(_, let list):
            let e = s.file.path.fileExtension
            let shown = e.isEmpty ? "no extension" : "extension .\(e)"
            if outcome { return [shown] }
            return [shown + " (not " + list.map { $0.isEmpty ? "none" : "." + $0 }.joined(separator: ", ") + ")"]
        case .category(let set):
            if outcome { return ["category \(s.category.rawValue)"] }
            return ["category \(s.category.rawValue) (not " + set.sorted().map(\.rawValue).joined(separator: ", ") + ")"]
        case .mime(let globs):
            guard let m = s.file.mime else { return ["type unknown"] }
            if outcome { return ["type \(m)"] }
            return ["type \(m) (not " + globs.map(\.pattern).joined(separator: ", ") + ")"]
        case .size(let lo, let hi):
            var bound = ""
            if let lo, let hi { bound = "between \(P.bytes(lo)) and \(P.bytes(hi))" }
            else if let lo { bound = "at least \(P.bytes(lo))" }
            else if let hi { bound = "at most \(P.bytes(hi))" }
            return ["size \(P.bytes(s.file.size))" + (bound.isEmpty ? "" : outcome ? ", \(bound)" : ", not \(bound)")]
        case .modifiedBefore, .modifiedAfter:
            return ["modified \(P.year(s.file.mtime))"]
        case .referenced, .onlyDeletedReferences:
            return [P.references(s.file)]
        case .recordsNotEditedSince:
            guard let a = s.file.newestRecordActivity else { return ["no record activity known"] }
            return ["records last edited \(P.year(a))"]
        case .duplicate:
            return [s.isDuplicate ? "same content as another file" : "no other copy"]
        case .extensionMismatch:
            let e = s.file.path.fileExtension
            if s.file.extensionMismatch {
                return ["extension .\(e) does not match its content (\(s.file.mime ?? s.category.rawValue))"]
            }
            return ["extension matches its content"]
        case .status:
            return ["status \(s.file.status.rawValue)"]
        case .problem:
            guard let p = s.file.problem else { return ["no problem recorded"] }
            return ["problem \(p.rawValue)"]
        }
    }
}

extension Planner.Phrase {
    static func quotedName(_ f: PlanFile) -> String { "'" + f.path.lastComponent.display + "'" }
}
