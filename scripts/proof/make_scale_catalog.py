#!/usr/bin/env python3
"""A synthetic migration at scale, made without file contents (stdlib only, deterministic).

    make_scale_catalog.py OUT_DIR --files N [--refs-per-file 2]

OUT_DIR/share/        an empty root (the catalog's rows stand for its files)
OUT_DIR/attache.db    the catalog: `attache scan` of the empty root makes the schema and the
                      scan run, then N file rows are inserted as a scan would write them
                      (paths in 1,000-file folders, sizes, times, SHA-256 with 10 % duplicates,
                      MIME types and categories of a CRM share)
OUT_DIR/crm.sqlite    table notes(id, path, body): N records, each naming one file in `path`
                      (drive-letter spelling) and one more in an HTML link in `body` (UNC) —
                      refs-per-file × N references, about 1 % pointing at nothing
OUT_DIR/attache.yaml  the manifest (root aliases K:\\ and \\\\FILESRV01\\CRM\\, the source)
OUT_DIR/policy.yaml   a keep/drop policy (no archives: nothing reads the absent contents)

Used by scripts/proof/scale.sh.
"""
import argparse, hashlib, os, random, sqlite3, subprocess, sys

KINDS = [("pdf", "application/pdf", "document", 40), ("jpg", "image/jpeg", "image", 20),
         ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document", 15),
         ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "spreadsheet", 8),
         ("eml", "message/rfc822", "email", 7), ("txt", "text/plain", "text", 5), ("zip", "application/zip", "archive", 5)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--files", type=int, required=True)
    ap.add_argument("--attache", default="attache")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    os.makedirs(os.path.join(out, "share"), exist_ok=True)
    catalog = os.path.join(out, "attache.db")
    for f in (catalog, catalog + "-wal", catalog + "-shm", os.path.join(out, "crm.sqlite")):
        if os.path.exists(f):
            os.remove(f)
    with open(os.path.join(out, "attache.yaml"), "w") as f:
        f.write("version: 1\ncatalog: attache.db\nroots:\n  - path: share\n"
                "    aliases: ['\\\\FILESRV01\\CRM\\', 'K:\\']\n    case_insensitive: true\n"
                "sources:\n  - name: crm\n    sqlite: crm.sqlite\n    table: notes\n    key: [id]\n"
                "    file: '{path}'\n    text: [body]\n")
    with open(os.path.join(out, "policy.yaml"), "w") as f:
        f.write("version: 1\nname: scale\nlayout: '{root}/{relpath}'\nduplicates:\n  keep_one: true\n"
                "rules:\n  - name: drop-orphan-zips\n    when: { referenced: false, category: archive }\n    action: drop\n"
                "default: keep\n")
    subprocess.run([a.attache, "scan", "--manifest", os.path.join(out, "attache.yaml"), "--quiet"], check=True, cwd=out)
    r = random.Random(17)
    weights = [k[3] for k in KINDS]
    db = sqlite3.connect(catalog)
    run = db.execute("SELECT max(id) FROM scan_runs").fetchone()[0]
    root = db.execute("SELECT id FROM roots").fetchone()[0]
    db.execute("PRAGMA synchronous = OFF")
    names = []
    rows = []
    hashes = []
    for i in range(a.files):
        ext, mime, cat, _ = r.choices(KINDS, weights)[0]
        name = "%d/%s/%s %d.%s" % (2005 + (i // 1000) % 20, ["Contracts", "Scans", "Счета", "合同", "Mail"][(i // 1000) % 5],
                                   ["Invoice", "Договор", "Scan", "報價", "Offer"][i % 5], i, ext)
        names.append(name)
        if hashes and r.random() < 0.10:
            h = r.choice(hashes[-1000:])
        else:
            h = hashlib.sha256(b"%d" % i).hexdigest()
            hashes.append(h)
        mtime = (1104537600 + r.randrange(20 * 365 * 86400)) * 10**9
        rows.append((root, name.encode(), name, "regular", r.randrange(1000, 5_000_000), mtime, mtime, 1_000_000 + i, 2049,
                     0o100644, h, mime, cat, ext, 0, "ok", run, run, 0, 0))
        if len(rows) == 100_000:
            insert(db, rows)
            rows = []
    insert(db, rows)
    db.execute("UPDATE scan_runs SET status = 'completed' WHERE id = ?", (run,))
    db.commit()
    db.close()
    src = sqlite3.connect(os.path.join(out, "crm.sqlite"))
    src.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, path TEXT, body TEXT)")
    batch = []
    for i in range(a.files):
        n = names[r.randrange(len(names))] if r.random() < 0.99 else "missing/nothing %d.pdf" % i
        m = names[r.randrange(len(names))]
        body = '<p>See the <a href="\\\\FILESRV01\\CRM\\%s">signed copy</a>.</p>' % m.replace("/", "\\")
        batch.append((i + 1, "K:\\" + n.replace("/", "\\"), body))
        if len(batch) == 100_000:
            src.executemany("INSERT INTO notes VALUES (?, ?, ?)", batch)
            batch = []
    src.executemany("INSERT INTO notes VALUES (?, ?, ?)", batch)
    src.commit()
    src.close()
    print("%s: %d files, %d records, %d references" % (out, a.files, a.files, 2 * a.files))


def insert(db, rows):
    db.executemany("""INSERT INTO files (root_id, path, display_path, kind, size, mtime_ns, ctime_ns, inode, device, mode,
        sha256, mime, category, extension, extension_mismatch, status, first_seen_run, changed_run, uid, gid)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows)


if __name__ == "__main__":
    sys.exit(main())
