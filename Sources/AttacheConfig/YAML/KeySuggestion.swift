import AttacheModel

/// "Did you mean …?" for misspelt keys.
enum KeySuggestion {
    /// The allowed key closest to `key`: within an edit distance of 2 (case ignored, and
    /// less than the key's own length so that 'x' does not suggest 'key'), or one that
    /// starts with `key` (at least 3 characters) or is a prefix of it. Nil when none is close.
    static func closest(to key: String, among allowed: [String]) -> String? {
        let k = Array(key.lowercased())
        var best: (name: String, distance: Int)? = nil
        for name in allowed {
            let n = Array(name.lowercased())
            let d = AttacheModel.editDistance(k, n)
            if d <= 2 && d < k.count, best == nil || d < best!.distance { best = (name, d) }
        }
        if let best { return best.name }
        if k.count >= 3, let byPrefix = allowed.first(where: { $0.lowercased().hasPrefix(key.lowercased()) }) {
            return byPrefix
        }
        return allowed.first { !$0.isEmpty && key.lowercased().hasPrefix($0.lowercased()) }
    }
}
