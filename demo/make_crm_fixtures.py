#!/usr/bin/env python3
"""Builds a legacy migration as five real CRMs leave it, with ground truth.

    make_crm_fixtures.py OUT_DIR

OUT_DIR/legacy/<crm>/...        the files, laid out as each product stores them
OUT_DIR/records/...             the records: SQLite databases with the products' real table
                                and column names, a Salesforce CSV export, exported notes
OUT_DIR/attache.yaml            a manifest with every root, alias and source
OUT_DIR/expected-refs.tsv       source, key, column, raw, status, file (root-relative) for every
                                reference attache must find, sorted
OUT_DIR/expected-orphans.tsv    root name, path, why — files no live record needs

Deliberate traps: soft-deleted rows, letter-case and NFC/NFD differences, an unmapped share
(\\\\OLDNAS), web links and mailto: that are not references, a decoy column holding a
client-side upload path, a vtiger 7.2 'storedname', an Odoo 'url' attachment with no file,
names with spaces, commas, '&', '#', quotes, Cyrillic and Chinese, a FIFO, a cp1251 export.
Deterministic: the same output every time (stdlib only).
"""
import os, sys, sqlite3, hashlib, unicodedata, csv

OUT = os.path.abspath(sys.argv[1])
L = os.path.join(OUT, "legacy")
R = os.path.join(OUT, "records")
expected = []   # (source, key, column, raw, status, root, path)
orphans = []    # (root, path, why)


def pdf(tag):
    return ("%%PDF-1.4\n%% %s\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n" % tag).encode()


def put(root, rel, data):
    p = os.path.join(L, root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)
    os.utime(p, (1400000000, 1400000000))


def db(name):
    p = os.path.join(R, name)
    if os.path.exists(p):
        os.remove(p)
    return sqlite3.connect(p)


os.makedirs(R, exist_ok=True)

# ---------------------------------------------------------------- file server (K:\ and \\FILESRV01\CRM\)
put("fileserver", "Contracts/Acme Trading/Contract 2014.pdf", pdf("acme"))
put("fileserver", "Contracts/Смит & Ко/Договор №7, финал.pdf", pdf("dogovor"))
put("fileserver", "Scans/Scan 1.pdf", pdf("scan1"))
put("fileserver", "Scans/dup/a.pdf", pdf("a lower"))
put("fileserver", "Scans/dup/A.PDF", pdf("A upper"))
put("fileserver", "Price #4 (final).pdf", pdf("price"))
put("fileserver", unicodedata.normalize("NFD", "Café/Résumé.pdf"), pdf("cafe nfd"))
put("fileserver", "Unused/old report.pdf", pdf("orphan"))
orphans.append(("fileserver", "Unused/old report.pdf", "unreferenced"))
os.makedirs(os.path.join(L, "fileserver", "Spool"), exist_ok=True)
fifo = os.path.join(L, "fileserver", "Spool", "printer.pdf")
if not os.path.exists(fifo):
    os.mkfifo(fifo)

