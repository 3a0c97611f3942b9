#!/usr/bin/env python3
"""Crash matrix driver (issue 17): SIGKILL one stage of attache at seeded points, re-run it,
and check that the re-run ends where an uninterrupted run ends.

    crash_driver.py STAGE [--points N] [--seed S] [--binary PATH] [--workspace DIR]

STAGE is scan, refs, plan, apply, rewrite or rewrite-in-place (or `all`: every one of them). The workspace is a folder with an
attache.yaml whose paths are relative (legacy/share, records/..., target, attache.db); without
--workspace the driver makes its own fixture (a share of 60 files, a SQLite table of 60 notes).

For every point: the state before the stage is restored to the same path, the stage is started
with its delay seam (Documentation/Architecture.md "Test seams"), SIGKILLed after a seeded
random delay inside its run, run again to completion, and checked:
  scan/refs  the catalog passes PRAGMA integrity_check; `list files|refs --format csv` equals
             an uninterrupted run's
  plan       integrity; `list decisions --format csv` equals an uninterrupted plan's
  apply      `attache verify` exits 0; `list mapping --format csv` equals an uninterrupted run's
             (but for the `run` column: which apply run placed a file)
  rewrite    `attache verify --references` exits 0 (as after an uninterrupted run); the rewritten
             copy's rows, links.csv and links.json equal an uninterrupted rewrite's; and
             `rewrite --revert` then leaves the copies holding the original rows
  rewrite-in-place  (`rewrite --in-place`: the SQLite source itself, after a backup)
             `verify --references` exits 0; the source's rows equal an uninterrupted
             in-place rewrite's; every backup is a whole database with the original rows
             (or the rewritten ones, when the killed run had committed); `rewrite --revert`
             restores the source's original rows
every stage  the legacy share and the source database are byte-identical to before (nothing
             lost, sources read-only); no temporary file (`.attache-tmp-*`, `*.part`,
             `*-journal`) anywhere in the workspace; the workspace holds exactly the files an
             uninterrupted run leaves.
Last line on stdout: `PROOF crash|crashes survived|N|pass` (or FAIL, exit 1).
"""
import argparse
import csv
import hashlib
import io
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

STAGES = ["scan", "refs", "plan", "apply", "rewrite"]
# Stages run from another stage's snapshot: the SQLite source rewritten in place (after a backup).
VARIANTS = {"rewrite-in-place": "rewrite"}
# The seam that slows each stage down, and its delay in ms.
SEAMS = {
    "scan": ("ATTACHE_FAULT_READ_DELAY_MS", 15),
    "refs": ("ATTACHE_FAULT_REFS_RECORD_DELAY_MS", 15),
    "plan": ("ATTACHE_FAULT_PLAN_STORE_DELAY_MS", 15),
    "apply": ("ATTACHE_FAULT_APPLY_STEP_DELAY_MS", 15),
    "rewrite": ("ATTACHE_FAULT_REWRITE_RECORD_DELAY_MS", 15),
    "rewrite-in-place": ("ATTACHE_FAULT_REWRITE_RECORD_DELAY_MS", 15),
}
# The command of each stage (scan with one reader: file ids are then stable across runs).
COMMANDS = {
    "scan": ["scan", "--workers", "1"],
    "refs": ["refs"],
    "plan": ["plan"],
    "apply": ["apply"],
    "rewrite": ["rewrite"],
    "rewrite-in-place": ["rewrite", "--in-place"],
}
# Exit codes a finished stage may have: 3 is "finished, with findings the fixture has on purpose".
FINISHED = {0, 3}
# The apply run that placed a file: the killed run or the re-run, where an uninterrupted run
# placed every file in one.
MAPPING_VOLATILE = ("run",)
TEMPORARY = (".attache-tmp", ".part", "-journal")


class Failed(Exception):
    pass


