/// A rewritten copy of a text or HTML file in its own encoding: decode it as
/// ``TextFilesSource`` does, let the caller edit the text, encode the result back (with the
/// byte-order mark the file had).
///
/// The file must encode back to exactly its bytes (checked once, see ``TextEncoding``), so
/// whatever the edit does not touch stays byte for byte; new text the encoding cannot hold (a
/// Chinese name in a cp1251 file) is refused, naming the character — nothing half-written.
public enum TextFileRewrite {
    /// The copy.
    public struct Output: Sendable {
        /// The new file's bytes (the original bytes when nothing changed).
        public var bytes: [UInt8]
        /// The encoding it is written in.
        public var encoding: TextEncoding
        /// Whether the edit changed the text.
        public var changed: Bool
    }

    /// Why a file cannot be rewritten.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// It does not decode, or does not encode back to the same bytes (`.notRoundTrip`).
        case undecodable(DecodingProblem)
        /// The edited text holds a character the file's encoding cannot hold.
        case unencodable(EncodingProblem)

        public var description: String {
            switch self {
            case .undecodable(let problem): return problem.description
            case .unencodable(let problem): return problem.message + "; the file is left unchanged"
            }
        }
    }

    /// Rewrites a file of a `text_files` source: `path` (relative to the folder) decides, as
    /// for the reader, whether a `<meta charset>` counts.
    /// - Parameter edit: given the text exactly as the source's `text` field, returns the new
    ///   text, or nil to keep the file.
    public static func rewrite(bytes: [UInt8], path: String, declared: String?, edit: (String) -> String?)
        -> Result<Output, Failure> {
        rewrite(bytes: bytes, declared: declared, sniffHTML: TextFilesSource.looksLikeHTML(path, bytes), edit: edit)
    }

    /// Rewrites text `bytes` decoded as ``TextDecoding/decode(_:declared:sniffHTML:)`` decodes them.
    public static func rewrite(bytes: [UInt8], declared: String?, sniffHTML: Bool, edit: (String) -> String?)
        -> Result<Output, Failure> {
        let decoded: TextEncoding.Decoded
        switch TextEncoding.decode(bytes, declared: declared, sniffHTML: sniffHTML) {
        case .success(let result): decoded = result
        case .failure(let problem): return .failure(.undecodable(problem))
        }
        guard let text = edit(decoded.text), !text.utf8.elementsEqual(decoded.text.utf8) else {
            return .success(Output(bytes: bytes, encoding: decoded.encoding, changed: false))
        }
        switch decoded.encoding.encodeFile(text) {
        case .success(let encoded): return .success(Output(bytes: encoded, encoding: decoded.encoding, changed: true))
        case .failure(let problem): return .failure(.unencodable(problem))
        }
    }
}
