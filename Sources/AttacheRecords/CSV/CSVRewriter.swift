import AttacheModel
import AttacheSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which records a ``CSVRewriter`` hands to its edit (by address).
public final class CSVRecordFilter: @unchecked Sendable {
    let wants: (CSVRecordAddress) -> Bool
    /// `wants` is called on the rewriting thread, once per well-formed record, in order.
    public init(_ wants: @escaping (CSVRecordAddress) -> Bool) { self.wants = wants }
}

/// Writes a copy of a CSV source's file in which the fields the caller replaces change and
/// every other byte stays as it was: the header, the quoting of other fields, line ends (CRLF,
/// LF, CR, mixed), empty lines, a byte-order mark, the encoding, malformed records.
///
/// - Records are read as ``CSVRecordSource`` reads them (the same encoding choice, numbering,
///   positions and field values — see ``CSVTokenizer``), so spans recorded by `refs` apply to
///   the values `edit` is given.
/// - A replaced field keeps its quoting: a quoted field stays quoted (`"` doubled); an
///   unquoted one gets quotes when the new value holds the delimiter, a quote, CR or LF.
/// - A record with another field count than the header, and the last record when the file
///   ends inside a quoted field, are copied unchanged and reported; `edit` is not called.
/// - A record whose new values cannot be written (a character the encoding cannot hold) is
///   copied unchanged and reported — never half-written.
/// - UTF-8 files are streamed in chunks (one pass to check they are UTF-8, one to copy);
///   files in other encodings are decoded whole, checked to encode back to the same bytes
///   (see ``TextEncoding``), and written whole.
public struct CSVRewriter: Sendable {
    /// The source's name in the manifest.
    public let name: String
    /// The CSV file read.
    public let file: String
    /// The header's column names.
    public let columns: [String]
    private let declared: String?
    private let delimiter: UInt8
    /// Bytes read at a time (and output handed to the sink at a time); a test seam.
    var chunkSize = 1 << 16
    /// Which well-formed records `edit` is asked about (all when nil): the others are copied
    /// without decoding their fields — a rewrite knows which records hold references.
    public var filter: CSVRecordFilter?

    /// A rewriter reading `source`'s file with its options (delimiter, encoding).
    public init(source: CSVRecordSource) {
        name = source.name; file = source.file; columns = source.columns
        declared = source.declared; delimiter = source.delimiter
    }

    /// Reads the file and hands the copy's bytes to `sink`, in order.
    /// - Parameters:
    ///   - sink: receives the copy, piece by piece.
    ///   - problem: called for each record copied unchanged because it is malformed or its
    ///     edit cannot be written.
    ///   - edit: given each well-formed record's address and decoded fields, returns the new
    ///     values by column index (empty: keep the record).
    /// - Throws: a fatal ``SourceError`` (the file is missing, unreadable, not in its
    ///   encoding, does not round-trip through it, or its header changed), or what `sink` throws.
    public func rewrite(into sink: ([UInt8]) throws -> Void, problem: (CSVRewriteProblem) -> Void,
                        edit: (CSVRecordAddress, [String]) -> [Int: String]) throws -> CSVRewriteSummary {
        // The run keeps the closures for the length of this call only.
        try withoutActuallyEscaping(sink, do: { sink in
            try withoutActuallyEscaping(problem, do: { problem in
                try withoutActuallyEscaping(edit, do: { edit in try rewrite(sink, problem, edit) })
            })
        })
    }

    private func rewrite(_ sink: @escaping ([UInt8]) throws -> Void, _ problem: @escaping (CSVRewriteProblem) -> Void,
                         _ edit: @escaping CSVRewriteRun.Edit) throws -> CSVRewriteSummary {
        let fd = try open()
        defer { close(fd) }
        let head = (try? RawFile.readPrefix(fd, count: 4).get()) ?? []
        _ = lseek(fd, 0, SEEK_SET)
        let mark = TextDecoding.byteOrderMark(in: head)
        if mark.map({ $0.encoding != "UTF-8" }) ?? (declared.map { !TextDecoding.isUTF8($0) } ?? false) {
            return try rewriteDecoded(fd, into: sink, problem: problem, edit: edit)
        }
        return try rewriteStreamed(fd, markLength: mark?.length ?? 0, basis: mark != nil ? .byteOrderMark
                                       : declared != nil ? .declared : .assumedUTF8,
                                   into: sink, problem: problem, edit: edit)
    }

    /// Writes the copy to `path` atomically (a temporary file renamed over it when complete).
    /// - Throws: a fatal ``SourceError``, or an `AtomicFileError` (nothing is left at `path` then).
    public func rewrite(toFile path: String, problem: (CSVRewriteProblem) -> Void,
                        edit: (CSVRecordAddress, [String]) -> [Int: String]) throws -> CSVRewriteSummary {
        try rewrite(to: try AtomicWriter(path: RawPath(path)), problem: problem, edit: edit)
    }