def make_fixture(folder):
    """A share of 60 files in nested folders (some old: archived), a SQLite table of notes that
    point at them (and one at a missing file), a policy, a manifest with a target address."""
    share = os.path.join(folder, "legacy", "share")
    rng = random.Random(1717)
    notes = []
    for i in range(60):
        sub = ["Contracts", "Scans", "Old", "Договоры"][i % 4]
        rel = f"{sub}/client {i % 7}/doc {i}.pdf"
        path = os.path.join(share, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(b"%PDF-1.4 " + rng.randbytes(3000 + rng.randrange(20000)))
        if sub == "Old":
            os.utime(path, (1230000000, 1230000000))  # 2008: archived by the policy
        notes.append((i + 1, "Account %d" % i, "See K:\\" + rel.replace("/", "\\") + " today."))
    notes.append((61, "Lost", "Lost: K:\\Nope\\gone.pdf"))
    os.makedirs(os.path.join(folder, "records"))
    db = sqlite3.connect(os.path.join(folder, "records", "crm.sqlite"))
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, account TEXT, body TEXT)")
    db.executemany("INSERT INTO notes VALUES (?, ?, ?)", notes)
    db.commit()
    db.close()
    with open(os.path.join(folder, "policy.yaml"), "w") as f:
        f.write("version: 1\nlayout: '{root}/{relpath}'\nrules:\n"
                "  - name: archive-old\n    when: { path: 'Old/**' }\n    action: archive\n"
                "default: keep\n"
                "archive: { format: zip, grouping: '{root}', naming: '_archive/{group}-{volume}' }\n")
    with open(os.path.join(folder, "attache.yaml"), "w") as f:
        f.write("version: 1\ncatalog: attache.db\nroots:\n  - path: legacy/share\n"
                "    aliases: ['K:\\']\n    case_insensitive: true\n"
                "sources:\n  - name: notes\n    sqlite: records/crm.sqlite\n    table: notes\n"
                "    key: [id]\n    text: [body]\n"
                "policy: policy.yaml\ntarget: { path: target, address: '\\\\NEWSRV\\crm\\' }\n")


