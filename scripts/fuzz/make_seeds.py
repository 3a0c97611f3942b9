#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora, fuzz/corpus/<target>/, from real spellings the tests and
docs use (UNC, drive letters, file URLs, HTML hrefs, CSV dialects, YAML). Run it after changing
the seeds; the corpora it writes are committed. Each input is one file named after its content's
SHA-1 (libFuzzer's convention), so re-running it changes nothing."""
import hashlib, os, struct, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fuzz", "corpus")

PATHS = [
    r"\\FILESRV01\CRM\a b.pdf", r"\\server.corp.local\Docs\x.pdf", r"\\10.0.0.5\scans$\x.pdf",
    r"\\?\UNC\srv\share\x", r"\\?\K:\x", r"K:\x\y.pdf", "k:/x/y.pdf", r"K:\a/b.pdf", "file:///K:/x%20y.pdf",
    "file://server/share/x.pdf", "file:////server/share/x.pdf", "file:///var/www/x", "file://localhost/var/www/x",
    "file:/var/www/x", "file://K:/x", "file:///K|/x", r"file:\\srv\share\x", "file:///K:/%D0%A1.pdf#page=3",
    r"See K:\a.pdf and K:\b.pdf.", r"K:\scans\contract 2014.pdf, signed", r"\\FILESRV01\CRM\Acme, Inc\x.pdf",
    r"Letter K:\Clients\O'Brien.pdf sent", r"K:\a.pdf,K:\b.pdf;\\srv\s\c.pdf", r"(K:\scans\x) K:\Invoice(2)",
    "«K:\\Договор «Ромашка» 2019»", "请看K:\\合同.pdf和其他", r'"K:\a.pdf is missing"',
    '<a href="file:///K:/a%20b.pdf">x</a> <img src="Customers/Miller/scan.png">',
    '<a href="..\\Offer&amp;Co\\2019.docx">offer</a> &lt;K:\\x.pdf&gt;',
    "see Договоры/АО Вектор/акт 3.pdf", r"siehe .\Angebote\2019\Angebot.pdf bzw. ..\alt\x.doc",
    "/srv/crm/Customers/Miller/Offer 2019.docx", "mailto:a@b.c https://example.com/K:/x.pdf K:\\\\x from JSON",
    r"\\srv\share\Backup.zip files\x.pdf", r"K:\scans\Report.final version.skp",
]

CSV = [
    b"id,path,deleted\n1,K:\\a.pdf,0\n2,\"\\\\srv\\s\\b,c.pdf\",1\n",
    b"id;path;note\r\n1;\"K:\\a \"\"quoted\"\".pdf\";x\r\n2;file:///K:/b.pdf;\r\n",
    b"\xef\xbb\xbfid\tpath\n1\tK:\\a.pdf\n\n2\t\"multi\nline\"\n",
    b"id|path\r1|K:\\a.pdf\r2|\"unclosed\n3|x\n",
    b"id,path\n1,\"a\"b,c\n2,\"\xd0\x90\"\xd0\x91\n3,x,\n",
    b"id,path\n1,K:\\M\xfcller.pdf\n",  # Windows-1252
]

MANIFEST = [
    "version: 1\nroots:\n  - name: share\n    path: /mnt/share\n    aliases: ['\\\\FS01\\crm', 'K:\\']\n"
    "sources:\n  - name: crm\n    csv: crm.csv\n    key: [id]\n    columns: [path]\n    base: 'K:\\'\n",
    "version: 1\nroots: [{name: a, path: ./a}]\nsources:\n  - name: db\n    sqlite: crm.db\n    table: docs\n"
    "    key: id\n    columns: [path, note]\n    deleted: deleted\n",
    "version: 1\nroots:\n  - {name: x, path: /x, case_insensitive: true}\nsources:\n  - name: notes\n    text: notes/\n"
    "    include: ['*.html', '*.txt']\n    encoding: windows-1252\n",
    "version: 2\nroots: x\n", "version: 1\nroots:\n  - name: a\n    name: b\n", "&a [*a, *a]\n", "roots: [\n",
]

POLICY = [
    "version: 1\nname: SharePoint Online\ntarget:\n  profile: sharepoint-online\n  quota: 1 TB\nlayout: '{root}/{relpath}'\n"
    "rules:\n  - name: drop-temp-files\n    when: { name: ['~$*', '*.tmp', 'Thumbs.db'] }\n    action: drop\ndefault: keep\n"
    "duplicates:\n  keep_one: false\narchive:\n  format: zip\n  volume_size: 10 GiB\n  grouping: '{root}'\n"
    "  naming: '_archive/{group}-{volume}'\nlimits:\n  too_large: archive\n  rename: true\n",
    "version: 1\ntarget: {quota: 50 GiB, max_path_length: 260}\nlayout: '{category}/{year}/{month}/{name}'\n"
    "rules:\n  - name: old\n    when: {older_than: 7 years, referenced: false}\n    action: archive\ndefault: keep\n"
    "overflow: {order: [record-activity, -size], high_watermark: 0.9, low_watermark: 0.8}\n",
    "version: 1\nlayout: '{record.customer:unfiled}/{sha256:8}{ext}'\ndefault: keep\nduplicates: {keep_one: true, keep: [oldest]}\n"
    "rewrite: {archive_link: '{archive}#{member}', dropped: tombstone}\n",
    "version: 1\nlayout: '../{root}/{{x}}/{relpath}'\ndefault: drop\n", "version: 1\nlayout: '/{dir}//{stem}.{ext}'\n",
]

REVIEW = [
    "\ufefffile_id,root,path,size,modified,category,references,records,action,rule,reason,target_path,archive_path,note\r\n"
    "1,/mnt/share,Customers/Miller/Offer 2019.docx,1000,2020-06-15T00:00:00Z,pdf,0,,keep,default,x,,,\r\n"
    "2,/mnt/share,'=HYPERLINK(1).pdf,1,2020-06-15T00:00:00Z,,0,,archive,default,x,,,checked\r\n",
    "file_id;action;note\n3;Drop;\n4;arcive;\n",
    "file_id\taction\tpath\n42\tkeep\ta\u00e4b.pdf\n",
    "file_id,action\n1,keep\n1,drop\n",
]

def write(target, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

def main():
    for p in PATHS:
        write("FuzzGrammar", p)
    for p in PATHS[:12]:
        files = "Customers/Miller/Offer 2019.docx\nx/y.pdf\na b.pdf\n"
        write("FuzzResolver", files + p)
    for i, c in enumerate(CSV):
        write("FuzzCSV", bytes([i % 4]) + struct.pack("<H", 7 * i) + c)
    for m in MANIFEST:
        write("FuzzManifest", m)
    for p in POLICY:
        write("FuzzPolicy", p)
    for r in REVIEW:
        write("FuzzReview", r.encode("cp1252") if "\u00e4" in r else r)  # the third: a sheet saved as Windows-1252
    layouts = [("{root}/{relpath}", "{root}/{year}", "_archive/{group}-{volume}"),
               ("{record.customer:unfiled}/{name}", "{record.customer}", "{group}/../{volume}"),
               ("/../{dir}/{{}}/{stem}.{ext}", "", "")]
    names = [b"Customers/Miller/Offer 2019.docx", b"../etc/passwd", b"CON.txt", b"a/./b/../c.pdf", b"\xff\xfe/x\x80.pdf",
             b"....", "Договоры/АО Вектор/акт 3.pdf".encode(), b"~$lock.docx", b"x" * 300]
    for i, (layout, grouping, naming) in enumerate(layouts):
        body = bytes([i * 37 % 256]) + struct.pack("<H", 40) + "\0".join([layout, grouping, naming]).encode() + b"\0"
        body += b"".join(n + b"\0" + (b"M\xc3\xbcller GmbH/.." if j % 2 else b"") + b"\n" for j, n in enumerate(names))
        write("FuzzLayout", body)
    values = [b"K:\\a.pdf and K:\\b.pdf", "Договор K:\\акт.pdf".encode(), b"<a href=\"file:///K:/x.pdf\">x</a>"]
    for v in values:
        body = v + b"\0" + struct.pack("<HHBB", 0, 9, 1, 1) + b"\\\\srv\\s\\new.pdf\0" + struct.pack("<HHBB", 13, 9, 1, 2) + b"\0"
        write("FuzzSpanEdits", body)
    return 0

if __name__ == "__main__":
    sys.exit(main())
