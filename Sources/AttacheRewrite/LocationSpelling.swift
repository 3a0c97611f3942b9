import AttacheConfig
import AttacheModel

/// Spells a new location the way a record must write it: below the manifest's
/// `target.address`, in the reference's context (link attribute, HTML text, plain text or a
/// column), in the form the record used. The rules, with examples: Documentation/Rewrite.md.
///
/// ```swift
/// let spelling = LocationSpelling(address: try TargetAddress(#"\\NEWSRV\crm\"#))
/// spelling.spell(.file(path: "pdf/2019/Smith & Sons.pdf"), in: .plain, original: .drive)
/// // .success(.replace(#"\\NEWSRV\crm\pdf\2019\Smith & Sons.pdf"#))
/// ```
public struct LocationSpelling: Sendable, Hashable {
    /// How the records will spell the target root.
    public var address: TargetAddress
    /// How an archive member's location is spelled.
    public var archiveMember: ArchiveMemberTemplate
    /// What a reference to a dropped file becomes.
    public var dropped: DroppedFilePolicy

    public init(address: TargetAddress, archiveMember: ArchiveMemberTemplate = .standard,
                dropped: DroppedFilePolicy = .flag) {
        self.address = address
        self.archiveMember = archiveMember
        self.dropped = dropped
    }

    /// The form a location is written in.
    public enum Form: String, Sendable, Hashable {
        /// The address is a URL: always a percent-encoded URL.
        case url
        /// A share or POSIX folder written as a `file:` URL (percent-encoded).
        case fileURL
        /// A share or POSIX folder written as a path: backslashes for UNC and drives, slashes
        /// for POSIX, no percent-encoding.
        case path
    }

    /// The form a reference is spelled in: a URL address is always a URL; otherwise the form
    /// the record used (a `file:` URL stays one, a bare path stays a bare path — also inside
    /// an `href`), and when the record's style is unknown, a `file:` URL in a link attribute
    /// (a browser reads a bare path there as a web-relative link) and a bare path elsewhere.
    public func form(in context: SpellingContext, original: PathStyle?) -> Form {
        if address.kind == .url { return .url }
        switch original {
        case .fileURL?: return .fileURL
        case .unc?, .drive?, .posix?, .relative?: return .path
        case nil: return context == .linkAttribute ? .fileURL : .path
        }
    }

    /// The exact text that replaces a reference.
    /// - Parameters:
    ///   - location: where the file is now (from the mapping; a duplicate's references
    ///     pass the kept copy's location).
    ///   - context: the kind of text the reference sits in.
    ///   - original: how the record wrote the old path (``PathStyle``), nil when unknown.
    /// - Returns: the replacement, ``SpellingOutcome/keep`` or ``SpellingOutcome/flag`` for a
    ///   dropped file per ``dropped``, or why the location cannot be spelled here.
    public func spell(_ location: NewLocation, in context: SpellingContext,
                      original: PathStyle? = nil) -> Result<SpellingOutcome, SpellingError> {
        let form = self.form(in: context, original: original)
        let unescaped: String
        do {
            switch location {
            case .file(let path):
                unescaped = try spellFile(path, form: form)
            case .archiveMember(let archivePath, let member):
                let archive = try spellFile(archivePath, form: form)
                let memberText = try spellMember(member, form: form)
                unescaped = archiveMember.template.expand(["archive": archive, "member": memberText])
            case .dropped(let file):
                switch dropped {
                case .keep: return .success(.keep)
                case .flag: return .success(.flag)
                case .tombstone(let tombstone): unescaped = spellTombstone(tombstone, for: file, in: context)
                }
            }
        } catch {
            return .failure(error)
        }
        return .success(.replace(Self.escape(unescaped, for: context)))
    }

    static func escape(_ text: String, for context: SpellingContext) -> String {
        switch context {
        case .plain: return text
        case .htmlText: return Escaping.htmlText(text)
        case .linkAttribute: return Escaping.htmlAttribute(text)
        }
    }

    /// A file below the target root, in `form`, before any HTML escaping.
    func spellFile(_ path: String, form: Form) throws(SpellingError) -> String {
        let names = try Self.names(of: path)
        if address.kind == .unc || address.kind == .drive {
            for name in names { try Self.checkWindowsName(name, path: path) }
        }
        switch form {
        case .url, .fileURL:
            return urlPrefix(form) + names.map(Escaping.percentEncodeName).joined(separator: "/")
        case .path:
            for name in names { try Self.checkNoControl(name, in: path) }
            let separator = address.kind == .posix ? "/" : #"\"#
            return pathPrefix(separator) + names.joined(separator: separator)
        }
    }

