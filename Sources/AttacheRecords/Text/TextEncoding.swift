/// The encoding a file was read in, kept to write edited text back in it: the same choice as
/// ``TextDecoding`` (a byte-order mark, the declared encoding, an HTML `<meta charset>`, else
/// UTF-8), the byte-order mark the file starts with, and an encoder that never substitutes a
/// character.
///
/// ``decode(_:declared:sniffHTML:)`` checks once per file that the decoded text encodes back
/// to exactly the file's bytes; a file that does not (an encoding with several spellings of one
/// character, a mark iconv drops) is refused, since a rewritten copy could not keep its other
/// bytes.
public struct TextEncoding: Sendable, Equatable {
    /// The encoding's name as chosen (`UTF-8`, `cp1251`, `UTF-16LE`…).
    public let name: String
    /// How it was chosen.
    public let basis: TextDecoding.Basis
    /// The byte-order mark the file starts with (empty without one); written back before the text.
    public let byteOrderMark: [UInt8]

    /// An encoding as described by the properties of the same names.
    public init(name: String, basis: TextDecoding.Basis, byteOrderMark: [UInt8] = []) {
        self.name = name; self.basis = basis; self.byteOrderMark = byteOrderMark
    }

    /// Whether the text is written as UTF-8 (no conversion).
    public var isUTF8: Bool { TextDecoding.isUTF8(name) }

    /// A file's text and the encoding to write it back in.
    public struct Decoded: Sendable {
        /// The text, exactly as ``TextDecoding/decode(_:declared:sniffHTML:)`` returns it.
        public var text: String
        /// The encoding it was read in.
        public var encoding: TextEncoding
    }

    /// Decodes a whole file and checks that its text encodes back to exactly its bytes.
    /// - Returns: the text and its encoding, or the decoding problem; `.notRoundTrip` when the
    ///   text does not give the same bytes again.
    public static func decode(_ bytes: [UInt8], declared: String?, sniffHTML: Bool = false)
        -> Result<Decoded, DecodingProblem> {
        let choice: TextDecoding.Choice
        switch bytes.withUnsafeBufferPointer({ TextDecoding.decodeChoosing($0, declared: declared, sniffHTML: sniffHTML) }) {
        case .success(let chosen): choice = chosen
        case .failure(let problem): return .failure(problem)
        }
        let encoding = TextEncoding(name: choice.encoding, basis: choice.basis,
                                    byteOrderMark: Array(bytes.prefix(choice.markLength)))
        let body = bytes[choice.markLength...]
        let again = encoding.encode(choice.text)
        if case .success(let encoded) = again, encoded.elementsEqual(body) {
            return .success(Decoded(text: choice.text, encoding: encoding))
        }
        var differs = 0
        if case .success(let encoded) = again {
            differs = zip(encoded, body).prefix(while: { $0.0 == $0.1 }).count
        }
        let offset = choice.markLength + differs
        let line = bytes.withUnsafeBufferPointer { SourceLineCounter.line(ofOffset: offset, in: $0) }
        return .failure(DecodingProblem(
            kind: .notRoundTrip, encoding: choice.encoding, basis: choice.basis, offset: offset, line: line,
            message: "the text does not round-trip through \(choice.encoding); attache cannot rewrite it byte-exact "
                + "(encoding it again gives other bytes from here on)"))
    }

    /// `text` in this encoding, without the byte-order mark.
    /// - Returns: the bytes, or the first character the encoding cannot hold.
    public func encode(_ text: String) -> Result<[UInt8], EncodingProblem> {
        if isUTF8 { return .success(Array(text.utf8)) }
        var text = text
        let result = text.withUTF8 { Iconv.encode($0, to: name) }
        switch result {
        case .success(let bytes):
            return .success(bytes)
        case .failure(.unknownEncoding):
            return .failure(EncodingProblem(encoding: name, character: nil, offset: 0,
                                            message: "'\(name)' is not an encoding this system can write"))
        case .failure(.invalid(let offset, _, _)):
            return .failure(EncodingProblem(encoding: name, text: text, offset: offset))
        }
    }

    /// `text` as a whole file: the byte-order mark, then the encoded text.
    public func encodeFile(_ text: String) -> Result<[UInt8], EncodingProblem> {
        encode(text).map { byteOrderMark + $0 }
    }
}

/// A character that cannot be written in a text's encoding (a Chinese name in a cp1251 file).
public struct EncodingProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The encoding.
    public var encoding: String
    /// The character that cannot be written, or nil when the encoding itself is unusable.
    public var character: Unicode.Scalar?
    /// Its UTF-8 offset in the text given.
    public var offset: Int
    /// A full sentence naming the character and the encoding.
    public var message: String

    /// A problem as described by the properties of the same names.
    public init(encoding: String, character: Unicode.Scalar?, offset: Int, message: String) {
        self.encoding = encoding; self.character = character; self.offset = offset; self.message = message
    }

    /// The problem for the character of `text` starting at UTF-8 `offset`.
    init(encoding: String, text: String, offset: Int) {
        let utf8 = text.utf8
        let index = utf8.index(utf8.startIndex, offsetBy: min(offset, utf8.count))
        let scalar = index < text.endIndex ? text.unicodeScalars[index] : nil
        let named = scalar.map { s in
            "'\(s)' (U+\(String(s.value, radix: 16, uppercase: true).leftPadded4))"
        } ?? "a character"
        self.init(encoding: encoding, character: scalar, offset: offset,
                  message: "\(named) cannot be written in \(encoding), the text's encoding")
    }

    public var description: String { message }
}

extension String {
    fileprivate var leftPadded4: String { count >= 4 ? self : String(repeating: "0", count: 4 - count) + self }
}
