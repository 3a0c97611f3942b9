import AttacheModel

/// How the path grammar (Grammar/) hands back what it read: one path's spelling taken apart,
/// and a path found inside a text with its exact span. The references stage resolves
/// spellings to catalogued files; the rewrite stage replaces exactly those spans.

/// A path as a record spells it, taken apart. Components are decoded text (HTML entities and
/// percent-escapes already decoded); `.` components are dropped; `..` is kept as a component
/// (the resolver refuses to climb above a root).
public struct PathSpelling: Sendable, Hashable {
    public var style: PathStyle
    /// UNC server (or the host of a `file://host/share/…` URL), as written.
    public var host: String?
    /// UNC share name (or the first component after the host of a `file://host/…` URL).
    public var share: String?
    /// Drive letter, upper-cased (`K`), for `drive` and `file:///K:/…`.
    public var drive: Character?
    /// The components after host/share/drive (or after `/` for POSIX), in order.
    public var components: [String]
    /// Whether the spelling used backslashes (Windows rules: names match case-insensitively
    /// on the server side of an alias) — informational.
    public var usedBackslashes: Bool

    public init(style: PathStyle, host: String? = nil, share: String? = nil, drive: Character? = nil,
                components: [String], usedBackslashes: Bool = false) {
        self.style = style; self.host = host; self.share = share; self.drive = drive
        self.components = components; self.usedBackslashes = usedBackslashes
    }
}

/// A path found inside a piece of text.
public struct FoundPath: Sendable, Hashable {
    /// Byte offsets (UTF-8) of the path's exact text within the searched text, so a later
    /// stage can rewrite exactly those bytes.
    public var start: Int
    public var end: Int
    /// The exact text of the span (HTML entities and %-escapes not decoded).
    public var raw: String
    public var spelling: PathSpelling
    /// Found inside an HTML `href`/`src` attribute.
    public var inAttribute: Bool
    /// For a bare relative path in prose (``PathGrammar/extract(from:posixPrefixes:relative:)``
    /// with `relative`): the UTF-8 offsets of earlier words on the same line where the path
    /// could start instead (names hold spaces: `see Договоры/АО Вектор/акт 3.pdf`), nearest
    /// first; empty otherwise. ``PathGrammar/relativePath(in:from:to:)`` reads the path from one.
    public var longerStarts: [Int]

    public init(start: Int, end: Int, raw: String, spelling: PathSpelling, inAttribute: Bool, longerStarts: [Int] = []) {
        self.start = start; self.end = end; self.raw = raw; self.spelling = spelling; self.inAttribute = inAttribute
        self.longerStarts = longerStarts
    }
}
