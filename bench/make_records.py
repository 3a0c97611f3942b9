#!/usr/bin/env python3
"""Records for the rewrite benchmark (stdlib only, deterministic for a given --seed).

    make_records.py OUT --records N [--files F] [--seed S]

OUT/legacy/share/...   F small files (1-4 KiB), the scanned root; the records spell it
                       \\\\FILESRV01\\CRM\\ (UNC), K:\\ (a mapped drive) and file://FILESRV01/CRM/
                       (a file URL, percent-encoded). Names have spaces, Cyrillic, '&', '#'.
OUT/crm.sqlite         table notes(id INTEGER PRIMARY KEY, account TEXT, body TEXT): N rows;
                       every even id holds one or two links (half of them two), the rest none.
                       Bodies with links are prose (UNC or drive paths, written plainly) or
                       HTML (<a href="file://FILESRV01/CRM/...">, the name HTML-escaped).
OUT/notes.csv          the same rows as CSV (header id,account,body; RFC 4180 quoting, CRLF)
OUT/policy.yaml        keep everything, layout '{root}/{relpath}' (the same tree below the target)
OUT/attache.yaml       the manifest: the root with its aliases, a sqlite and a csv source
                       (text: [body]), target {path: OUT/target, address: '\\\\NEWSRV\\crm\\'}
OUT/subst-prefix.sed   sed script: each old root spelling -> the new one (3 commands); with the
                       keep-everything layout this gives every path its new location
OUT/subst-paths.sed    sed script: each old spelling of each linked file -> its new location
                       (3 commands a file, 5 when the name has a ' that the SQL dump doubles):
                       what a per-path substitution from the mapping does
OUT/expected.txt       what the generator knows: records, links, links by form, files

The new location of a file is its path below the target, '<root name>/<relpath>' = 'share/…',
spelt as attache's LocationSpelling does below '\\\\NEWSRV\\crm\\': a bare path with backslashes
for UNC and drive links, a percent-encoded file URL for file URLs (every byte outside
A-Z a-z 0-9 - . _ ~ as %XX) — so sed's output and attache's can be compared.
"""
import argparse
import csv
import os
import random
import sqlite3
import urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--records", type=int, default=1_000_000)
ap.add_argument("--files", type=int, default=5000)
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()
rng = random.Random(a.seed)
out = os.path.abspath(a.out)
root = os.path.join(out, "legacy", "share")
os.makedirs(root, exist_ok=True)

# ------------------------------------------------------------------ the files
CUSTOMERS = ["Smith & Sons", "Miller GmbH", "ООО Ромашка", "АО Вектор", "O'Brien Ltd",
             "Acme, Inc", "Müller & Partner", "Northwind #2", "Иванов и партнёры", "Blue Sky"]
KINDS = ["Contracts", "Invoices", "Scans", "Договоры", "Счета", "Mail #archive"]
STEMS = ["Contract", "Invoice", "Scan", "Договор поставки", "Счёт №", "Offer", "Акт сверки",
         "Report Q", "Letter to", "Price list #"]