# ---------------------------------------------------------------- vtiger (install folder /var/www/vtigercrm/)
c = db("vtiger.sqlite")
c.executescript("""
CREATE TABLE vtiger_crmentity (crmid INTEGER PRIMARY KEY, smcreatorid INTEGER, setype VARCHAR(30), description TEXT,
    createdtime DATETIME, modifiedtime DATETIME, deleted INTEGER NOT NULL DEFAULT 0);
CREATE TABLE vtiger_attachments (attachmentsid INTEGER PRIMARY KEY, name VARCHAR(255), description TEXT, type VARCHAR(100),
    path TEXT, storedname VARCHAR(255), subject VARCHAR(255));
CREATE TABLE vtiger_seattachmentsrel (crmid INTEGER, attachmentsid INTEGER);
CREATE TABLE vtiger_notes (notesid INTEGER PRIMARY KEY, title VARCHAR(50), filename VARCHAR(200), filelocationtype VARCHAR(5),
    filesize INTEGER);
CREATE TABLE vtiger_modcomments (modcommentsid INTEGER PRIMARY KEY, commentcontent TEXT, related_to INTEGER);
""")
vt = [  # id, name, storedname, path, deleted, modified, exists-on-disk
    (1001, "Invoice 2014-031.pdf", None, "storage/2014/March/week2/", 0, "2014-03-11 09:15:00", True),
    (1002, "Счёт на оплату №5.pdf", None, "storage/2014/March/week2/", 0, "2014-03-12 10:00:00", True),
    (1003, "old offer.pdf", None, "storage/2013/July/week1/", 1, "2013-07-02 12:00:00", True),      # soft-deleted
    (1004, "lost.pdf", None, "storage/2014/April/week3/", 0, "2014-04-20 08:00:00", False),        # missing on disk
    (1005, "Contract, signed.pdf", "a3f9c2e1d4b5.pdf", "storage/2020/January/week1/", 0, "2020-01-03 11:00:00", True),  # 7.2 storedname
]
for aid, name, stored, path, deleted, modified, exists in vt:
    c.execute("INSERT INTO vtiger_crmentity (crmid, setype, modifiedtime, deleted) VALUES (?, 'Documents Attachment', ?, ?)",
              (aid, modified, deleted))
    c.execute("INSERT INTO vtiger_attachments (attachmentsid, name, type, path, storedname) VALUES (?, ?, 'application/pdf', ?, ?)",
              (aid, name, path, stored))
    disk = "%s%d_%s" % (path, aid, stored or name)
    if exists:
        put("vtiger", disk, pdf("vtiger %d" % aid))
    expected.append(("vtiger", str(aid), "file", disk, "resolved" if exists else "missing", "vtiger" if exists else "", disk if exists else ""))
    if exists and deleted:
        orphans.append(("vtiger", disk, "deleted-records-only"))
# Decoy: the client-side path the user uploaded from. Not part of the preset's query.
c.execute("INSERT INTO vtiger_notes VALUES (2001, 'Invoice', 'C:\\Users\\bob\\Desktop\\Invoice 2014-031.pdf', 'I', 1234)")
put("vtiger", "storage/2012/May/week4/999_never linked.pdf", pdf("vtiger orphan"))
orphans.append(("vtiger", "storage/2012/May/week4/999_never linked.pdf", "unreferenced"))
# Comments with embedded paths (a separate source: text column).
comments = [
    (3001, "Signed copy on \\\\FILESRV01\\CRM\\Contracts\\Acme Trading\\Contract 2014.pdf, see also https://example.com/x"),
    (3002, '<p>Scan: <a href="file:///K:/Scans/scan%201.pdf">scan</a> and <a href="mailto:bob@example.com">Bob</a></p>'),
    (3003, "Old copy was on \\\\OLDNAS\\share\\contracts\\acme.pdf (server retired)"),
    (3004, "Договор: K:\\Contracts\\Смит & Ко\\Договор №7, финал.pdf"),
    (3005, '<a href="K:\\Price &#35;4 (final).pdf">price list</a>'),
    (3006, "Which one? K:\\Scans\\dup\\a.Pdf"),
    (3007, "Printer spool: \\\\filesrv01.corp.local\\crm\\Spool\\printer.pdf"),
    (3008, "Résumé: K:\\Café\\Résumé.pdf"),   # NFC in the record, NFD on disk
    (3009, "No attachment here, only www.example.com and 10/12/2014."),
]
for cid, text in comments:
    c.execute("INSERT INTO vtiger_modcomments (modcommentsid, commentcontent, related_to) VALUES (?, ?, 1001)", (cid, text))
expected += [
    ("vtiger-comments", "3001", "commentcontent", "\\\\FILESRV01\\CRM\\Contracts\\Acme Trading\\Contract 2014.pdf", "resolved", "fileserver", "Contracts/Acme Trading/Contract 2014.pdf"),
    ("vtiger-comments", "3002", "commentcontent", "file:///K:/Scans/scan%201.pdf", "resolved", "fileserver", "Scans/Scan 1.pdf"),
    ("vtiger-comments", "3003", "commentcontent", "\\\\OLDNAS\\share\\contracts\\acme.pdf", "missing", "", ""),
    ("vtiger-comments", "3004", "commentcontent", "K:\\Contracts\\Смит & Ко\\Договор №7, финал.pdf", "resolved", "fileserver", "Contracts/Смит & Ко/Договор №7, финал.pdf"),
    ("vtiger-comments", "3005", "commentcontent", "K:\\Price &#35;4 (final).pdf", "resolved", "fileserver", "Price #4 (final).pdf"),
    ("vtiger-comments", "3006", "commentcontent", "K:\\Scans\\dup\\a.Pdf", "ambiguous", "", ""),
    ("vtiger-comments", "3007", "commentcontent", "\\\\filesrv01.corp.local\\crm\\Spool\\printer.pdf", "special", "fileserver", "Spool/printer.pdf"),
    ("vtiger-comments", "3008", "commentcontent", "K:\\Café\\Résumé.pdf", "resolved", "fileserver", unicodedata.normalize("NFD", "Café/Résumé.pdf")),
]
orphans += [("fileserver", "Scans/dup/A.PDF", "unreferenced"), ("fileserver", "Scans/dup/a.pdf", "unreferenced")]
c.commit(); c.close()