class Workspace:
    def __init__(self, binary, work):
        self.binary = binary
        self.work = work

    def run(self, args, env=None, check=True):
        e = dict(os.environ)
        e.update(env or {})
        r = subprocess.run([self.binary] + args, cwd=self.work, env=e, capture_output=True, text=True)
        if check and r.returncode not in FINISHED:
            raise Failed(f"attache {' '.join(args)} exited {r.returncode}: {r.stderr.strip()[-600:]}")
        return r

    def start(self, stage, delay_ms):
        name, _ = SEAMS[stage]
        e = dict(os.environ)
        if delay_ms:
            e[name] = str(delay_ms)
        return subprocess.Popen([self.binary] + COMMANDS[stage], cwd=self.work, env=e,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def listing(self, kind, without=()):
        """`attache list KIND --format csv`, without the columns named (which run wrote a row
        differs between a killed-and-resumed apply and an uninterrupted one)."""
        text = self.run(["list", kind, "--format", "csv"]).stdout
        if not without:
            return text
        rows = list(csv.reader(io.StringIO(text)))
        keep = [i for i, name in enumerate(rows[0]) if name not in without] if rows else []
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        for r in rows:
            w.writerow([r[i] for i in keep if i < len(r)])
        return out.getvalue()

    def integrity(self):
        c = sqlite3.connect(os.path.join(self.work, "attache.db"))
        try:
            return c.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            c.close()

    def files(self):
        """Every file below the workspace: relative path -> SHA-256 (symlinks by their target)."""
        out = {}
        for top, dirs, names in os.walk(self.work):
            for n in names:
                p = os.path.join(top, n)
                rel = os.path.relpath(p, self.work)
                if os.path.islink(p):
                    out[rel] = "link:" + os.readlink(p)
                else:
                    with open(p, "rb") as f:
                        out[rel] = hashlib.sha256(f.read()).hexdigest()
        return out

    def rows(self, path):
        c = sqlite3.connect("file:" + path + "?mode=ro", uri=True)
        try:
            return c.execute("SELECT * FROM notes ORDER BY 1").fetchall()
        finally:
            c.close()


def sources_of(files, stage=""):
    """The share and the source database (which `rewrite --in-place` changes on purpose)."""
    return {k: v for k, v in files.items()
            if k.startswith("legacy/") or (k.startswith("records/") and stage != "rewrite-in-place")}


def outcome(ws, stage, originals=None):
    """What a finished stage leaves, to compare with an uninterrupted run's."""
    got = {"integrity": ws.integrity()}
    if stage == "scan":
        got["files"] = ws.listing("files")
    elif stage == "refs":
        got["refs"] = ws.listing("refs")
    elif stage == "plan":
        got["decisions"] = ws.listing("decisions")
    elif stage == "apply":
        v = ws.run(["verify"], check=False)
        got["verify"] = v.returncode
        got["mapping"] = ws.listing("mapping", without=MAPPING_VOLATILE)
    elif stage == "rewrite":
        v = ws.run(["verify", "--references"], check=False)
        got["verify --references"] = v.returncode
        out = os.path.join(ws.work, "rewritten")
        copies = sorted(os.path.join(t, n) for t, _, ns in os.walk(out) for n in ns if n.endswith(".sqlite"))
        got["copies"] = {os.path.relpath(p, out): ws.rows(p) for p in copies}
        for name in ["links.csv", "links.json"]:
            with open(os.path.join(out, name), "rb") as f:
                got[name] = f.read()
    elif stage == "rewrite-in-place":
        v = ws.run(["verify", "--references"], check=False)
        got["verify --references"] = v.returncode
        got["source rows"] = ws.rows(os.path.join(ws.work, "records", "crm.sqlite"))
        # Every run backs the source up first (backups/run-N): a killed run's backup stays
        # beside the re-run's. Each must be a whole database: the original rows, or (when the
        # kill came after the killed run committed) the rewritten ones.
        backups = os.path.join(ws.work, "rewritten", "backups")
        got["backups"] = sorted({"original" if ws.rows(os.path.join(t, n)) == originals else
                                 "rewritten" if ws.rows(os.path.join(t, n)) == got["source rows"] else "other"
                                 for t, _, ns in os.walk(backups) for n in ns if n.endswith(".sqlite")} - {"rewritten"})
    names = sorted(n for n in ws.files() if not (stage == "rewrite-in-place" and n.startswith("rewritten/backups/")))
    got["files in the workspace"] = names
    got["temporaries"] = [n for n in names if any(t in os.path.basename(n) for t in TEMPORARY)]
    return got


def check_revert(ws, originals, in_place=False):
    """After a rewrite: --revert puts the copies (or the source) back to the original rows."""
    r = ws.run(["rewrite", "--revert"], check=False)
    if r.returncode != 0:
        raise Failed(f"rewrite --revert exited {r.returncode}: {r.stderr.strip()[-400:]}")
    if in_place:
        if ws.rows(os.path.join(ws.work, "records", "crm.sqlite")) != originals:
            raise Failed("rewrite --revert did not restore the source's rows")
        return
    out = os.path.join(ws.work, "rewritten")
    for t, _, ns in os.walk(out):
        for n in ns:
            if n.endswith(".sqlite"):
                rel = os.path.relpath(os.path.join(t, n), out)
                if ws.rows(os.path.join(t, n)) != originals:
                    raise Failed(f"rewrite --revert did not restore the rows of {rel}")


def prepare(binary, fixture, root):
    """Snapshots of the workspace before each stage (run at the path points use)."""
    work = os.path.join(root, "w")
    shutil.copytree(fixture, work, symlinks=True)
    ws = Workspace(binary, work)
    snaps = {}
    for stage in STAGES:
        snaps[stage] = os.path.join(root, "before-" + stage)
        shutil.copytree(work, snaps[stage], symlinks=True)
        ws.run(COMMANDS[stage])
    shutil.rmtree(work)
    return snaps


def restore(snap, work):
    if os.path.exists(work):
        shutil.rmtree(work)
    shutil.copytree(snap, work, symlinks=True)


def crash_stage(stage, points, seed, binary, snaps, root, log, delay=None):
    work = os.path.join(root, "w")
    ws = Workspace(binary, work)
    if delay is None:
        _, delay = SEAMS[stage]
    # The uninterrupted run (with the seam on, to measure how long the kills may wait).
    snap = snaps[VARIANTS.get(stage, stage)]
    restore(snap, work)
    before = sources_of(ws.files(), stage)
    t0 = time.monotonic()
    p = ws.start(stage, delay)
    p.wait()
    span = time.monotonic() - t0
    if p.returncode not in FINISHED:
        raise Failed(f"{stage}: the uninterrupted run exited {p.returncode}")
    originals = ws.rows(os.path.join(snap, "records", "crm.sqlite")) if stage.startswith("rewrite") else None
    want = outcome(ws, stage, originals)
    if want.get("verify", 0) != 0 or want.get("verify --references", 0) != 0:
        raise Failed(f"{stage}: the uninterrupted run does not verify")
    if want["integrity"] != "ok" or want["temporaries"]:
        raise Failed(f"{stage}: the uninterrupted run is not clean: {want['integrity']} {want['temporaries']}")
    rng = random.Random(f"{seed}-{stage}")
    survived = 0
    attempts = 0
    while survived < points:
        attempts += 1
        if attempts > points * 6:
            raise Failed(f"{stage}: only {survived} of {attempts} kills landed while it ran ({span:.2f} s a run)")
        restore(snap, work)
        wait = rng.uniform(0.0, span * 0.95)
        p = ws.start(stage, delay)
        time.sleep(wait)
        landed = p.poll() is None
        if landed:
            p.send_signal(signal.SIGKILL)
        p.wait()
        if not landed:
            # Finished before the kill: it ran less than `wait` this time (a busy machine makes
            # the first, measured run slow). Draw again, from the span it takes now.
            span = min(span, wait)
            continue
        where = f"{stage} point {survived + 1} (seed {seed}, killed at {wait * 1000:.0f} ms of {span * 1000:.0f})"
        ws.run(COMMANDS[stage])
        try:
            got = outcome(ws, stage, originals)
        except sqlite3.Error as e:
            keep = root + "-failed"
            shutil.copytree(work, keep, symlinks=True, dirs_exist_ok=True)
            raise Failed(f"{where}: {e} (the workspace is kept in {keep})")
        for key in want:
            if got[key] != want[key] and isinstance(want[key], list):
                raise Failed(f"{where}: {key} differs from an uninterrupted run's: missing "
                             f"{sorted(set(want[key]) - set(got[key]))}, more {sorted(set(got[key]) - set(want[key]))}")
            if got[key] != want[key]:
                a, b = str(want[key]).splitlines(), str(got[key]).splitlines()
                first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
                a.append(""), b.append("")
                raise Failed(f"{where}: {key} differs from an uninterrupted run's at line {first + 1}:"
                             f"\n  want {a[first][:600]}\n  got  {b[first][:600]}")
        if sources_of(ws.files(), stage) != before:
            raise Failed(f"{where}: the sources changed")
        if stage.startswith("rewrite") and survived % 5 == 0:
            check_revert(ws, originals, in_place=stage == "rewrite-in-place")
        survived += 1
        log(f"  {stage} point {survived}: killed at {wait * 1000:.0f} ms of {span * 1000:.0f}, re-run consistent")
    return survived


def main():
    a = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    a.add_argument("stage", choices=STAGES + list(VARIANTS) + ["all"])
    a.add_argument("--points", type=int, default=50)
    a.add_argument("--seed", type=int, default=17)
    a.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "../../.build/debug/attache"))
    a.add_argument("--workspace", help="a prepared workspace (attache.yaml with relative paths)")
    a.add_argument("--delay", type=int, help="the seam's delay in ms (default 15; 0: no seam, full speed)")
    a.add_argument("--quiet", action="store_true")
    o = a.parse_args()
    binary = os.path.abspath(o.binary)
    log = (lambda s: None) if o.quiet else (lambda s: print(s, file=sys.stderr, flush=True))
    root = tempfile.mkdtemp(prefix="attache-crash-")
    total = 0
    try:
        fixture = o.workspace
        if fixture is None:
            fixture = os.path.join(root, "fixture")
            os.makedirs(fixture)
            make_fixture(fixture)
        snaps = prepare(binary, os.path.abspath(fixture), root)
        for stage in STAGES + list(VARIANTS) if o.stage == "all" else [o.stage]:
            n = crash_stage(stage, o.points, o.seed, binary, snaps, root, log, o.delay)
            print(f"{stage}: {n} kills survived", flush=True)
            total += n
    except (Failed, sqlite3.Error, OSError, subprocess.SubprocessError) as e:
        print(f"FAIL: {e}", flush=True)
        print(f"PROOF crash|crashes survived|{total:,}|FAIL")
        return 1
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"PROOF crash|crashes survived|{total:,}|pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
