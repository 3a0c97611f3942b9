import AttacheModel

/// Finds a declared name among the names that exist, and suggests a close one when it is not there.
public enum SourceNames {
    /// The index of `name` in `names`: exact first; with `caseInsensitive`, then a unique
    /// case-insensitive match (SQL identifiers).
    static func index(of name: String, in names: [String], caseInsensitive: Bool) -> Int? {
        if let exact = names.firstIndex(of: name) { return exact }
        guard caseInsensitive else { return nil }
        let folded = name.lowercased()
        let matches = names.indices.filter { names[$0].lowercased() == folded }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The existing name closest to `name` (case-insensitive edit distance at most a third of
    /// its length, at least 2), or one that differs only in case.
    static func closest(to name: String, among names: [String]) -> String? {
        let folded = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in names {
            let d = editDistance(folded, Array(candidate.lowercased()))
            if best == nil || d < best!.distance { best = (candidate, d) }
        }
        guard let best else { return nil }
        return best.distance <= max(2, folded.count / 3) ? best.name : nil
    }

    /// " Did you mean 'x'?" or "".
    public static func didYouMean(_ name: String, among names: [String]) -> String {
        closest(to: name, among: names).map { " Did you mean '\($0)'?" } ?? ""
    }

    /// `a, b, c` (at most `limit` names, then "… and N more").
    public static func list(_ names: [String], limit: Int = 40) -> String {
        if names.isEmpty { return "(none)" }
        let shown = names.prefix(limit).joined(separator: ", ")
        return names.count > limit ? shown + ", … and \(names.count - limit) more" : shown
    }
}

/// The columns a source's options name (`key`, `deleted`, `modified`), found among the columns
/// it reads, or a fatal `.unknownColumn` naming the column and listing the available ones.
struct SourceRoleColumns {
    var key: [Int]
    var deleted: Int?
    var modified: Int?

    init(key: [String], deleted: String?, modified: String?, columns: [String], caseInsensitive: Bool,
         source: String, file: String, what: String) throws(SourceError) {
        func find(_ name: String, role: String) throws(SourceError) -> Int {
            if let i = SourceNames.index(of: name, in: columns, caseInsensitive: caseInsensitive) { return i }
            throw SourceError(
                kind: .unknownColumn, source: source, file: file, position: name,
                message: "the \(role) column '\(name)' is not among the columns of \(what)."
                    + SourceNames.didYouMean(name, among: columns)
                    + " Available: \(SourceNames.list(columns))",
                fatal: true)
        }
        var keys: [Int] = []
        for name in key { keys.append(try find(name, role: "key")) }
        self.key = keys
        self.deleted = try deleted.map { name throws(SourceError) in try find(name, role: "deleted") }
        self.modified = try modified.map { name throws(SourceError) in try find(name, role: "modified") }
    }
}

extension SourceRoleColumns {
    /// `wanted` with the role columns (key, `deleted`, `modified`) set: they are always read.
    func marking(_ wanted: [Bool]) -> [Bool] {
        var w = wanted
        for i in key + [deleted, modified].compactMap({ $0 }) where i < w.count { w[i] = true }
        return w
    }
}