# ---------------------------------------------------------------- SuiteCRM (install folder; upload/<id>, no extension)
c = db("suitecrm.sqlite")
c.executescript("""
CREATE TABLE notes (id CHAR(36) PRIMARY KEY, name VARCHAR(255), file_mime_type VARCHAR(100), filename VARCHAR(255),
    parent_type VARCHAR(255), parent_id CHAR(36), date_entered DATETIME, date_modified DATETIME, deleted TINYINT(1) DEFAULT 0);
CREATE TABLE documents (id CHAR(36) PRIMARY KEY, document_name VARCHAR(255), document_revision_id CHAR(36), deleted TINYINT(1) DEFAULT 0);
CREATE TABLE document_revisions (id CHAR(36) PRIMARY KEY, document_id CHAR(36), filename VARCHAR(255), file_ext VARCHAR(100),
    revision VARCHAR(100), date_modified DATETIME, deleted TINYINT(1) DEFAULT 0);
""")
notes = [("3f2c9a1e-8b7d-4e21-9c55-0a1b2c3d4e5f", "contract.pdf", 0, True), ("9e8d7c6b-5a49-4382-8170-6f5e4d3c2b1a", "photo.jpg", 1, True),
         ("11111111-2222-3333-4444-555555555555", "missing.docx", 0, False), ("22222222-3333-4444-5555-666666666666", "", 0, False)]
for nid, fn, deleted, exists in notes:
    c.execute("INSERT INTO notes (id, name, filename, date_modified, deleted) VALUES (?, 'Note', ?, '2018-05-01 10:00:00', ?)", (nid, fn, deleted))
    if exists:
        put("suitecrm", "upload/" + nid, pdf("suite " + nid))
    if fn:
        expected.append(("suitecrm", "note:" + nid, "file", "upload/" + nid, "resolved" if exists else "missing",
                         "suitecrm" if exists else "", "upload/" + nid if exists else ""))
    if exists and deleted:
        orphans.append(("suitecrm", "upload/" + nid, "deleted-records-only"))
c.execute("INSERT INTO documents VALUES ('d0c00000-0000-0000-0000-000000000001', 'Price list', 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', 0)")
c.execute("INSERT INTO document_revisions VALUES ('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', 'd0c00000-0000-0000-0000-000000000001', 'prices.xlsx', 'xlsx', '1', '2019-02-02 09:00:00', 0)")
put("suitecrm", "upload/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", pdf("revision"))
expected.append(("suitecrm", "revision:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "file", "upload/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "resolved", "suitecrm", "upload/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"))
c.commit(); c.close()

# ---------------------------------------------------------------- Odoo (filestore/<db>/<sha1[:2]>/<sha1>)
c = db("odoo.sqlite")
c.executescript("""
CREATE TABLE ir_attachment (id INTEGER PRIMARY KEY, name VARCHAR, res_model VARCHAR, res_id INTEGER, type VARCHAR NOT NULL,
    url VARCHAR, store_fname VARCHAR, checksum VARCHAR(40), mimetype VARCHAR, file_size INTEGER, write_date TIMESTAMP, db_datas BYTEA);
""")
for aid, name in [(1, "quote.pdf"), (2, "logo.png"), (3, "gone.pdf")]:
    data = pdf("odoo " + name)
    sha = hashlib.sha1(data).hexdigest()
    store = "%s/%s" % (sha[:2], sha)
    c.execute("INSERT INTO ir_attachment (id, name, res_model, res_id, type, store_fname, checksum, file_size, write_date) "
              "VALUES (?, ?, 'sale.order', 7, 'binary', ?, ?, ?, '2021-06-01 12:00:00')", (aid, name, store, sha, len(data)))
    exists = name != "gone.pdf"
    if exists:
        put("odoo", store, data)
    expected.append(("odoo", str(aid), "file", store, "resolved" if exists else "missing", "odoo" if exists else "", store if exists else ""))
