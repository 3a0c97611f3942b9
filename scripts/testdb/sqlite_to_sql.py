#!/usr/bin/env python3
"""Prints the tables of a SQLite database as SQL for MySQL/MariaDB or PostgreSQL: the same
table and column names, types mapped, primary keys kept, every row inserted.

    sqlite_to_sql.py DATABASE.sqlite --dialect mysql|postgresql [--legacy-charset TABLE]

The live-database tests load the SQLite fixtures of the references tests with it (the same
CRM schemas and rows on all three engines). --legacy-charset makes TABLE a legacy table:
MySQL: DEFAULT CHARSET cp1251 (the server converts its text to utf8mb4 for attache);
PostgreSQL has one encoding per database, so the tests make a WIN1251 database instead.
Stdlib only; deterministic.
"""
import argparse, re, sqlite3, sys

ap = argparse.ArgumentParser()
ap.add_argument("database")
ap.add_argument("--dialect", choices=["mysql", "postgresql"], required=True)
ap.add_argument("--legacy-charset", action="append", default=[])
a = ap.parse_args()
my = a.dialect == "mysql"


def ident(name):
    return '"' + name.replace('"', '""') + '"'


def column_type(declared, pk):
    t = (declared or "").upper()
    m = re.match(r"(VARCHAR|CHAR)\s*\((\d+)\)", t)
    if m:
        return "%s(%s)" % (m.group(1), m.group(2))
    if t.startswith("VARCHAR") or t.startswith("CHAR"):
        return "VARCHAR(255)" if my or pk else "VARCHAR"
    if t.startswith("TINYINT"):
        return "TINYINT(1)" if my else "SMALLINT"
    if "INT" in t:
        return "BIGINT"
    if t in ("DATETIME", "TIMESTAMP"):
        return "DATETIME" if my else "TIMESTAMP"
    if t in ("BLOB", "BYTEA"):
        return "LONGBLOB" if my else "BYTEA"
    if t in ("REAL", "DOUBLE", "FLOAT"):
        return "DOUBLE" if my else "DOUBLE PRECISION"
    return "TEXT"


def literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, bytes):
        return ("X'%s'" if my else "'\\x%s'::bytea") % v.hex()
    return "'" + v.replace("'", "''") + "'"


db = sqlite3.connect(a.database)
out = sys.stdout
if my:
    out.write("SET SESSION sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES';\nSET NAMES utf8mb4;\n")
else:
    out.write("SET standard_conforming_strings = on;\nSET client_encoding = 'UTF8';\n")
tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
for table in tables:
    cols = db.execute("PRAGMA table_info(%s)" % ident(table)).fetchall()  # cid, name, type, notnull, dflt, pk
    defs, pks = [], [c[1] for c in sorted(cols, key=lambda c: c[5]) if c[5]]
    for _, name, declared, notnull, dflt, pk in cols:
        d = "%s %s" % (ident(name), column_type(declared, pk))
        if notnull:
            d += " NOT NULL"
        if dflt is not None:
            d += " DEFAULT %s" % dflt
        defs.append(d)
    if pks:
        defs.append("PRIMARY KEY (%s)" % ", ".join(ident(p) for p in pks))
    tail = ""
    if my:
        tail = " DEFAULT CHARSET=%s" % ("cp1251" if table in a.legacy_charset else "utf8mb4")
    out.write("CREATE TABLE %s (%s)%s;\n" % (ident(table), ", ".join(defs), tail))
    names = [c[1] for c in cols]
    for row in db.execute("SELECT * FROM %s ORDER BY rowid" % ident(table)):
        out.write("INSERT INTO %s (%s) VALUES (%s);\n" % (ident(table), ", ".join(ident(n) for n in names),
                                                       ", ".join(literal(v) for v in row)))
