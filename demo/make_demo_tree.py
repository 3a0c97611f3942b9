#!/usr/bin/env python3
"""Writes the demo legacy share: a few dozen files with real format signatures, named and
laid out the way old CRMs left them (vtiger storage/, per-customer folders, mail exports,
SuiteCRM GUIDs), with duplicates, a .doc that is really HTML, an empty file, names in
Cyrillic and Chinese, a name that is not UTF-8, a broken shortcut, and a snapshot folder the
manifest excludes. Deterministic: the same tree every time.

    make_demo_tree.py OUT_DIR
"""
import os
import sys
import zipfile
import zlib
import struct

if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
    sys.exit(__doc__.strip() if len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help")
             else "usage: make_demo_tree.py OUT_DIR (an option is not an output folder)")
out = sys.argv[1]


def put(rel, data, year, month=6):
    path = os.path.join(out.encode(), rel if isinstance(rel, bytes) else rel.encode())
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    t = int(__import__("calendar").timegm((year, month, 15, 10, 0, 0)))
    os.utime(path, (t, t))


def pdf(title, pages=1, pad=0):
    body = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    body += "2 0 obj << /Type /Pages /Kids [] /Count %d >> endobj\n" % pages
    body += "3 0 obj << /Title (%s) >> endobj\n" % title
    return body.encode() + bytes((i * 37 + len(title)) % 251 for i in range(pad)) + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png(w, h, shade):
    raw = b"".join(b"\x00" + bytes([shade, 255 - shade, (shade * 3) % 256]) * w for _ in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def jpeg(n):
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes((i * 13 + n) % 256 for i in range(2000 + n)) + b"\xff\xd9"


def docx(text):
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [
            ("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
            ("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             "<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>" % text),
        ]:
            info = zipfile.ZipInfo(name, (2015, 3, 1, 12, 0, 0))
            z.writestr(info, data)
    return buf.getvalue()


def eml(subject, body):
    return ("From: \"J. Smith\" <jsmith@example.com>\r\nTo: <sales@example.org>\r\nSubject: %s\r\n"
            "Date: Tue, 4 Mar 2016 10:00:00 +0300\r\nMessage-ID: <%d@example.com>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n" % (subject, len(subject), body)).encode()


invoice = pdf("Invoice 2014-031", pad=40000)
contract = docx("Supply contract with Acme Trading")
logo = png(64, 64, 90)

put("storage/2014/March/week2/1001_Invoice 2014-031.pdf", invoice, 2014, 3)
put("storage/2014/March/week2/1002_Скан паспорта.jpg", jpeg(7), 2014, 3)
put("storage/2014/March/week3/1007_Price list.pdf", pdf("Price list", pad=120000), 2014, 3)
put("storage/2019/November/week1/2210_Счет на оплату №5 от 01.11.2019.pdf", pdf("Schet 5", pad=8000), 2019, 11)
put("customers/Acme Trading/2015/Contract.docx", contract, 2015)
put("customers/Acme Trading/2015/Old/Copy of Contract.docx", contract, 2016)  # duplicate
put("customers/Acme Trading/2014/Invoice 2014-031.pdf", invoice, 2014, 4)     # duplicate
put("customers/ООО Ромашка/Договоры/Договор поставки №12.pdf", pdf("Dogovor 12", pad=30000), 2017)
put("customers/深圳华强电子有限公司/2018/合同.pdf", pdf("Hetong", pad=15000), 2018)
put("customers/深圳华强电子有限公司/2018/报价单.txt", "报价单\n产品 数量 单价\n电阻 1000 0.01\n".encode(), 2018)
put("mail_export/jsmith/2016/03/Re Offer.eml", eml("Re: Offer", "Please find the offer attached."), 2016, 3)
put("mail_export/petrova/2016/04/Акт сверки.eml", eml("Akt sverki", "Акт сверки во вложении."), 2016, 4)
put("notes/export.doc", b"<!DOCTYPE html>\n<html><head><title>Note</title></head><body><p>Call back Monday.</p></body></html>\n", 2013)
put("Shared/price list.csv", b"id,product,price\n1,Resistor,0.01\n2,Capacitor,0.05\n3,\"Relay, 12V\",1.20\n", 2012)
put("Shared/logo.png", logo, 2011)
put("Shared/Marketing/logo (1).png", logo, 2012)  # duplicate
put("Shared/empty.txt", b"", 2010)
put("Shared/Thumbs.db", b"\x00" * 512, 2010)  # excluded by the manifest
put("Shared/.snapshot/hourly.0/logo.png", logo, 2020)  # excluded by the manifest
put("suitecrm/upload/3f2c9a1e-8b7d-4e21-9c55-0a1b2c3d4e5f", pdf("SuiteCRM note", pad=5000), 2018)
put("suitecrm/upload/9e8d7c6b-5a49-4382-8170-6f5e4d3c2b1a", jpeg(3), 2019)
put(b"Shared/Old Docs/\xd1\xf7\xe5\xf2 2009.txt", "Счет 2009 (cp1251 name)".encode("cp1251"), 2009)  # a name that is not UTF-8
link = os.path.join(out, "Shared", "shortcut to old share.pdf")
if not os.path.lexists(link):
    os.symlink("/mnt/oldnas/CRM/2008/shortcut.pdf", link)  # broken on purpose
print("demo legacy share written to %s" % out)