    /// Writes the copy through `writer` and commits it (or discards it on any error).
    public func rewrite(to writer: AtomicWriter, problem: (CSVRewriteProblem) -> Void,
                        edit: (CSVRecordAddress, [String]) -> [Int: String]) throws -> CSVRewriteSummary {
        do {
            let summary = try rewrite(into: { try writer.write($0) }, problem: problem, edit: edit)
            try writer.commit()
            return summary
        } catch {
            writer.discard()
            throw error
        }
    }

    /// A UTF-8 file: checked, then copied chunk by chunk.
    private func rewriteStreamed(_ fd: Int32, markLength: Int, basis: TextDecoding.Basis,
                                 into sink: @escaping ([UInt8]) throws -> Void,
                                 problem: @escaping (CSVRewriteProblem) -> Void,
                                 edit: @escaping CSVRewriteRun.Edit) throws -> CSVRewriteSummary {
        let prescan: CSVPrescan
        switch CSVPrescan.scanFile(fd, skip: markLength, delimiter: delimiter) {
        case .success(let result): prescan = result
        case .failure(.invalidUTF8(let offset, let line)):
            throw TextDecoding.invalid(encoding: "UTF-8", basis: basis, offset: offset, line: line, truncated: false)
                .sourceError(source: name, file: file, fatal: true)
        case .failure(.read(let e)): throw fail(.unreadable, "cannot read the file: \(e)")
        }
        _ = lseek(fd, 0, SEEK_SET)
        let run = CSVRewriteRun(rewriter: self, encoding: TextEncoding(name: "UTF-8", basis: basis),
                                unclosedQuoteLine: prescan.unclosedQuoteLine, flushAt: chunkSize,
                                sink: sink, problem: problem, edit: edit)
        var tokenizer = CSVTokenizer(delimiter: delimiter)
        var markLeft = markLength
        let readError = try RawFile.forEachChunk(fd, size: chunkSize) { chunk in
            var bytes = chunk[...]
            if markLeft > 0 {
                let mark = bytes.prefix(markLeft)
                try run.write(Array(mark))
                markLeft -= mark.count
                bytes = bytes.dropFirst(mark.count)
            }
            try tokenizer.feed(bytes) { try run.handle($0) }
            run.measure(chunk: chunk.count, row: tokenizer.bufferedBytes)
            return true
        }
        if let readError { throw fail(.unreadable, "reading stopped: \(readError) (did the file change while it was read?)") }
        _ = try tokenizer.finish { try run.handle($0) }
        return try run.finish()
    }

    /// A file in another encoding: decoded whole, rewritten, encoded whole.
    private func rewriteDecoded(_ fd: Int32, into sink: ([UInt8]) throws -> Void,
                                problem: @escaping (CSVRewriteProblem) -> Void,
                                edit: @escaping CSVRewriteRun.Edit) throws -> CSVRewriteSummary {
        let bytes: [UInt8]
        switch RawFile.readAll(fd) {
        case .success(let read): bytes = read
        case .failure(let e): throw fail(.unreadable, "cannot read the file: \(e)")
        }
        let decoded: TextEncoding.Decoded
        switch TextEncoding.decode(bytes, declared: declared) {
        case .success(let result): decoded = result
        case .failure(let problem): throw problem.sourceError(source: name, file: file, fatal: true)
        }
        let text = decoded.text
        let run = CSVRewriteRun(rewriter: self, encoding: decoded.encoding,
                                unclosedQuoteLine: CSVPrescan.scanText(text, delimiter: delimiter).unclosedQuoteLine,
                                flushAt: .max, sink: { _ in }, problem: problem, edit: edit)
        var tokenizer = CSVTokenizer(delimiter: delimiter)
        try tokenizer.feed(text.utf8) { try run.handle($0) }
        _ = try tokenizer.finish { try run.handle($0) }
        var summary = try run.finish(flush: false)
        let output = run.output
        // Every changed record was checked to encode on its own; the rest is the original text,
        // which encodes back to the original bytes.
        switch decoded.encoding.encodeFile(String(decoding: output, as: UTF8.self)) {
        case .success(let encoded):
            try sink(encoded)
            summary.bytesWritten = encoded.count
            summary.peakBufferedBytes = bytes.count + output.count + encoded.count
            return summary
        case .failure(let problem):
            throw fail(.undecodable, "the copy cannot be written in \(decoded.encoding.name): \(problem.message)")
        }
    }

    private func open() throws(SourceError) -> Int32 {
        switch RawFile.openRegular(RawPath(file), followLinks: true) {
        case .success(let fd): return fd
        case .failure(let e) where e.code == ENOENT || e.code == ENOTDIR: throw fail(.notFound, "no CSV file at this path")
        case .failure(let e) where e.code == EISDIR: throw fail(.unreadable, "this is a folder, not a CSV file")
        case .failure(let e): throw fail(.unreadable, "cannot read the CSV file: \(e)")
        }
    }

    func fail(_ kind: SourceError.Kind, _ message: String, position: String? = nil) -> SourceError {
        SourceError(kind: kind, source: name, file: file, position: position, message: message, fatal: true)
    }

    var delimiterByte: UInt8 { delimiter }
}
