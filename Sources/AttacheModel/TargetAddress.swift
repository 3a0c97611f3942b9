/// How the records will spell the new storage: the manifest's `target.address`, taken apart.
///
/// apply writes below `target.path` on this machine; the people and the new CRM reach the same
/// folder by another name — a SharePoint URL, a UNC share, a mapped drive, a POSIX mount. The
/// rewrite spells every new location below this base (see Documentation/Rewrite.md). A pure
/// value: the manifest builds it (AttacheConfig), the rewrite (AttacheRewrite) spells with it.
public struct TargetAddress: Sendable, Hashable, CustomStringConvertible {
    /// The four forms an address can take.
    public enum Kind: String, Sendable, CaseIterable {
        /// `https://tenant.sharepoint.com/sites/crm/Shared Documents/`, `file:///srv/crm/`.
        case url
        /// `\\NEWSRV\crm\` (also written `//NEWSRV/crm/`).
        case unc
        /// `Z:\crm\` (also `Z:/crm/`).
        case drive
        /// `/srv/crm/`.
        case posix
    }

    /// Where the base folder starts: the part before its folder names.
    public enum Base: Sendable, Hashable {
        /// A URL: its scheme (lower-cased) and authority (host and port, as written; empty for
        /// `file:///…`, `localhost` too).
        case url(scheme: String, authority: String)
        /// A UNC share: server and share name, as written.
        case unc(server: String, share: String)
        /// A drive letter, upper-cased.
        case drive(Character)
        /// The POSIX root `/`.
        case posix
    }

    /// The address exactly as the manifest wrote it.
    public let text: String
    public let base: Base
    /// The folder names below the base, in order, as text (a URL's `%XX` escapes decoded:
    /// `Shared%20Documents` and `Shared Documents` are the same folder).
    public let folders: [String]

    public var kind: Kind {
        switch base {
        case .url: return .url
        case .unc: return .unc
        case .drive: return .drive
        case .posix: return .posix
        }
    }

    public var description: String { text }

    /// Why a text is not an address; `reason` is a sentence fragment for a located message.
    public struct Invalid: Error, Sendable, Equatable {
        public let reason: String
    }

    /// The forms an address may take, for messages.
    public static let forms = #"a URL ('https://tenant.sharepoint.com/sites/crm/Shared Documents/'), a UNC share ('\\NEWSRV\crm\'), "#
        + #"a drive ('Z:\crm\') or an absolute POSIX folder ('/srv/crm/')"#

    /// Reads an address. Surrounding whitespace is ignored; a trailing separator is optional
    /// (the address always names a folder).
    /// - Throws: ``Invalid`` when the text is none of the four forms, or one of them broken
    ///   (a URL with a `?query`, a UNC path without a share, a `..` folder…).
    public init(_ written: String) throws(Invalid) {
        let text = TargetAddress.trimmed(written)
        guard !text.isEmpty else { throw Invalid(reason: "the address is empty; write \(TargetAddress.forms)") }
        if let bad = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw Invalid(reason: "the address holds a control character (U+\(String(bad.value, radix: 16, uppercase: true)))")
        }
        self.text = text
        let parsed: (Base, [String])
        if let schemeEnd = TargetAddress.schemeEnd(text) {
            parsed = try TargetAddress.url(text, schemeEnd: schemeEnd)
        } else if text.hasPrefix(#"\\"#) || text.hasPrefix("//") {
            parsed = try TargetAddress.unc(String(text.dropFirst(2)))
        } else if let drive = TargetAddress.driveLetter(text) {
            parsed = (.drive(drive), TargetAddress.split(String(text.dropFirst(3)), separators: [#"\"#, "/"]))
        } else if text.hasPrefix("/") {
            parsed = (.posix, TargetAddress.split(text, separators: ["/"]))
        } else {
            throw Invalid(reason: "'\(text)' is not an address attache can spell; write \(TargetAddress.forms)")
        }
        if let dots = parsed.1.first(where: { $0 == "." || $0 == ".." }) {
            throw Invalid(reason: "the address has a '\(dots)' folder; write the folder it means")
        }
        (base, folders) = parsed
    }

    private static func trimmed(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars
        while let f = scalars.first, f.properties.isWhitespace { scalars.removeFirst() }
        while let l = scalars.last, l.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    /// The index just past `://` when the text starts with an RFC 3986 scheme.
    private static func schemeEnd(_ text: String) -> String.Index? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon]
        guard scheme.count >= 2, let first = scheme.unicodeScalars.first, first.isASCIILetter,
              scheme.unicodeScalars.allSatisfy({ $0.isASCIILetter || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) }),
              text[colon...].hasPrefix("://") else { return nil }
        return text.index(colon, offsetBy: 3)
    }