EXTS = [".pdf", ".pdf", ".pdf", ".docx", ".xlsx", ".jpg", ".msg", ".txt"]
files = []
for i in range(a.files):
    cust = CUSTOMERS[i % len(CUSTOMERS)]
    kind = KINDS[(i // len(CUSTOMERS)) % len(KINDS)]
    year = 2008 + i % 17
    name = "%s %d%s" % (STEMS[rng.randrange(len(STEMS))], i, EXTS[rng.randrange(len(EXTS))])
    rel = "%s/%s/%d/%s" % (cust, kind, year, name)
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"%%PDF-1.4\n%% file %d\n" % i)
        f.write(rng.randbytes(rng.randrange(1024, 4096)))
    files.append(rel)


def enc(rel):
    """Percent-encode every byte outside the unreserved set, per segment (as attache does)."""
    return "/".join(urllib.parse.quote(seg, safe="") for seg in rel.split("/"))


def html(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def unc(rel):
    return "\\\\FILESRV01\\CRM\\" + rel.replace("/", "\\")


def drive(rel):
    return "K:\\" + rel.replace("/", "\\")


def url(rel):
    return "file://FILESRV01/CRM/" + enc(rel)


# ------------------------------------------------------------------ the records
PROSE = ["Call with the customer on %s, signed copy at %s — filed by Anna.",
         "Ответ клиента: %s; договор лежит в %s , см. также почту.",
         "Meeting %s. Scan: %s (original in the safe).",
         "Reminder %s: invoice %s is overdue, send it again"]
PLAIN = ["Called back on %s, no answer.", "Клиент просил перезвонить %s.",
         "Sent the price list by mail on %s.", "Visit planned for %s, bring samples."]
ACCOUNTS = CUSTOMERS + ["Globex", "Initech", "Umbrella", "ЗАО Север"]
used = set()
counts = {"unc": 0, "drive": 0, "file-url": 0}
db = os.path.join(out, "crm.sqlite")
if os.path.exists(db):
    os.remove(db)
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode = OFF")
con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, account TEXT, body TEXT)")
with open(os.path.join(out, "notes.csv"), "w", encoding="utf-8", newline="") as cf:
    w = csv.writer(cf, lineterminator="\r\n")
    w.writerow(["id", "account", "body"])
    batch = []
    for i in range(1, a.records + 1):
        day = "%d-%02d-%02d" % (2008 + i % 17, 1 + i % 12, 1 + i % 28)
        if i % 2:
            body = PLAIN[rng.randrange(len(PLAIN))] % day
        else:
            n = 1 + (rng.random() < 0.5)
            picked = [files[rng.randrange(len(files))] for _ in range(n)]
            used.update(picked)
            if rng.random() < 0.5:     # prose: UNC or drive paths, written plainly
                forms = [unc if rng.random() < 0.5 else drive for _ in picked]
                links = [f(p) for f, p in zip(forms, picked)]
                for f in forms:
                    counts["unc" if f is unc else "drive"] += 1
                if n == 1:
                    body = PROSE[rng.randrange(len(PROSE))] % (day, links[0])
                else:
                    body = "See %s and %s for the %s order." % (links[0], links[1], day)
            else:                       # HTML: file URLs in href, the name as the link text
                parts = ['<a href="%s">%s</a>' % (url(p), html(p.rsplit("/", 1)[1])) for p in picked]
                counts["file-url"] += n
                body = "<p>Order of %s: %s.</p><p>Kind regards, <b>Anna</b></p>" % (day, " and ".join(parts))
        row = (i, ACCOUNTS[i % len(ACCOUNTS)], body)
        batch.append(row)
        w.writerow(row)
        if len(batch) == 50000:
            con.executemany("INSERT INTO notes VALUES (?, ?, ?)", batch)
            batch = []
    con.executemany("INSERT INTO notes VALUES (?, ?, ?)", batch)
con.commit()
con.close()

# ------------------------------------------------------------------ manifest, policy, sed
with open(os.path.join(out, "policy.yaml"), "w", encoding="utf-8") as f:
    f.write("version: 1\nlayout: '{root}/{relpath}'\nrules: []\ndefault: keep\n")
with open(os.path.join(out, "attache.yaml"), "w", encoding="utf-8") as f:
    f.write("""version: 1
catalog: attache.db
roots:
  - path: legacy/share
    aliases: ['\\\\FILESRV01\\CRM\\', 'K:\\']
    case_insensitive: true
sources:
  - name: notes
    sqlite: crm.sqlite
    table: notes
    key: [id]
    text: [body]
  - name: notes-csv
    csv: notes.csv
    key: [id]
    text: [body]
policy: policy.yaml
target: {path: target, address: '\\\\NEWSRV\\crm\\'}
""")


def sed_lit(s):
    """s as a literal in a sed regular expression (basic syntax) with '|' as the delimiter."""
    return "".join("\\" + c if c in "\\.[]*^$|" else c for c in s)


def sed_rep(s):
    return "".join("\\" + c if c in "\\&|" else c for c in s)


NEW_BARE = "\\\\NEWSRV\\crm\\share\\"
NEW_URL = "file://NEWSRV/crm/share/"
with open(os.path.join(out, "subst-prefix.sed"), "w", encoding="utf-8") as f:
    for old, new in (("\\\\FILESRV01\\CRM\\", NEW_BARE), ("K:\\", NEW_BARE),
                     ("file://FILESRV01/CRM/", NEW_URL)):
        f.write("s|%s|%s|g\n" % (sed_lit(old), sed_rep(new)))
with open(os.path.join(out, "subst-paths.sed"), "w", encoding="utf-8") as f:
    for rel in sorted(used):
        bare = NEW_BARE + rel.replace("/", "\\")
        pairs = [(unc(rel), bare), (drive(rel), bare), (url(rel), NEW_URL + enc(rel))]
        if "'" in rel:   # the SQL dump writes ' as '' inside a string
            pairs += [(o.replace("'", "''"), n.replace("'", "''")) for o, n in pairs[:2]]
        for old, new in pairs:
            f.write("s|%s|%s|g\n" % (sed_lit(old), sed_rep(new)))
total = sum(counts.values())
with open(os.path.join(out, "expected.txt"), "w", encoding="utf-8") as f:
    f.write("records %d\nrecords_with_links %d\nlinks %d\nunc %d\ndrive %d\nfile_url %d\nfiles %d\nlinked_files %d\n"
            % (a.records, a.records // 2, total, counts["unc"], counts["drive"], counts["file-url"],
               a.files, len(used)))
print("records: %d (%d with links, %d links), files: %d -> %s" % (a.records, a.records // 2, total, a.files, out))
