import AttacheModel

// The storage policy as a value (Documentation/Policy.md). Loading/ builds it from YAML with
// located errors; Planner/ turns it, with the catalog's files, into one decision per file.

/// A span of time: "7 years", "18 months", "30 days", or an absolute date "2015-01-01".
public enum AgeSpec: Sendable, Equatable, Hashable {
    case years(Int), months(Int), days(Int)
    /// UTC midnight of that date.
    case date(Timestamp)

    /// The instant that is this age before `now` (or the date itself).
    public func cutoff(now: Timestamp) -> Timestamp {
        switch self {
        case .date(let t): return t
        case .days(let d): return Timestamp(nanoseconds: now.nanoseconds - Int64(d) * 86_400_000_000_000)
        case .months(let m): return Timestamp(nanoseconds: now.nanoseconds - Int64(m) * 2_629_746_000_000_000) // 30.436875 days
        case .years(let y): return Timestamp(nanoseconds: now.nanoseconds - Int64(y) * 31_556_952_000_000_000) // 365.2425 days
        }
    }
}

/// A condition on a file, combined with all / any / not.
public indirect enum Condition: Sendable, Equatable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    /// The file name (last component) matches one of the globs (case-insensitive).
    case name([String])
    /// The path relative to its root matches one of the globs (PathGlob rules).
    case path([String])
    /// Lower-cased extension without the dot is one of these.
    case fileExtension([String])
    case category([Category])
    /// MIME type matches one of these globs (`image/*`).
    case mime([String])
    /// Size within [min, max] (either may be absent).
    case size(min: ByteCount?, max: ByteCount?)
    /// Last modified before the cutoff ("older than 7 years" / "before 2015-01-01").
    case modifiedBefore(AgeSpec)
    case modifiedAfter(AgeSpec)
    /// At least one resolved reference from a live (not soft-deleted) record — or none.
    case referenced(Bool)
    /// Has resolved references, and every one comes from a soft-deleted record.
    case onlyDeletedReferences(Bool)
    /// The newest `modified` time of the records referencing it is older than the cutoff
    /// (files with no referencing record with a `modified` time do not match).
    case recordsNotEditedSince(AgeSpec)
    /// Shares its content with another present file.
    case duplicate(Bool)
    case extensionMismatch(Bool)
    /// The file's status (`ok`, `unreadable`, `special`) is one of these.
    case status([FileStatus])
    /// Has one of these problems (or any problem when empty).
    case problem([ProblemCode])
}

/// One rule: first match wins.
public struct Rule: Sendable, Equatable {
    public var name: String
    /// nil matches every file (a catch-all).
    public var when: Condition?
    public var action: DecisionAction
    /// Where the rule is in the policy file, for warnings.
    public var line: Int
    public init(name: String, when: Condition?, action: DecisionAction, line: Int = 0) {
        self.name = name; self.when = when; self.action = action; self.line = line
    }
}

/// The new storage's limits.
public struct TargetLimits: Sendable, Equatable {
    public var profile: String?
    public var quota: ByteCount?
    public var maxFileSize: ByteCount?
    /// In characters (UTF-16 code units, as SharePoint counts) of the path below the target root.
    public var maxPathLength: Int?
    public var maxNameLength: Int?
    public var forbiddenCharacters: [Character]
    /// Names (without extension, case-insensitive) that cannot be used: CON, PRN, AUX, NUL, COM1…
    public var reservedNames: [String]
    /// Name globs the target refuses (`~$*`, `*.lock`).
    public var forbiddenNamePatterns: [String]
    /// Whether `a.pdf` and `A.PDF` collide on the target.
    public var caseInsensitive: Bool

    public init(profile: String? = nil, quota: ByteCount? = nil, maxFileSize: ByteCount? = nil, maxPathLength: Int? = nil,
                maxNameLength: Int? = nil, forbiddenCharacters: [Character] = [], reservedNames: [String] = [],
                forbiddenNamePatterns: [String] = [], caseInsensitive: Bool = false) {
        self.profile = profile; self.quota = quota; self.maxFileSize = maxFileSize; self.maxPathLength = maxPathLength
        self.maxNameLength = maxNameLength; self.forbiddenCharacters = forbiddenCharacters; self.reservedNames = reservedNames
        self.forbiddenNamePatterns = forbiddenNamePatterns; self.caseInsensitive = caseInsensitive
    }

    /// SharePoint Online / OneDrive for Business.
    public static let sharePointOnline = TargetLimits(
        profile: "sharepoint-online", quota: nil, maxFileSize: ByteCount(Int64(250_000_000_000)), maxPathLength: 400, maxNameLength: 255,
        forbiddenCharacters: ["\"", "*", ":", "<", ">", "?", "/", "\\", "|"],
        reservedNames: ["CON", "PRN", "AUX", "NUL"] + (1...9).map { "COM\($0)" } + (1...9).map { "LPT\($0)" },
        forbiddenNamePatterns: ["~$*", "*.lock", ".lock", "_vti_*", "desktop.ini"], caseInsensitive: true)
}

