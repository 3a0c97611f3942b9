import AttacheModel
import AttacheSystem
#if canImport(Glibc)
import Glibc
#endif

/// The rewrite's output folder: where copies, backups and link tables go, written whole or
/// not at all (``AtomicWriter``).
enum OutputPaths {
    static func join(_ parts: String...) -> String {
        var out = parts[0]
        for p in parts.dropFirst() where !p.isEmpty {
            if !out.hasSuffix("/") { out += "/" }
            out += p.hasPrefix("/") ? String(p.dropFirst()) : p
        }
        return out
    }

    static func lastComponent(_ path: String) -> String {
        String(path.split(separator: "/", omittingEmptySubsequences: true).last ?? Substring(path))
    }

    /// Creates the folders a file at `path` needs.
    static func makeFolders(for path: String) throws(RewriteError) {
        var folder = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (i, part) in parts.enumerated() {
            folder += (i == 0 ? "" : "/") + part
            guard !folder.isEmpty else { continue }
            if mkdir(folder, 0o755) != 0 {
                let e = errno
                var st = stat()
                if e == EEXIST, stat(folder, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { continue }
                throw RewriteError(.output, "cannot create the folder \(folder): \(PosixError(code: e))")
            }
        }
    }

    static func writer(_ path: String) throws(RewriteError) -> AtomicWriter {
        do { return try AtomicWriter(path: RawPath(path)) } catch {
            throw RewriteError(.output, error.description)
        }
    }

    static func commit(_ writer: AtomicWriter) throws(RewriteError) {
        do { try writer.commit() } catch { throw RewriteError(.output, error.description) }
    }
}

extension OutputPaths {
    /// Copies a file byte for byte to `destination` (whole or not at all), creating its folders.
    static func copyFile(_ source: String, to destination: String) throws(RewriteError) {
        let bytes: [UInt8]
        switch RawFile.openRegular(RawPath(source), followLinks: true) {
        case .failure(let e): throw RewriteError(.source, "cannot read \(source) to back it up: \(e)")
        case .success(let fd):
            defer { close(fd) }
            switch RawFile.readAll(fd) {
            case .success(let b): bytes = b
            case .failure(let e): throw RewriteError(.source, "cannot read \(source) to back it up: \(e)")
            }
        }
        try makeFolders(for: destination)
        let w = try writer(destination)
        do { try w.write(bytes) } catch { w.discard(); throw RewriteError(.output, error.description) }
        try commit(w)
    }
}

extension OutputPaths {
    /// Runs `replace` (which writes a new file at `path`) and gives the new file the old one's
    /// permission bits: a source rewritten in place keeps its mode.
    static func keepingMode<T>(of path: String, _ replace: () throws -> T) throws -> T {
        var st = stat()
        let had = stat(path, &st) == 0
        let result = try replace()
        if had { chmod(path, st.st_mode & 0o7777) }
        return result
    }
}
