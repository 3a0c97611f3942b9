import AttacheModel
import Foundation

/// Reads a rewritten link back into a place in the target — the inverse of
/// ``LocationSpelling``, written apart from it so that `verify --references` checks what the
/// records say rather than what the rewrite meant: HTML escapes undone for the context, the
/// address's root taken off (in each form it can be written in), the rest split into names
/// and percent-decoded where the form is a URL. What a bare path cannot tell apart (a `#` in a
/// name, or between an archive and its member) comes back as several readings; the caller
/// keeps the one the target holds.
struct AddressReader {
    /// A place in the target a link can name.
    struct Reading: Equatable {
        var path: String
        var member: String?
        /// As the audit's `location` spells it: the path, or `archive#member`.
        var location: String { member.map { path + "#" + $0 } ?? path }
    }

    private struct Prefix { let text: String; let url: Bool; let separator: Character }
    private let prefixes: [Prefix]

    init(spelling: LocationSpelling) {
        let probe = "attacheprobe"
        var found: [Prefix] = []
        let separator: Character = spelling.address.kind == .posix || spelling.address.kind == .url ? "/" : "\\"
        let styles: [PathStyle?] = [.fileURL, .unc, nil]
        for style in styles {
            for context in [SpellingContext.plain, .linkAttribute] {
                guard case .success(.replace(let text)) = spelling.spell(.file(path: probe), in: context, original: style),
                      text.hasSuffix(probe) else { continue }
                let prefix = String(text.dropLast(probe.count))
                let url = spelling.form(in: context, original: style) != .path
                if !found.contains(where: { $0.text == prefix }) {
                    found.append(Prefix(text: prefix, url: url, separator: url ? "/" : separator))
                }
            }
        }
        prefixes = found.sorted { $0.text.count > $1.text.count }
    }

    /// Every place `text` (as written in a record, in `context`) can name; empty when it is not
    /// below the address.
    func read(_ text: String, context: SpellingContext) -> [Reading] {
        let readings = readAsWritten(text, context: context)
        // A path written with its backslashes escaped (``Escaping/backslashes(_:like:)``).
        if readings.isEmpty && Escaping.writesBackslashesDoubled(text) {
            return readAsWritten(text.replacingOccurrences(of: "\\\\", with: "\\"), context: context)
        }
        return readings
    }

    private func readAsWritten(_ text: String, context: SpellingContext) -> [Reading] {
        let plain = context == .plain ? text : Self.unescapeHTML(text)
        guard let prefix = prefixes.first(where: { plain.hasPrefix($0.text) }) else { return [] }
        let rest = String(plain.dropFirst(prefix.text.count))
        if prefix.url {
            let parts = rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let path = Self.decodedSegments(String(parts[0]))
            let member = parts.count > 1 ? Self.decodedSegments(String(parts[1])) : nil
            guard let path else { return [] }
            return [Reading(path: path, member: member)]
        }
        let normalised = prefix.separator == "/" ? rest : rest.replacingOccurrences(of: "\\", with: "/")
        var readings = [Reading(path: normalised, member: nil)]
        var index = normalised.startIndex
        while let hash = normalised[index...].firstIndex(of: "#") {
            // The member keeps its own slashes; only the archive's part was separated with '\'.
            let member = String(rest[rest.index(rest.startIndex, offsetBy: normalised.distance(from: normalised.startIndex, to: hash) + 1)...])
            readings.append(Reading(path: String(normalised[..<hash]), member: member))
            index = normalised.index(after: hash)
        }
        return readings
    }

    private static func decodedSegments(_ text: String) -> String? {
        var out: [String] = []
        for segment in text.split(separator: "/", omittingEmptySubsequences: false) {
            guard let d = PercentDecoding.decode(String(segment)) else { return nil }
            out.append(d)
        }
        return out.joined(separator: "/")
    }

    /// Undoes the five escapes the rewrite writes (`&amp;` last, so `&amp;lt;` stays `&lt;`).
    static func unescapeHTML(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
