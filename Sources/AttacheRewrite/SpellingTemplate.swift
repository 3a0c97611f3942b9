import AttacheConfig
/// A small text template: literal text and `{placeholder}`s from a fixed list; `{{` and `}}`
/// are literal braces. Used for the archive member's address and the tombstone.
public struct SpellingTemplate: Sendable, Hashable, CustomStringConvertible {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case placeholder(String)
    }

    /// The template as written.
    public let text: String
    public let parts: [Part]

    public var description: String { text }

    /// Parses `text`, allowing only `placeholders`.
    /// - Throws: ``SpellingError`` (`invalidTemplate`) for an unknown placeholder, a `{` never
    ///   closed or a `}` that closes nothing.
    public init(_ text: String, placeholders: [String]) throws(SpellingError) {
        self.text = text
        let pieces: [BraceTemplate.Piece]
        switch BraceTemplate.parse(text, noun: "placeholder") {
        case .success(let p): pieces = p
        case .failure(let problem): throw SpellingError(.invalidTemplate, "\(problem.message) in '\(text)'")
        }
        var parts: [Part] = []
        for piece in pieces {
            switch piece {
            case .literal(let l): parts.append(.literal(l))
            case .name(let name):
                guard placeholders.contains(name) else {
                    let known = placeholders.map { "{\($0)}" }.joined(separator: ", ")
                    throw SpellingError(.invalidTemplate, "unknown placeholder '{\(name)}' in '\(text)'; expected one of: \(known)")
                }
                parts.append(.placeholder(name))
            }
        }
        self.parts = parts
    }

    /// The placeholders the template uses, in order of first use.
    public var usedPlaceholders: [String] {
        var seen: [String] = []
        for case .placeholder(let name) in parts where !seen.contains(name) { seen.append(name) }
        return seen
    }

    /// The text with each placeholder replaced by its value (already spelled for its context).
    public func expand(_ values: [String: String]) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .placeholder(let name): out += values[name] ?? ""
            }
        }
        return out
    }
}

/// How an archive member's location is spelled: `{archive}` (the archive's address, spelled
/// like a file) and `{member}` (the member's name: percent-encoded per segment in URL forms,
/// as written in bare paths). Default `{archive}#{member}`.
public struct ArchiveMemberTemplate: Sendable, Hashable {
    public static let placeholders = ["archive", "member"]
    public static let standardText = "{archive}#{member}"
    /// `{archive}#{member}`: a URL fragment, which a browser or the new CRM's viewer can
    /// use to open the member; in a bare path it reads the same way to people.
    public static let standard = try! ArchiveMemberTemplate(standardText)

    public let template: SpellingTemplate

    /// - Throws: ``SpellingError`` (`invalidTemplate`) for an unknown placeholder, a stray brace,
    ///   or a template without both `{archive}` and `{member}` (the link must say both).
    public init(_ text: String) throws(SpellingError) {
        template = try SpellingTemplate(text, placeholders: ArchiveMemberTemplate.placeholders)
        for name in ArchiveMemberTemplate.placeholders where !template.usedPlaceholders.contains(name) {
            throw SpellingError(.invalidTemplate, "the archive member template '\(text)' has no '{\(name)}'; it must name both the archive and the member")
        }
    }
}