c.execute("INSERT INTO ir_attachment (id, name, type, url, write_date) VALUES (4, 'Website', 'url', 'https://example.com', '2021-06-02 12:00:00')")
c.commit(); c.close()

# ---------------------------------------------------------------- EspoCRM (data/upload/<id>; copies share source_id)
c = db("espocrm.sqlite")
c.executescript("""
CREATE TABLE attachment (id VARCHAR(24) PRIMARY KEY, name VARCHAR(255), deleted TINYINT(1) DEFAULT 0, type VARCHAR(100),
    size INTEGER, source_id VARCHAR(24), field VARCHAR(255), created_at DATETIME, storage VARCHAR(24), parent_id VARCHAR(24));
""")
c.execute("INSERT INTO attachment (id, name, deleted, created_at) VALUES ('5f1a2b3c4d5e6f7a8b9c0d1e', 'Offer.pdf', 0, '2020-09-09 09:09:09')")
c.execute("INSERT INTO attachment (id, name, deleted, source_id, created_at) VALUES ('6a6a6a6a6a6a6a6a6a6a6a6a', 'Offer.pdf', 0, '5f1a2b3c4d5e6f7a8b9c0d1e', '2020-09-10 09:00:00')")
put("espocrm", "data/upload/5f1a2b3c4d5e6f7a8b9c0d1e", pdf("espo offer"))
for key in ["5f1a2b3c4d5e6f7a8b9c0d1e", "6a6a6a6a6a6a6a6a6a6a6a6a"]:
    expected.append(("espocrm", key, "file", "data/upload/5f1a2b3c4d5e6f7a8b9c0d1e", "resolved", "espocrm", "data/upload/5f1a2b3c4d5e6f7a8b9c0d1e"))
c.commit(); c.close()

# ---------------------------------------------------------------- Salesforce data export (Attachment.csv + Attachments/<Id>)
os.makedirs(os.path.join(R, "salesforce"), exist_ok=True)
with open(os.path.join(R, "salesforce", "Attachment.csv"), "w", newline="", encoding="utf-8-sig") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["Id", "ParentId", "Name", "ContentType", "BodyLength", "LastModifiedDate", "Description"])
    w.writerow(["00P5g00000AbCdEAAA", "0015g00000XyZ1AAAA", 'Quote "Q-17", final.pdf', "application/pdf", "1200", "2022-03-04T10:00:00.000Z", "line one\nline two"])
    w.writerow(["00P5g00000AbCdFBBB", "0015g00000XyZ1AAAA", "合同.pdf", "application/pdf", "900", "2022-03-05T10:00:00.000Z", ""])
    w.writerow(["00P5g00000AbCdGCCC", "0015g00000XyZ2AAAA", "lost.pdf", "application/pdf", "100", "2022-03-06T10:00:00.000Z", ""])
for sid, exists in [("00P5g00000AbCdEAAA", True), ("00P5g00000AbCdFBBB", True), ("00P5g00000AbCdGCCC", False)]:
    if exists:
        put("salesforce", "Attachments/" + sid, pdf("sf " + sid))
    expected.append(("salesforce", sid, "file", "Attachments/" + sid, "resolved" if exists else "missing",
                     "salesforce" if exists else "", "Attachments/" + sid if exists else ""))

# ---------------------------------------------------------------- exported notes (a folder of text/HTML files)
notes_dir = os.path.join(R, "notes")
os.makedirs(notes_dir, exist_ok=True)
with open(os.path.join(notes_dir, "call-2014-03.html"), "w", encoding="utf-8") as f:
    f.write('<html><body><p>Contract: <a href="\\\\FILESRV01\\CRM\\Contracts\\Acme Trading\\Contract 2014.pdf">here</a></p></body></html>\n')
