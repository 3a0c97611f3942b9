import AttacheModel

/// Reads `manifest-sha256.txt` as ``ArchiveWriter`` writes it (see ``ArchiveMemberName/manifestSpelling(_:)``):
/// `<sha256>  <name>` per stored member, `<sha256>  <name>\tsame as <stored>` per duplicate.
enum ManifestParser {
    static func parse(_ bytes: [UInt8], archive: String) throws(ArchiveReaderError) -> ArchiveManifest {
        var manifest = ArchiveManifest()
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            let number = index + 1
            func bad(_ detail: String) -> ArchiveReaderError { .badManifest(archive: archive, line: number, detail: detail) }
            if line.isEmpty {
                if index == lines.count - 1 { break }  // the final newline
                throw bad("the line is empty")
            }
            guard let text = String(validating: line, as: UTF8.self) else { throw bad("the line is not UTF-8 text") }
            guard text.utf8.count > 66, let hash = ContentHash(hex: String(text.prefix(64))),
                  text.dropFirst(64).hasPrefix("  ") else {
                throw bad("expected '<sha256>  <name>', found '\(text)'")
            }
            let rest = String(text.dropFirst(66))
            let fields = rest.split(separator: "\t", omittingEmptySubsequences: false)
            guard let name = decode(String(fields[0])) else { throw bad("the name '\(fields[0])' is not spelled as the writer spells names") }
            if fields.count == 1 {
                guard manifest.stored[name] == nil, manifest.duplicates[name] == nil else { throw bad("\(name.display) is listed twice") }
                manifest.stored[name] = hash
            } else {
                guard fields.count == 2, fields[1].hasPrefix("same as "),
                      let stored = decode(String(fields[1].dropFirst("same as ".count))) else {
                    throw bad("expected '<sha256>  <name>\\tsame as <stored name>'")
                }
                guard manifest.stored[stored] != nil else { throw bad("\(name.display) is 'same as' \(stored.display), which is not listed before it") }
                guard manifest.stored[name] == nil, manifest.duplicates[name] == nil else { throw bad("\(name.display) is listed twice") }
                manifest.duplicates[name] = ArchiveManifest.Duplicate(sha256: hash, sameAs: stored)
            }
        }
        return manifest
    }

    /// The raw name a manifest spelling stands for: percent-decoding first, then the display
    /// escapes (`\xNN`, `\\`), which ``RawPath/escape(_:)`` writes only for names that are not
    /// UTF-8 — so they are undone only when that gives such a name spelled exactly this way.
    static func decode(_ spelled: String) -> RawPath? {
        var shown: [UInt8] = []
        var bytes = Array(spelled.utf8)[...]
        while let b = bytes.popFirst() {
            guard b == UInt8(ascii: "%") else { shown.append(b); continue }
            guard bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            shown.append(value)
            bytes = bytes.dropFirst(2)
        }
        var unescaped: [UInt8] = []
        var rest = shown[...]
        while let b = rest.popFirst() {
            guard b == UInt8(ascii: "\\"), let next = rest.first else { unescaped.append(b); continue }
            if next == UInt8(ascii: "\\") {
                unescaped.append(b)
                rest = rest.dropFirst()
            } else if next == UInt8(ascii: "x"), rest.count >= 3,
                      let value = UInt8(String(decoding: rest.dropFirst().prefix(2), as: UTF8.self), radix: 16) {
                unescaped.append(value)
                rest = rest.dropFirst(3)
            } else {
                unescaped.append(b)
            }
        }
        let candidate = RawPath(bytes: unescaped)
        if unescaped != shown, !candidate.isValidUTF8, Array(RawPath.escape(unescaped).utf8) == shown { return candidate }
        return RawPath(bytes: shown)
    }
}
