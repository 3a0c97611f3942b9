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
            let d = editDistance(k, n)
            if d <= 2 && d < k.count, best == nil || d < best!.distance { best = (name, d) }
        }
        if let best { return best.name }
        if k.count >= 3, let byPrefix = allowed.first(where: { $0.lowercased().hasPrefix(key.lowercased()) }) {
            return byPrefix
        }
        return allowed.first { !$0.isEmpty && key.lowercased().hasPrefix($0.lowercased()) }
    }

    /// Levenshtein distance (insert, delete, substitute each cost 1).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
