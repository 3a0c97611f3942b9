import AttacheModel
import AttacheSystem

// Names the target can hold. Each path segment is sanitised for the target's rules; a path
// over the length limit is shortened; a collision gets " (2)". With `limits.rename` false the
// name rules are only checked (the decision is flagged for review), but containment (no `..`,
// no empty segment, nothing absolute) and uniqueness are never optional.

extension Planner {
    /// What sanitising changed (or, with `rename: false`, would have to change) in a name.
    struct NameIssues {
        var escaped = false
        var forbidden: [Character] = []
        var trailing = false
        var reserved: [String] = []
        var patterns: [String] = []
        var unfixablePatterns: [String] = []
        var shortened = false
        var empty = false
        /// The name started with attache's temporary prefix (`.attache-tmp-`).
        var temporary = false

        var isEmpty: Bool {
            !escaped && forbidden.isEmpty && !trailing && reserved.isEmpty && patterns.isEmpty
                && unfixablePatterns.isEmpty && !shortened && !empty && !temporary
        }

        /// Whether the target would refuse the name as it is (what `rename: false` flags).
        var refused: Bool {
            !forbidden.isEmpty || trailing || !reserved.isEmpty || !patterns.isEmpty || !unfixablePatterns.isEmpty || shortened
        }

        mutating func merge(_ o: NameIssues) {
            if o.isEmpty { return }
            escaped = escaped || o.escaped
            for c in o.forbidden where !forbidden.contains(c) { forbidden.append(c) }
            trailing = trailing || o.trailing
            for r in o.reserved where !reserved.contains(r) { reserved.append(r) }
            for p in o.patterns where !patterns.contains(p) { patterns.append(p) }
            for p in o.unfixablePatterns where !unfixablePatterns.contains(p) { unfixablePatterns.append(p) }
            shortened = shortened || o.shortened
            empty = empty || o.empty
            temporary = temporary || o.temporary
        }

        /// Notes for the decision, in a fixed order.
        func notes(renamed: Bool, namer: Namer) -> [String] {
            var out: [String] = []
            let r = namer.replacement
            if escaped {
                out.append("renamed: the name is not valid UTF-8; its bytes are written as _xNN_ (the catalog keeps the original bytes)")
            }
            let verb = renamed ? "renamed" : "flagged"
            let tail = renamed ? "" : " — not renamed (limits.rename is off): review it"
            if !forbidden.isEmpty {
                let list = Phrase.quoted(forbidden.map { String($0) })
                out.append("\(verb): \(list) \(forbidden.count == 1 ? "is" : "are") not allowed on the target"
                           + (renamed ? "; replaced by '\(r)'" : tail))
            }
            if trailing {
                out.append("\(verb): a name may not end in a dot or a space" + (renamed ? "; trimmed" : tail))
            }
            if !reserved.isEmpty {
                out.append("\(verb): \(Phrase.quoted(reserved)) \(reserved.count == 1 ? "is a reserved name" : "are reserved names") on the target"
                           + (renamed ? "; '\(r)' added" : tail))
            }
            if !patterns.isEmpty {
                out.append("\(verb): the target refuses names like \(Phrase.quoted(patterns))" + (renamed ? "; '\(r)' added" : tail))
            }
            if !unfixablePatterns.isEmpty {
                out.append("flagged: the target refuses names like \(Phrase.quoted(unfixablePatterns)) and no safe name was found — review it")
            }
            if shortened, let m = namer.maxName {
                out.append("\(verb): a name longer than \(m) characters"
                           + (renamed ? " was shortened (a short hash keeps it unique)" : tail))
            }
            if empty {
                out.append("renamed: an empty name became '\(r)'")
            }
            if temporary {
                out.append("renamed: names starting with '.attache-tmp-' are attache's temporary files on the target; '\(r)' added")
            }
            return out
        }
    }

    /// The target's name rules, prepared once per plan.
    struct Namer {
        let rename: Bool
        /// What replaces a forbidden character, and what is added to a reserved name: `_`
        /// unless the target forbids it.
        let replacement: String
        /// Joins a shortened name to its short hash: `~` unless forbidden.
        let separator: String
        let forbiddenASCII: [Bool]
        let forbiddenOther: Set<UInt32>
        /// Upper-cased reserved names and the longest one's length.
        let reserved: Set<String>
        let reservedMaxLength: Int
        let patterns: [Glob]
        let maxName: Int?
        let maxPath: Int?
        let caseInsensitive: Bool