    private static func url(_ text: String, schemeEnd: String.Index) throws(Invalid) -> (Base, [String]) {
        let scheme = String(text[..<text.index(schemeEnd, offsetBy: -3)]).lowercased()
        let rest = text[schemeEnd...]
        if rest.contains("?") || rest.contains("#") {
            throw Invalid(reason: "the URL '\(text)' has a '?' or '#' part; an address names a folder (write '%3F' or '%23' for those characters in a name)")
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<slash])
        if scheme == "file" && authority.lowercased() == "localhost" { authority = "" }
        if authority.isEmpty && scheme != "file" {
            throw Invalid(reason: "the URL '\(text)' names no host")
        }
        if authority.unicodeScalars.contains(where: { !$0.isASCII || $0 == " " || $0 == #"\"# }) {
            throw Invalid(reason: "the host '\(authority)' must be plain ASCII without spaces (write an international name in its xn-- form)")
        }
        let folders = split(String(rest[slash...]), separators: ["/"]).map(PercentDecoding.decodeIfValid)
        return (.url(scheme: scheme, authority: authority), folders)
    }

    private static func unc(_ rest: String) throws(Invalid) -> (Base, [String]) {
        if rest.hasPrefix("?") || rest.hasPrefix(".") {
            throw Invalid(reason: #"a '\\?\' or '\\.\' device path is not an address; write the share as '\\server\share\'"#)
        }
        let parts = split(rest, separators: [#"\"#, "/"])
        guard parts.count >= 2 else {
            throw Invalid(reason: #"a UNC address needs a server and a share, e.g. '\\NEWSRV\crm\'"#)
        }
        if parts[0].contains(" ") { throw Invalid(reason: "the server name '\(parts[0])' holds a space") }
        return (.unc(server: parts[0], share: parts[1]), Array(parts.dropFirst(2)))
    }

    private static func driveLetter(_ text: String) -> Character? {
        let s = Array(text.unicodeScalars.prefix(3))
        guard s.count == 3, s[0].isASCIILetter, s[1] == ":", s[2] == "\\" || s[2] == "/" else { return nil }
        return Character(String(s[0]).uppercased())
    }

    /// The non-empty pieces between separators.
    private static func split(_ text: String, separators: Set<Character>) -> [String] {
        text.split(whereSeparator: { separators.contains($0) }).map(String.init)
    }
}

private extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

/// Percent-decoding of URL path segments (RFC 3986), the inverse of the rewrite's encoding.
public enum PercentDecoding {
    /// The segment with every `%XX` decoded, when all escapes are well formed and the bytes
    /// are UTF-8; otherwise the segment as written (a folder literally named `100%`).
    public static func decodeIfValid(_ segment: String) -> String {
        decode(segment) ?? segment
    }

    /// The text with every `%XX` decoded as UTF-8; nil when a `%` starts no escape or the
    /// bytes are not UTF-8.
    public static func decode(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "%") {
                guard i + 2 < utf8.count, let hi = hexValue(utf8[i + 1]), let lo = hexValue(utf8[i + 2]) else { return nil }
                bytes.append(hi << 4 | lo)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