    /// An archive member's name: each `/`-separated segment percent-encoded in URL forms,
    /// as written in a bare path.
    func spellMember(_ member: String, form: Form) throws(SpellingError) -> String {
        let segments = member.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !segments.isEmpty else {
            throw SpellingError(.emptyLocation, "the archive member has no name")
        }
        switch form {
        case .url, .fileURL:
            return segments.map(Escaping.percentEncodeName).joined(separator: "/")
        case .path:
            try Self.checkNoControl(member, in: member)
            return member
        }
    }

    /// The address up to and including the separator before the location's first name.
    private func urlPrefix(_ form: Form) -> String {
        let folders = address.folders.map(Escaping.percentEncodeAddressFolder)
        let head: String
        switch address.base {
        case .url(let scheme, let authority): head = "\(scheme)://\(authority)"
        case .unc(let server, let share): head = "file://\(server)/" + Escaping.percentEncodeAddressFolder(share)
        case .drive(let letter): head = "file:///\(letter):"
        case .posix: head = "file://"
        }
        return head + folders.map { "/" + $0 }.joined() + "/"
    }

    private func pathPrefix(_ separator: String) -> String {
        let head: String
        switch address.base {
        case .unc(let server, let share): head = #"\\"# + server + #"\"# + share
        case .drive(let letter): head = "\(letter):"
        case .posix, .url: head = ""
        }
        return head + address.folders.map { separator + $0 }.joined() + separator
    }

    private func spellTombstone(_ tombstone: Tombstone, for file: DroppedFile, in context: SpellingContext) -> String {
        let values = ["name": file.name, "old": file.oldText, "rule": file.rule]
        guard context == .linkAttribute else { return tombstone.text.expand(values) }
        return tombstone.link.expand(values.mapValues(Escaping.percentEncodeName))
    }

    /// The names of a `/`-separated path below the target root (empty components dropped).
    static func names(of path: String) throws(SpellingError) -> [String] {
        let names = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !names.isEmpty else {
            throw SpellingError(.emptyLocation, "the new location '\(path)' has no name")
        }
        if let dots = names.first(where: { $0 == "." || $0 == ".." }) {
            throw SpellingError(.notContained, "the new location '\(path)' has a '\(dots)' component; it would leave the target")
        }
        return names
    }

    /// A name on a Windows share: none of `\ : * ? " < > |`, no trailing dot or space
    /// (Windows drops them, so the link would open another file).
    static func checkWindowsName(_ name: String, path: String) throws(SpellingError) {
        // On the UTF-8 bytes: every forbidden character is ASCII (a hot path: once a name a reference).
        if let bad = name.utf8.first(where: { windowsForbidden[Int($0)] }) {
            throw SpellingError(.windowsName, "'\(name)' in '\(path)' holds '\(Character(Unicode.Scalar(bad)))', which a Windows share cannot hold in a name")
        }
        if let last = name.utf8.last, last == UInt8(ascii: ".") || last == UInt8(ascii: " ") {
            let what = last == UInt8(ascii: ".") ? "a dot" : "a space"
            throw SpellingError(.windowsName, "'\(name)' in '\(path)' ends with \(what), which Windows drops: the link would open another file")
        }
    }

    /// The bytes `\ : * ? " < > |`, as a table.
    static let windowsForbidden: [Bool] = (0..<256).map { Array(#"\:*?"<>|"#.utf8).contains(UInt8($0)) }

    /// A name written without percent-encoding must not hold a line break, tab or other
    /// control character (the text would break, and the path grammar would not find it again).
    static func checkNoControl(_ name: String, in path: String) throws(SpellingError) {
        // C0 and DEL are single bytes; C1 (U+0080…U+009F) is 0xC2 0x80…0x9F in UTF-8.
        let bytes = name.utf8
        var previous: UInt8 = 0
        if bytes.contains(where: { b in
            defer { previous = b }
            return b < 0x20 || b == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(b))
        }) {
            throw SpellingError(.controlCharacter, "'\(path)' holds a control character, which cannot be written as a plain path")
        }
    }
}

extension LocationSpelling {
    /// The spelling a manifest configures, or nil when it gives no `target.address` (then
    /// nothing can be rewritten: the rewrite must say so rather than guess a spelling).
    public init?(manifest: Manifest, archiveMember: ArchiveMemberTemplate = .standard, dropped: DroppedFilePolicy = .flag) {
        guard let address = manifest.targetAddress else { return nil }
        self.init(address: address, archiveMember: archiveMember, dropped: dropped)
    }
}