        init(limits: TargetLimits, rename: Bool) {
            self.rename = rename
            var ascii = [Bool](repeating: false, count: 128)
            var other = Set<UInt32>()
            for c in limits.forbiddenCharacters {
                for u in c.unicodeScalars {
                    if u.value < 128 { ascii[Int(u.value)] = true } else { other.insert(u.value) }
                }
            }
            ascii[0] = true
            ascii[Int(UInt8(ascii: "/"))] = true
            forbiddenASCII = ascii
            forbiddenOther = other
            func allowed(_ s: String) -> Bool { s.unicodeScalars.allSatisfy { $0.value >= 128 ? !other.contains($0.value) : !ascii[Int($0.value)] } }
            replacement = ["_", "-", "+", "x"].first(where: allowed) ?? "x"
            separator = ["~", replacement].first(where: allowed) ?? replacement
            reserved = Set(limits.reservedNames.map { $0.uppercased() })
            reservedMaxLength = limits.reservedNames.map { $0.utf8.count }.max() ?? 0
            patterns = limits.forbiddenNamePatterns.map { Glob($0) }.filter(\.valid)
            maxName = limits.maxNameLength.map { max(1, $0) }
            maxPath = limits.maxPathLength.map { max(1, $0) }
            caseInsensitive = limits.caseInsensitive
        }

        func isForbidden(_ u: Unicode.Scalar) -> Bool {
            u.value < 128 ? forbiddenASCII[Int(u.value)] : forbiddenOther.contains(u.value)
        }

        /// `s` with every forbidden character replaced, and which characters those were.
        func replacingForbidden(_ s: String, _ found: inout [Character]) -> String {
            var hit = false
            for u in s.unicodeScalars where isForbidden(u) { hit = true; break }
            if !hit { return s }
            var out = String.UnicodeScalarView()
            for u in s.unicodeScalars {
                if isForbidden(u) {
                    let c = Character(u)
                    if !found.contains(c) { found.append(c) }
                    out.append(contentsOf: replacement.unicodeScalars)
                } else { out.append(u) }
            }
            return String(out)
        }

        /// The reserved name `s` starts with (its part before the first dot, trailing spaces
        /// ignored, any case), or nil.
        func reservedBase(_ s: String) -> Substring? {
            guard !reserved.isEmpty else { return nil }
            let dot = s.firstIndex(of: ".") ?? s.endIndex
            var base = s[..<dot]
            while base.last == " " { base = base.dropLast() }
            guard !base.isEmpty, base.utf8.count <= reservedMaxLength else { return nil }
            return reserved.contains(base.uppercased()) ? base : nil
        }

        func matchedPattern(_ s: String) -> Glob? {
            guard !patterns.isEmpty else { return nil }
            let f = Planner.folded(s)
            return patterns.first { $0.matches(f) }
        }

        /// One segment made safe for the target. `reserve` UTF-16 units of the name limit are
        /// kept free for text the caller appends (an archive's extension). With `rename` off,
        /// the target's name rules are reported but not applied — except what containment needs.
        func sanitize(_ raw: String, reserve: Int = 0) -> (String, NameIssues) {
            var issues = NameIssues()
            var s = raw
            // Characters the target refuses (and '/', NUL, always).
            var found: [Character] = []
            let replaced = replacingForbidden(s, &found)
            if !found.isEmpty {
                issues.forbidden = found
                if rename {
                    s = replaced
                } else {
                    // Only what containment needs: '/' and NUL never stay in a name.
                    s = String(String.UnicodeScalarView(s.unicodeScalars.map { $0 == "/" || $0 == "\u{0}" ? "_" : $0 }))
                }
            }
            // `.` and `..` are never names on the target; nor is the empty name.
            if s == "." || s == ".." { s = ""; issues.trailing = true }
            // A name may not end in a dot or a space (Windows, SMB and SharePoint refuse it).
            var trimmed = Substring(s)
            while let l = trimmed.last, l == "." || l == " " { trimmed = trimmed.dropLast() }
            if trimmed.endIndex != s.endIndex {
                issues.trailing = true
                if rename || trimmed.isEmpty { s = String(trimmed) }
            }
            if s.isEmpty { s = replacement; issues.empty = true }
            // attache's temporary prefix, never optional: a placed file or archive by such a name
            // would be taken for a temporary file a stopped run left, and removed by the next apply.
            if s.utf8.starts(with: TargetFolder.temporaryPrefix) { s = replacement + s; issues.temporary = true }
            if let base = reservedBase(s) {
                issues.reserved.append(String(base))
                if rename {
                    let end = base.endIndex
                    s = String(s[..<end]) + replacement + String(s[end...])
                }
            }
            let limit = maxName.map { Swift.max(1, $0 - reserve) }
            if let limit, Planner.length(s) > limit {
                issues.shortened = true
                if rename { s = shorten(s, to: limit, hashing: raw) }
            }
            if let g = matchedPattern(s) {
                issues.patterns.append(g.pattern)
                if rename {
                    if let fixed = avoidPatterns(s, limit: limit, hashing: raw) { s = fixed } else {
                        issues.patterns.removeLast()
                        issues.unfixablePatterns.append(g.pattern)
                    }
                }
            }
            return (s, issues)
        }

