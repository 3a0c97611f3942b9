import AttacheModel

// The words of the spelling API: where a reference now leads, the context its text sits
// in, what to do for a dropped file, and what came out.

/// Where the file a reference names is now, as the rewrite needs it from the mapping.
public enum NewLocation: Sendable, Hashable {
    /// A file below the target root, `/`-separated: `pdf/2019/Contract Miller.pdf`.
    case file(path: String)
    /// A member of an archive: the archive's path below the target root and the member's
    /// name inside it (`/`-separated).
    case archiveMember(archivePath: String, member: String)
    /// The policy dropped the file: nothing in the target to point at.
    case dropped(DroppedFile)
}

/// What a tombstone text can say about a dropped file.
public struct DroppedFile: Sendable, Hashable {
    /// The file's name (last component), as scanned: `Contract Miller.pdf`.
    public var name: String
    /// The reference's text as the record wrote it: `K:\scans\Contract Miller.pdf`.
    public var oldText: String
    /// The rule that dropped it (`override` for a reviewed drop).
    public var rule: String

    public init(name: String, oldText: String, rule: String) {
        self.name = name
        self.oldText = oldText
        self.rule = rule
    }
}

/// The kind of text a reference sits in, which decides the escaping.
public enum SpellingContext: String, Sendable, Hashable, CaseIterable {
    /// The value of an HTML `href`, `src` or `background` attribute (quoted): URL forms are
    /// percent-encoded, and everything is HTML-escaped (`&` → `&amp;`, `"` → `&quot;`,
    /// `'` → `&#39;`, `<`, `>`).
    case linkAttribute
    /// HTML text between tags (or another attribute's value): HTML-escaped (`&`, `<`, `>`).
    case htmlText
    /// Plain text or a column: written as is.
    case plain
}

/// What to do with a reference to a file the policy dropped — never a silent dead link.
public enum DroppedFilePolicy: Sendable, Hashable {
    /// Leave the old text; the report counts it as kept.
    case keep
    /// Leave the old text and flag the record for people to fix.
    case flag
    /// Replace the old text with a tombstone.
    case tombstone(Tombstone)
}

/// The text that replaces a reference to a dropped file. Placeholders: `{name}`, `{old}`,
/// `{rule}`; `{{` and `}}` are literal braces.
public struct Tombstone: Sendable, Hashable {
    /// The placeholders a tombstone may use.
    public static let placeholders = ["name", "old", "rule"]
    /// The default text: names the file without a path, so a later `refs` does not read it
    /// as a reference again.
    public static let standardText = "[file removed in the migration: {name}]"
    /// The default link: a same-page anchor, which is never a reference and never a 404.
    public static let standardLink = "#attachment-removed"

    /// Spelled in plain text, columns and HTML text (escaped there).
    public var text: SpellingTemplate
    /// Spelled inside a link attribute: placeholder values percent-encoded, then HTML-escaped.
    public var link: SpellingTemplate

    public init(text: SpellingTemplate, link: SpellingTemplate) {
        self.text = text
        self.link = link
    }

    /// A tombstone from template texts.
    /// - Throws: ``SpellingError`` (`invalidTemplate`) for an unknown placeholder or a stray brace.
    public init(text: String = Tombstone.standardText, link: String = Tombstone.standardLink) throws(SpellingError) {
        self.text = try SpellingTemplate(text, placeholders: Tombstone.placeholders)
        self.link = try SpellingTemplate(link, placeholders: Tombstone.placeholders)
    }
}

/// The spelling of one reference.
public enum SpellingOutcome: Sendable, Hashable {
    /// Replace the reference's span with exactly this text.
    case replace(String)
    /// Leave the span as it is (a dropped file, policy ``DroppedFilePolicy/keep``).
    case keep
    /// Leave the span as it is and flag the record (policy ``DroppedFilePolicy/flag``).
    case flag
}

/// Why a location cannot be spelled in a context (a value the caller reports for that
/// record; nothing is written).
public struct SpellingError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The location has no name at all.
        case emptyLocation
        /// A `.` or `..` component: the location would climb out of the target.
        case notContained
        /// A name a Windows share cannot hold or would open as another file (`:`, `*`,
        /// `\`, trailing dot or space…).
        case windowsName
        /// A control character (line break, tab…) in a name written without percent-encoding.
        case controlCharacter
        /// A template with an unknown placeholder or a stray brace.
        case invalidTemplate
    }

    public let kind: Kind
    /// A sentence for people: what cannot be spelled and why.
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