memo_dir = os.path.join(R, "notes-cp1251")
os.makedirs(memo_dir, exist_ok=True)
with open(os.path.join(memo_dir, "memo-cp1251.txt"), "wb") as f:
    f.write("Скан лежит тут: K:\\Scans\\Scan 1.pdf\n".encode("cp1251"))
expected += [
    ("notes", "call-2014-03.html", "text", "\\\\FILESRV01\\CRM\\Contracts\\Acme Trading\\Contract 2014.pdf", "resolved", "fileserver", "Contracts/Acme Trading/Contract 2014.pdf"),
    ("notes-cp1251", "memo-cp1251.txt", "text", "K:\\Scans\\Scan 1.pdf", "resolved", "fileserver", "Scans/Scan 1.pdf"),
]

# ---------------------------------------------------------------- an intranet page with relative links (relative_base)
wiki_dir = os.path.join(R, "wiki")
os.makedirs(wiki_dir, exist_ok=True)
with open(os.path.join(wiki_dir, "acme.html"), "w", encoding="utf-8") as f:
    f.write('<html><body><p>Signed: <a href="Contracts/Acme Trading/Contract 2014.pdf">contract</a>, '
            'the scan is in Scans/Scan 1.pdf. Portal: <a href="index.php?module=Documents&amp;record=5">doc</a></p></body></html>\n')
expected += [
    ("wiki", "acme.html", "text", "Contracts/Acme Trading/Contract 2014.pdf", "resolved", "fileserver", "Contracts/Acme Trading/Contract 2014.pdf"),
    ("wiki", "acme.html", "text", "Scans/Scan 1.pdf", "resolved", "fileserver", "Scans/Scan 1.pdf"),
]

# ---------------------------------------------------------------- manifest and ground truth
with open(os.path.join(OUT, "attache.yaml"), "w", encoding="utf-8") as f:
    f.write("""version: 1
catalog: attache.db
roots:
  - path: legacy/fileserver
    aliases: ['\\\\FILESRV01\\CRM\\', 'K:\\']
    case_insensitive: true
  - path: legacy/vtiger
    aliases: ['/var/www/vtigercrm/']
  - path: legacy/suitecrm
  - path: legacy/odoo
  - path: legacy/espocrm
  - path: legacy/salesforce
exclude: ['**/.snapshot/**', 'Thumbs.db']
sources:
  - name: vtiger
    preset: vtiger
    database: records/vtiger.sqlite
    root: legacy/vtiger
    fields: [module, parent_id]         # the record each file hangs on: the report groups by it
  - name: vtiger-comments
    sqlite: records/vtiger.sqlite
    table: vtiger_modcomments
    key: [modcommentsid]
    text: [commentcontent]
  - name: suitecrm
    preset: suitecrm
    database: records/suitecrm.sqlite
    root: legacy/suitecrm
    fields: [parent_type, parent_id]
  - name: odoo
    preset: odoo
    database: records/odoo.sqlite
    root: legacy/odoo
    fields: [res_model, res_id]
  - name: espocrm
    preset: espocrm
    database: records/espocrm.sqlite
    root: legacy/espocrm
    fields: [parent_type, parent_id]
  - name: salesforce
    preset: salesforce
    database: records/salesforce/Attachment.csv
    root: legacy/salesforce
    fields: [ParentId]
  - name: notes
    text_files: records/notes
  - name: notes-cp1251                  # an old export in Windows-1251
    text_files: records/notes-cp1251
    encoding: cp1251
  - name: wiki                          # relative links, from the share's root
    text_files: records/wiki
    relative_base: 'K:\\'
# Where apply puts the files, and how people and the new CRM reach them (what rewrite writes).
target: { path: target, address: '\\\\NEWSRV\\crm\\' }
""")
expected.sort()
with open(os.path.join(OUT, "expected-refs.tsv"), "w", encoding="utf-8") as f:
    for row in expected:
        f.write("\t".join(row) + "\n")
orphans.sort()
with open(os.path.join(OUT, "expected-orphans.tsv"), "w", encoding="utf-8") as f:
    for row in orphans:
        f.write("\t".join(row) + "\n")
print("CRM fixtures written to %s: %d expected references, %d orphans" % (OUT, len(expected), len(orphans)))
