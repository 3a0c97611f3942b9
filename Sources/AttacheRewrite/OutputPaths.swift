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

    /// Creates the folders a file at `path` needs. Below `root` (the output folder, when `path`
    /// is inside it) no folder may be a symbolic link: they are made through a
    /// ``TargetFolder`` on the output folder, which opens each one without following a link
    /// (see ``refuseLinks(in:below:)`` for the message a planted link gets).
    static func makeFolders(for path: String, inside root: String? = nil) throws(RewriteError) {
        try refuseLinks(in: path, below: root)
        if let (base, relative) = split(path, below: root) {
            try makeFolders(for: base + "/x")
            let folders = relative.split(separator: "/", omittingEmptySubsequences: true).dropLast()
            guard !folders.isEmpty else { return }
            do { try TargetFolder(root: RawPath(base)).createFolders(RawPath(folders.joined(separator: "/"))) } catch {
                throw contained(error, path: path, root: root)
            }
            return
        }
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

    /// `path` as the output folder `root` (without a trailing slash) and the path below it,
    /// when `path` is inside `root`; nil otherwise (an in-place source, a `--sql` file).
    static func split(_ path: String, below root: String?) -> (base: String, relative: String)? {
        guard let root, !root.isEmpty else { return nil }
        let base = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        guard path.hasPrefix(base + "/") else { return nil }
        let relative = String(path.dropFirst(base.count + 1))
        return relative.isEmpty ? nil : (base, relative)
    }

    /// A target error below the output folder as the rewrite reports it.
    static func contained(_ error: TargetError, path: String, root: String?) -> RewriteError {
        if case .notContained(let component) = error.reason {
            return RewriteError(.output, "\(root ?? "")/\(component.display) is a symbolic link (or not a folder) inside the output folder "
                                + "\(root ?? ""): rewrite writes only inside the output folder and never through a link there — "
                                + "remove the link (or choose another --out)")
        }
        return RewriteError(.output, "cannot write \(path): \(error.description)")
    }

    /// Refuses a symbolic link as any folder of `path` below `root`. The output folder holds
    /// only what rewrite writes; a link planted in it (`rewritten/notes` → `/etc`) would lead
    /// the copies, backups and scripts outside it (DESIGN.md promise 4). The output folder
    /// itself may be a link (the user named it), and so may the file's own name: a file is
    /// placed by renaming over it, which replaces a link and never follows it. Nothing to
    /// check when `root` is nil or `path` is not inside it (an in-place source, a `--sql` file).
    static func refuseLinks(in path: String, below root: String?) throws(RewriteError) {
        guard let root, !root.isEmpty else { return }
        let base = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
        guard path.hasPrefix(base + "/") else { return }
        var folder = base
        for part in path.dropFirst(base.count + 1).split(separator: "/", omittingEmptySubsequences: true).dropLast() {
            folder += "/" + part
            var st = stat()
            guard lstat(folder, &st) == 0 else { return }  // not there yet: made by makeFolders, not followed
            if (st.st_mode & S_IFMT) == S_IFLNK {
                throw RewriteError(.output, "\(folder) is a symbolic link inside the output folder \(root): rewrite writes only "
                                   + "inside the output folder and never through a link there — remove the link (or choose another --out)")
            }
        }
    }

    /// A writer for the file at `path`. Below `root` it is a ``TargetFolder`` writer on the
    /// output folder: its folder is opened without following a link and checked again when the
    /// file is named, so a folder swapped for a link meanwhile is refused too.
    static func writer(_ path: String, inside root: String? = nil) throws(RewriteError) -> AtomicWriter {
        try refuseLinks(in: path, below: root)
        if let (base, relative) = split(path, below: root) {
            // What a killed earlier run left in this folder (each folder listed once a process).
            AtomicWriter.removeStaleTemporaries(in: AtomicWriter.split(RawPath(path)).folder)
            do { return try TargetFolder(root: RawPath(base)).fileWriter(at: RawPath(relative), existing: .overwrite) } catch {
                throw contained(error, path: path, root: root)
            }
        }
        do { return try AtomicWriter(path: RawPath(path)) } catch {
            throw RewriteError(.output, error.description)
        }
    }

    static func commit(_ writer: AtomicWriter) throws(RewriteError) {
        do { try writer.commit() } catch { throw RewriteError(.output, error.description) }
    }
}

extension OutputPaths {
    /// Copies a file byte for byte to `destination` (whole or not at all), creating its folders
    /// (no link among them below `root`).
    static func copyFile(_ source: String, to destination: String, inside root: String? = nil) throws(RewriteError) {
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
        try makeFolders(for: destination, inside: root)
        let w = try writer(destination, inside: root)
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
