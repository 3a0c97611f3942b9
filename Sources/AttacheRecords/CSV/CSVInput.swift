import AttacheModel
import AttacheSystem
import CSV
import Foundation

/// A `CSVReader` over a source's file, its header already read: streamed from disk for UTF-8,
/// or over the decoded text for other encodings.
struct CSVInput {
    let reader: CSVReader
    let encoding: String
    /// With `prescan`: the line where a never-closed quoted field opened.
    let unclosedQuoteLine: Int?

    static func open(file: String, declared: String?, delimiter: UInt8, prescan: Bool, source: String)
        throws(SourceError) -> CSVInput {
        func fail(_ kind: SourceError.Kind, _ message: String, position: String? = nil) -> SourceError {
            SourceError(kind: kind, source: source, file: file, position: position, message: message, fatal: true)
        }
        let fd = try openFile(file, fail: fail)
        defer { close(fd) }
        let head = (try? RawFile.readPrefix(fd, count: 4).get()) ?? []
        let bom = TextDecoding.byteOrderMark(in: head)
        let scalar = Unicode.Scalar(delimiter)

        if bom.map({ $0.encoding != "UTF-8" }) ?? (declared.map { !TextDecoding.isUTF8($0) } ?? false) {
            // Another encoding: decode the whole file, then parse the text.
            let bytes: [UInt8]
            switch RawFile.readAll(fd) {
            case .success(let read): bytes = read
            case .failure(let e): throw fail(.unreadable, "cannot read the file: \(e)")
            }
            let text: String
            switch TextDecoding.decode(bytes, declared: declared) {
            case .success(let decoded): text = decoded
            case .failure(let problem): throw problem.sourceError(source: source, file: file, fatal: true)
            }
            let reader = try makeReader(fail: fail) { try CSVReader(string: text, hasHeaderRow: true, delimiter: scalar) }
            return CSVInput(reader: reader, encoding: bom?.encoding ?? declared!,
                            unclosedQuoteLine: prescan ? CSVPrescan.scanText(text, delimiter: delimiter).unclosedQuoteLine : nil)
        }

        let basis: TextDecoding.Basis = bom != nil ? .byteOrderMark : declared != nil ? .declared : .assumedUTF8
        func undecodable(offset: Int, line: Int) -> SourceError {
            TextDecoding.invalid(encoding: "UTF-8", basis: basis, offset: offset, line: line, truncated: false)
                .sourceError(source: source, file: file, fatal: true)
        }
        func scan(headerOnly: Bool) throws(SourceError) -> CSVPrescan {
            _ = lseek(fd, 0, SEEK_SET)
            switch CSVPrescan.scanFile(fd, skip: bom?.length ?? 0, delimiter: delimiter, headerOnly: headerOnly) {
            case .success(let result): return result
            case .failure(.invalidUTF8(let offset, let line)): throw undecodable(offset: offset, line: line)
            case .failure(.read(let e)): throw fail(.unreadable, "cannot read the file: \(e)")
            }
        }
        // The whole file before reading records; the header alone when only the header is wanted.
        let scanned = try scan(headerOnly: !prescan)
        guard let stream = InputStream(fileAtPath: file) else {
            throw fail(.unreadable, "cannot open the file for reading")
        }
        // CSVReader drops a UTF-8 byte-order mark itself.
        let reader = try makeReader(fail: fail) { try CSVReader(stream: stream, hasHeaderRow: true, delimiter: scalar) }
        return CSVInput(reader: reader, encoding: "UTF-8", unclosedQuoteLine: prescan ? scanned.unclosedQuoteLine : nil)
    }

    /// The error that stopped `reader`, if it was not the end of the file. (On Linux,
    /// CSV.swift's stream reader always ends with `cannotReadFile`: the stream reports bytes
    /// available at the end of the file, then reads none.)
    static func failure(of reader: CSVReader) -> Error? {
        guard let error = reader.error else { return nil }
        if case CSVError.cannotReadFile = error { return nil }
        return error
    }

    private static func makeReader(fail: (SourceError.Kind, String, String?) -> SourceError,
                                   _ make: () throws -> CSVReader) throws(SourceError) -> CSVReader {
        do {
            return try make()
        } catch CSVError.cannotReadHeaderRow {
            throw fail(.malformedRecord, "the file is empty; a header row naming the columns is required", "line 1")
        } catch {
            throw fail(.unreadable, "cannot read the file: \(error)", nil)
        }
    }

    private static func openFile(_ file: String, fail: (SourceError.Kind, String, String?) -> SourceError)
        throws(SourceError) -> Int32 {
        switch RawFile.openRegular(RawPath(file), followLinks: true) {
        case .success(let fd):
            return fd
        case .failure(let e) where e.code == ENOENT || e.code == ENOTDIR:
            throw fail(.notFound, "no CSV file at this path", nil)
        case .failure(let e) where e.code == EISDIR:
            throw fail(.unreadable, "this is a folder, not a CSV file", nil)
        case .failure(let e):
            throw fail(.unreadable, "cannot read the CSV file: \(e)", nil)
        }
    }
}