/// What to do with the copies of the same content.
public struct DuplicatePolicy: Sendable, Equatable {
    public enum Preference: String, Sendable, Equatable, CaseIterable {
        case mostReferenced = "most-referenced", oldest, newest, shortestPath = "shortest-path"
    }
    /// When true, one copy is kept (by `keep` preferences, then path order) and the others get
    /// action `drop` with rule "duplicates", pointing at the kept copy — their references are
    /// re-pointed at it by the rewrite stage.
    public var keepOne: Bool
    public var preference: [Preference]
    public init(keepOne: Bool = false, preference: [Preference] = [.mostReferenced, .oldest, .shortestPath]) {
        self.keepOne = keepOne; self.preference = preference
    }
}

public struct ArchiveSettings: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable, CaseIterable { case tarZst = "tar.zst", tarGz = "tar.gz", zip }
    public var format: Format
    /// Largest archive before a new volume starts (nil: one archive per group).
    public var volumeSize: ByteCount?
    /// Which archive a file goes to: a template over the layout placeholders, e.g. `{root}/{year}`.
    public var grouping: String
    /// The archive's path below the target root; `{group}` and `{volume}` are available.
    public var naming: String
    public init(format: Format = .tarZst, volumeSize: ByteCount? = nil, grouping: String = "{root}/{year}",
                naming: String = "_archive/{group}-{volume}") {
        self.format = format; self.volumeSize = volumeSize; self.grouping = grouping; self.naming = naming
    }
}

/// When kept bytes exceed the quota: which files move to archive (or drop) first.
public struct OverflowSettings: Sendable, Equatable {
    public enum Key: String, Sendable, Equatable, CaseIterable {
        case recordActivity = "record-activity"   // newest referencing record's modified time
        case modified, size, referenced, path
    }
    public struct Order: Sendable, Equatable {
        public var key: Key
        public var descending: Bool
        public init(key: Key, descending: Bool) { self.key = key; self.descending = descending }
    }
    /// The order files leave the kept set (first = first to go).
    public var order: [Order]
    public var action: DecisionAction
    /// Kept bytes may fill the quota up to this fraction …
    public var highWatermark: Double
    /// … and once over it, files leave until kept bytes are at or below this fraction.
    public var lowWatermark: Double
    public init(order: [Order] = [Order(key: .recordActivity, descending: false), Order(key: .size, descending: true)],
                action: DecisionAction = .archive, highWatermark: Double = 0.9, lowWatermark: Double = 0.85) {
        self.order = order; self.action = action; self.highWatermark = highWatermark; self.lowWatermark = lowWatermark
    }
}

/// What to do with a file the target cannot hold as it is.
public struct LimitHandling: Sendable, Equatable {
    /// A file larger than `maxFileSize`: archive (split into volumes) or drop — a decision with
    /// rule "limits", never silence.
    public var tooLarge: DecisionAction
    /// A name the target refuses (characters, reserved, too long): renamed to a safe name
    /// (true), or flagged for review with its action unchanged (false).
    public var rename: Bool
    public init(tooLarge: DecisionAction = .archive, rename: Bool = true) { self.tooLarge = tooLarge; self.rename = rename }
}

/// A whole storage policy.
public struct Policy: Sendable, Equatable {
    public static let currentVersion = 1
    public var version: Int
    public var file: String?
    public var name: String?
    public var target: TargetLimits
    /// The new path of a kept file below the target root, from placeholders:
    /// {category} {year} {month} {root} {relpath} {dir} {name} {stem} {ext} {sha256:N} {source}.
    public var layout: String
    public var rules: [Rule]
    /// The action for files no rule matches.
    public var defaultAction: DecisionAction
    public var duplicates: DuplicatePolicy
    public var archive: ArchiveSettings
    public var overflow: OverflowSettings
    public var limits: LimitHandling
    /// How the rewrite spells references to archived and dropped files (`rewrite:`; the
    /// defaults when the section is absent).
    public var rewrite: RewriteSettings
    /// The record columns `layout` and archive `grouping` name (`{record.COLUMN}`), where the
    /// policy file names them first; the catalog's sources must keep them (`fields:`).
    public var recordFields: [RecordFieldUse] = []

    public init(version: Int = currentVersion, file: String? = nil, name: String? = nil, target: TargetLimits = TargetLimits(),
                layout: String = "{root}/{relpath}", rules: [Rule] = [], defaultAction: DecisionAction = .keep,
                duplicates: DuplicatePolicy = DuplicatePolicy(), archive: ArchiveSettings = ArchiveSettings(),
                overflow: OverflowSettings = OverflowSettings(), limits: LimitHandling = LimitHandling(),
                rewrite: RewriteSettings = RewriteSettings()) {
        self.version = version; self.file = file; self.name = name; self.target = target; self.layout = layout
        self.rules = rules; self.defaultAction = defaultAction; self.duplicates = duplicates; self.archive = archive
        self.overflow = overflow; self.limits = limits; self.rewrite = rewrite
    }

    /// The placeholders a layout (and archive grouping) may use.
    public static let placeholders = ["category", "year", "month", "root", "relpath", "dir", "name", "stem", "ext", "sha256", "source"]
}

/// A `{record.COLUMN}` placeholder of a policy, with where it is written.
public struct RecordFieldUse: Sendable, Equatable {
    /// The record column (`account` in `{record.account}`).
    public var field: String
    /// "layout" or "archive grouping".
    public var key: String
    /// Where the template is in the policy file (1-based; 0 when built in code).
    public var line: Int
    public var column: Int
    public init(field: String, key: String, line: Int = 0, column: Int = 0) {
        self.field = field; self.key = key; self.line = line; self.column = column
    }
}

