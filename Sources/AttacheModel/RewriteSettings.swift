/// What the rewrite does with a reference to a file the policy dropped — never a silent
/// dead link.
public enum DroppedMode: String, Sendable, Hashable, CaseIterable {
    /// Leave the old text; the report counts it.
    case keep
    /// Leave the old text and list the record for people to fix (the default).
    case flag
    /// Replace the old text with a tombstone text (or, inside a link, a tombstone link).
    case tombstone
}

/// The policy's `rewrite:` section: how the rewrite spells what is not a plain file in the
/// target. A nil template means the rewrite's own default (`{archive}#{member}`, and the
/// standard tombstone text and link of `Tombstone` in AttacheRewrite), so the policy stage
/// need not know those texts. Templates are checked when the policy is loaded.
public struct RewriteSettings: Sendable, Hashable {
    /// How a reference to an archived file is spelled, with `{archive}` and `{member}`.
    public var archiveLink: String?
    public var dropped: DroppedMode
    /// The text that replaces a reference to a dropped file (`dropped: tombstone`), with
    /// `{name}`, `{old}`, `{rule}`.
    public var tombstone: String?
    /// The same inside an `href` or `src`.
    public var tombstoneLink: String?

    public init(archiveLink: String? = nil, dropped: DroppedMode = .flag, tombstone: String? = nil, tombstoneLink: String? = nil) {
        self.archiveLink = archiveLink
        self.dropped = dropped
        self.tombstone = tombstone
        self.tombstoneLink = tombstoneLink
    }

    /// The placeholders of `archive_link`, both required.
    public static let archivePlaceholders = ["archive", "member"]
    /// The placeholders a tombstone text or link may use.
    public static let tombstonePlaceholders = ["name", "old", "rule"]
}
