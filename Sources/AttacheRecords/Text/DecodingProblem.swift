/// Why a file's bytes could not be turned into text. Sources turn it into a ``SourceError``
/// (`.badOption` for an unknown encoding name, `.undecodable` otherwise).
public struct DecodingProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The encoding name is not one iconv knows.
        case unknownEncoding
        /// Some bytes are not text in the encoding used (or the input ends inside a character).
        case invalidBytes
        /// The text decodes, but encoding it again does not give the same bytes, so a rewritten
        /// copy could not keep the rest of the file byte for byte (see ``TextEncoding``).
        case notRoundTrip
    }

    /// What went wrong.
    public var kind: Kind
    /// The encoding that was tried, as named where it was chosen (`UTF-8`, `cp1251`, `UTF-16LE`…).
    public var encoding: String
    /// How that encoding was chosen.
    public var basis: TextDecoding.Basis
    /// The 0-based byte offset, in the whole input, of the first byte that does not decode.
    public var offset: Int?
    /// The 1-based line of that byte.
    public var line: Int?
    /// A full sentence: what is wrong and what to do about it.
    public var message: String

    /// A problem as described by the properties of the same names.
    public init(kind: Kind, encoding: String, basis: TextDecoding.Basis, offset: Int? = nil, line: Int? = nil,
                message: String) {
        self.kind = kind; self.encoding = encoding; self.basis = basis
        self.offset = offset; self.line = line; self.message = message
    }

    /// "byte 1234 (line 5)", or nil when the problem is not at one place.
    public var position: String? {
        guard let offset else { return nil }
        return "byte \(offset)" + (line.map { " (line \($0))" } ?? "")
    }

    /// "byte 1234 (line 5): message".
    public var description: String { (position.map { "\($0): " } ?? "") + message }
}

extension DecodingProblem {
    /// The problem as a source reports it: an unknown encoding is a fatal `.badOption`;
    /// undecodable bytes are `.undecodable`, fatal or not as the caller says.
    func sourceError(source: String, file: String, fatal: Bool) -> SourceError {
        switch kind {
        case .unknownEncoding:
            return SourceError(kind: .badOption, source: source, file: file, position: nil, message: message, fatal: true)
        case .invalidBytes, .notRoundTrip:
            return SourceError(kind: .undecodable, source: source, file: file, position: position, message: message,
                               fatal: fatal)
        }
    }
}
