#!/usr/bin/env python3
"""The demo's business review: in the review sheet `attache plan --export` wrote, the owner of
the customer files decides that an old contract goes to the archive instead of the new
storage, and says why in the note column — what a person does in a spreadsheet.

    review.py REVIEW.csv PATH-SUFFIX ACTION NOTE

The sheet keeps its form (UTF-8 with a BOM, CRLF line ends, the same columns); only the
matching row's action and note change. Exit 1 when no row's path ends with PATH-SUFFIX.
"""
import csv
import sys

path, suffix, action, note = sys.argv[1:5]
with open(path, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
p, a, n = header.index("path"), header.index("action"), header.index("note")
hits = [r for r in body if r[p].endswith(suffix)]
if not hits:
    sys.exit("review.py: no row of %s has a path ending in %s" % (path, suffix))
for r in hits:
    r[a], r[n] = action, note
with open(path, "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f, lineterminator="\r\n").writerows([header] + body)
print("review: %s → %s (%s)" % (", ".join(r[p] for r in hits), action, note))
