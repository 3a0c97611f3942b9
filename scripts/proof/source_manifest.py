#!/usr/bin/env python3
"""A manifest of source trees, to prove that attache changed none of their bytes.

    source_manifest.py PATH...

For every entry below each PATH (the PATH itself included), one line, sorted by raw path bytes:
the path's raw bytes (hex, then shown with undecodable bytes escaped), its type, size, mtime in
nanoseconds, mode, and the SHA-256 of a regular file's bytes or a symbolic link's target bytes.
Each SQLite database (a regular file starting with the SQLite header) also gets one line per
table: its rows in rowid order (all columns), counted and hashed, opened read-only and immutable
so that taking the manifest writes nothing itself (no journal, no lock). Two manifests taken
before and after a run are byte-identical exactly when no source byte, name, mode or time
changed. Access times are left out: reading a file for its hash moves them. Stdlib only.
"""
import hashlib, os, sqlite3, stat, sys

KINDS = {stat.S_IFREG: "file", stat.S_IFDIR: "dir", stat.S_IFLNK: "link", stat.S_IFIFO: "fifo",
         stat.S_IFSOCK: "socket", stat.S_IFCHR: "char", stat.S_IFBLK: "block"}


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sqlite_tables(path):
    """(table, rows, sha256 of the rows) for every table of the database at `path`."""
    with open(path, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            return []
    uri = "file:" + os.fsdecode(path).replace("?", "%3f").replace("#", "%23") + "?mode=ro&immutable=1"
    con = sqlite3.connect(uri, uri=True)
    con.text_factory = bytes
    out = []
    try:
        schema = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        out.append(("sqlite_master", len(schema), hashlib.sha256(repr(schema).encode()).hexdigest()))
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            quoted = '"' + name.decode().replace('"', '""') + '"'
            try:
                rows = con.execute("SELECT * FROM %s ORDER BY rowid" % quoted)
            except sqlite3.OperationalError:  # WITHOUT ROWID: every column, in order
                rows = con.execute("SELECT * FROM %s ORDER BY 1" % quoted)
            h, n = hashlib.sha256(), 0
            for row in rows:
                h.update(repr(row).encode() + b"\n")
                n += 1
            out.append((name.decode(), n, h.hexdigest()))
    finally:
        con.close()
    return out


def entry(path, shown):
    st = os.lstat(path)
    kind = KINDS.get(stat.S_IFMT(st.st_mode), "other")
    digest = "-"
    if kind == "file":
        digest = sha256_file(path)
    elif kind == "link":
        digest = "->" + os.readlink(path).hex()
    lines = ["%s\t%s\t%s\t%d\t%d\t%o\t%s" % (shown.hex(), shown.decode("utf-8", "backslashreplace"), kind,
                                               st.st_size if kind != "dir" else 0, st.st_mtime_ns, st.st_mode, digest)]
    if kind == "file":
        for table, rows, h in sqlite_tables(path):
            lines.append("%s\t%s\ttable %s\t%d rows\t%s" % (shown.hex(), shown.decode("utf-8", "backslashreplace"), table, rows, h))
    return lines


def manifest(root):
    root = os.fsencode(root)
    lines = entry(root, root)
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(folder, name)
            lines.extend(entry(p, p))
    return lines


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: source_manifest.py PATH...")
    out = []
    for root in sys.argv[1:]:
        out.extend(manifest(root))
    sys.stdout.write("\n".join(sorted(out)) + "\n")


if __name__ == "__main__":
    main()
