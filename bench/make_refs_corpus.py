#!/usr/bin/env python3
"""Records for the references benchmark (stdlib only, deterministic).

    make_refs_corpus.py OUT_DIR --records N --files F

OUT_DIR/share/...          F small files, the scanned root (alias \\\\FILESRV01\\CRM\\ and K:\\)
OUT_DIR/crm.sqlite         table attachments(id, path, deleted, modified, body): every record names
                           its file in `path` (composed), and half carry an HTML body with a link
                           (embedded) — 1.5 references a record
OUT_DIR/dump.txt           the same records as text, one per line, for grep
OUT_DIR/attache.yaml       the manifest
"""
import argparse, os, random, sqlite3

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--records", type=int, default=1_000_000)
ap.add_argument("--files", type=int, default=2000)
a = ap.parse_args()
r = random.Random(7)
out = os.path.abspath(a.out)
os.makedirs(out, exist_ok=True)
names = []
for i in range(a.files):
    d = "%d/%s" % (2005 + i % 20, ["Contracts", "Scans", "Счета", "合同", "Mail"][i % 5])
    n = "%s/%s %d.pdf" % (d, ["Invoice", "Договор", "Scan", "報價", "Offer"][i % 5], i)
    p = os.path.join(out, "share", n)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(b"%PDF-1.4\n% " + str(i).encode() + b"\n")
    names.append(n)
db = os.path.join(out, "crm.sqlite")
if os.path.exists(db):
    os.remove(db)
c = sqlite3.connect(db)
c.execute("CREATE TABLE attachments (id INTEGER PRIMARY KEY, path TEXT, deleted INTEGER, modified TEXT, body TEXT)")
with open(os.path.join(out, "dump.txt"), "w", encoding="utf-8") as dump:
    batch = []
    for i in range(1, a.records + 1):
        n = names[r.randrange(len(names))] if r.random() < 0.95 else "missing/nothing %d.pdf" % i
        path = "K:\\" + n.replace("/", "\\")
        body = None
        if i % 2 == 0:
            m = names[r.randrange(len(names))]
            body = ('<p>Call with the customer on %d-03-11, see the <a href="\\\\FILESRV01\\CRM\\%s">signed copy</a> '
                    'and the site https://example.com/orders/%d.</p>' % (2005 + i % 20, m.replace("/", "\\"), i))
        batch.append((i, path, int(r.random() < 0.03), "2014-03-11 09:15:00", body))
        dump.write("%d\t%s\t%s\n" % (i, path, body or ""))
        if len(batch) == 50000:
            c.executemany("INSERT INTO attachments VALUES (?, ?, ?, ?, ?)", batch)
            batch = []
    c.executemany("INSERT INTO attachments VALUES (?, ?, ?, ?, ?)", batch)
c.commit()
c.close()
with open(os.path.join(out, "attache.yaml"), "w") as f:
    f.write("""version: 1
catalog: attache.db
roots:
  - path: share
    aliases: ['\\\\FILESRV01\\CRM\\', 'K:\\']
    case_insensitive: true
sources:
  - name: attachments
    sqlite: crm.sqlite
    table: attachments
    key: [id]
    file: '{path}'
    text: [body]
    deleted: deleted
    modified: modified
""")
print("records: %d  files: %d  -> %s" % (a.records, a.files, out))