        /// `_` in front, else at the end, else both — the first that no refused pattern matches
        /// ("~$draft.lock" is refused both as `~$*` and as `*.lock`: "_~$draft.lock_").
        func avoidPatterns(_ s: String, limit: Int?, hashing raw: String) -> String? {
            let r = replacement
            for (front, back) in [(true, false), (false, true), (true, true)] {
                let added = (front ? Planner.length(r) : 0) + (back ? Planner.length(r) : 0)
                var base = s
                if let limit, Planner.length(base) + added > limit {
                    base = shorten(base, to: limit - added, hashing: raw)
                }
                let candidate = (front ? r : "") + base + (back ? r : "")
                if matchedPattern(candidate) == nil && reservedBase(candidate) == nil { return candidate }
            }
            return nil
        }

        /// A name cut to `limit` UTF-16 units, keeping its extension and adding a short hash of
        /// the original so that two long names that share a beginning stay different:
        /// "Quarterly report for the board … (final).docx" → "Quarterly report for t~1f3a9c0b.docx".
        func shorten(_ name: String, to limit: Int, hashing source: String) -> String {
            let hash = Planner.shortHash(source)
            let (stem, ext) = Planner.splitExtension(name)
            var tail = separator + hash + (ext.map { "." + $0 } ?? "")
            var head = ext == nil ? name : stem
            if Planner.length(tail) >= limit {
                tail = separator + hash
                head = name
            }
            if Planner.length(tail) > limit { return Planner.prefix(hash, utf16Limit: limit) }
            head = Planner.prefix(head, utf16Limit: limit - Planner.length(tail))
            return head + tail
        }

        /// The length of a path of these segments, in UTF-16 units.
        func length(_ segments: [String]) -> Int {
            var n = Swift.max(0, segments.count - 1)
            for s in segments { n += Planner.length(s) }
            return n
        }

        /// Fits a path into `maxPath`. First the deepest folders are replaced by one folder
        /// named by a short hash of them (keeping as many leading folders as fit); if the name
        /// alone is still too long, it is shortened after that one folder; last, the folders go
        /// entirely. Returns nil when nothing fits (a limit of a few characters).
        func fit(_ segments: [String], reserve: Int = 0) -> (segments: [String], note: String)? {
            guard let fullMax = maxPath, let name = segments.last, length(segments) + reserve > fullMax else {
                return (segments, "")
            }
            let maxPath = fullMax - reserve
            let before = length(segments) + reserve
            let dirs = Array(segments.dropLast())
            let what = "the path was \(before) characters, the target allows \(fullMax)"
            let maxName = self.maxName.map { $0 - reserve } ?? Int.max
            if !dirs.isEmpty {
                for k in stride(from: dirs.count - 1, through: 0, by: -1) {
                    let replaced = dirs[k...].joined(separator: "/")
                    let folder = hashedFolder(replaced)
                    let candidate = Array(dirs[..<k]) + [folder, name]
                    if length(candidate) <= maxPath {
                        return (candidate, "path shortened: \(what); the folders '\(replaced)' became '\(folder)'")
                    }
                }
                let replaced = dirs.joined(separator: "/")
                let folder = hashedFolder(replaced)
                let nameLimit = Swift.min(maxName, maxPath - Planner.length(folder) - 1)
                if nameLimit >= 16 {
                    let short = sanitize(shorten(name, to: nameLimit, hashing: name), reserve: reserve).0
                    return ([folder, short], "path shortened: \(what); the folders '\(replaced)' became '\(folder)' and the name was shortened")
                }
            }
            let nameLimit = Swift.min(maxName, maxPath)
            if nameLimit >= 9 {
                let short = Planner.length(name) > nameLimit ? sanitize(shorten(name, to: nameLimit, hashing: name), reserve: reserve).0 : name
                if length([short]) <= maxPath {
                    return ([short], "path shortened: \(what); the file is placed at the top with a shortened name")
                }
            }
            return nil
        }

        func hashedFolder(_ replaced: String) -> String {
            let folder = separator + Planner.shortHash(replaced)
            return sanitize(folder).0
        }

        /// The name with " (n)" before its extension, cut so that the name and the whole path
        /// stay within the limits.
        func numbered(_ segments: [String], _ n: Int) -> [String] {
            guard let name = segments.last else { return segments }
            var ignored: [Character] = []
            let mark = replacingForbidden(" (\(n))", &ignored)
            let (stem, ext) = Planner.splitExtension(name)
            let extPart = ext.map { "." + $0 } ?? ""
            var limit = maxName ?? Int.max
            if let maxPath { limit = Swift.min(limit, maxPath - (length(segments) - Planner.length(name))) }
            let room = limit - Planner.length(mark) - Planner.length(extPart)
            let head = rename && Planner.length(stem) > room ? Planner.prefix(stem, utf16Limit: room) : stem
            var result = segments
            result[result.count - 1] = sanitize(head + mark + extPart).0
            // Folders that left no room for the number: fitted again (their short-hash folder).
            if rename, let maxPath, length(result) > maxPath, let fitted = fit(result) { result = fitted.segments }
            return result
        }
    }
}
