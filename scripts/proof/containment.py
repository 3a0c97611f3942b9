#!/usr/bin/env python3
"""Containment proof (DESIGN.md promise 4): adversarial names, records and policies never make
attache write outside the target (nor outside the rewrite's output folder).

    containment.py [--seed N] [--random N] [--variants N] [--attache BIN] [--keep]

Builds a migration in a scratch folder W whose every corner outside the target and the
output is watched:

    W/canary.txt  W/canary-dir/  W/etc/passwd   canaries where `../..` and friends would land
    W/outside/                                  where the planted symbolic links point
    W/sandbox/legacy/share/                     the legacy files: adversarial names
    W/sandbox/records/                          a CSV, a SQLite table and HTML notes whose
                                                values climb (`../../etc/passwd`, `/etc/passwd`,
                                                `\\\\server\\share\\..\\..`, …)
    W/sandbox/state/                            attache.yaml, the policies, the catalog
    W/sandbox/target/                           apply's target (not watched)
    W/sandbox/state/rewritten/                  rewrite's output (not watched)

The names: fixed ones aimed at the sanitiser's edges (names of dots and spaces that become
`..` or `.` when trailing dots and spaces are trimmed, `/` look-alikes, backslash paths,
overlong UTF-8 for `.` and `/`, percent-encoded `../`, attache's own temporary prefix, …) and
`--random` seeded byte-soup names (any byte but NUL and `/`), as file and folder names.
The policy files kept documents under `{record.folder}` (whose values climb) and archives the
rest, grouped by `{dir}`; a tar and a zip in the share hold members named `../../…` and `/…`.
Between plan and apply, symbolic links to W/outside are planted in the target (a folder a
planned path needs, a planned file's own name, a planned archive's folder); before rewrite,
links are planted in the output folder (where each source's copies go, and at links.csv). Policies whose literal text climbs (`../{name}`, `/abs/{name}`) must be refused.

Every entry of W outside the target and the output (the catalog and report excepted) is
listed before and after — raw path bytes, type, size, mtime, mode, SHA-256 — and the lists
compared: each difference is an escape. A command killed by a signal, or exiting with a code
that is not one of attache's published outcomes, is a crash. Last line on stdout:
`PROOF containment|escapes|N|pass` (or FAIL: an escape, a crash, an unexpected exit status).
Each run also plants a file outside on purpose after the last listing and checks that the
listing sees it ("self-check"), so that 0 escapes cannot come from a blind listing.
Stdlib only.
"""
import argparse, csv, hashlib, io, json, os, random, shutil, sqlite3, stat, subprocess, sys, tarfile, tempfile, zipfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Names aimed at the edges of sanitising (Planner.Namer.sanitize) and of TargetFolder's checks.
FIXED = [
    b". .", b"...", b" ..", b".. ", b". . .", b" . ", b"..  ", b". ", b" .",
    b"..\xc2\xa0", b"\xe2\x80\xa4\xe2\x80\xa4", b"\xe2\x80\xa5", b"\xef\xbc\x8e\xef\xbc\x8e",  # NBSP, one/two-dot leaders, fullwidth dots
    b"\xef\xbc\x8fetc\xef\xbc\x8fpasswd", b"..\xe2\x88\x95..\xe2\x88\x95escape", b"..\xe2\x81\x84x",  # fullwidth, division, fraction slash
    b"..\\..\\escape.txt", b"\\\\server\\share\\..\\..\\unc.txt", b"C:..\\drive.txt", b"C:\\Windows\\x.txt",
    b"%2e%2e%2fescape.txt", b"..%2f..%2fx", b"%2e%2e",
    b"\xc0\xae\xc0\xae", b"\xc0\xaf", b"\xe0\x80\xae\xe0\x80\xae",  # overlong UTF-8 for '.', '/'
    b"..\n..", b"..\r", b"\t..", b"\x1b[2J..", b"-rf", b"~",
    b".attache-tmp-planted", b"CON", b"aux.txt", b"~$lock.docx", b"a" * 255,
    b"\xff\xfe..", b"..\xff", b"\x80",
]
FOLDER_VALUES = ["../..", "..", "/etc", "../../etc/passwd", "\\\\server\\share\\..\\..", ". .", "", " ..",
                 "C:\\..\\..", "%2e%2e%2f", "a/../../b", "...", "/", "//", "\u2024\u2024", "..\u2215.."]
CLIMBING_PATHS = ["../../etc/passwd", "/etc/passwd", "\\\\server\\share\\..\\..\\canary.txt", "../../../canary.txt",
                  "file:///etc/passwd", "K:\\..\\..\\canary.txt", "../../canary-dir/keep.txt"]
OUTCOMES = {0, 3, 4, 5}  # ok · per-file problems · does not fit · verify differences (ExitCodes.md)
PUBLISHED = OUTCOMES | {1, 64, 65, 66, 69, 74, 77, 130}  # any other status, or a signal, is a crash


def soup(rng):
    """A random name: any bytes but NUL and '/', half of them drawn from dots, spaces and
    the bytes of look-alikes, so that many sanitise to something dot-like."""
    tricky = b". \\%\xc0\xae\xaf\xe2\x80\xa4\x88\x95\xef\xbc\x8e\x8f\t\n~$:"
    while True:
        n = rng.randint(1, 24)
        if rng.random() < 0.5:
            name = bytes(rng.choice(tricky) for _ in range(n))
        else:
            name = bytes(rng.choice([b for b in range(1, 256) if b != 0x2F]) for _ in range(n))
        if name not in (b".", b".."):
            return name


def build(w, seed, count):
    rng = random.Random(seed)
    os.makedirs(os.path.join(w, b"canary-dir"))
    os.makedirs(os.path.join(w, b"etc"))
    os.makedirs(os.path.join(w, b"outside"))
    for p, text in [(b"canary.txt", b"canary\n"), (b"canary-dir/keep.txt", b"keep\n"), (b"etc/passwd", b"root:x:0:0\n"),
                    (b"outside/victim.txt", b"victim\n")]:
        with open(os.path.join(w, p), "wb") as f:
            f.write(text)
    sandbox = os.path.join(w, b"sandbox")
    share = os.path.join(sandbox, b"legacy", b"share")
    records = os.path.join(sandbox, b"records")
    for d in [share, os.path.join(records, b"notes"), os.path.join(sandbox, b"target"), os.path.join(sandbox, b"state")]:
        os.makedirs(d)
    folders = [b""] + [n for n in FIXED if len(n) < 100] + [soup(rng) for _ in range(max(1, count // 20))]
    names = list(FIXED) + [soup(rng) for _ in range(count)]
    paths = []
    for i, name in enumerate(names):
        folder = folders[i % len(folders)] if i >= len(FIXED) else folders[(i * 7) % len(folders)]
        rel = os.path.join(folder, name) if folder else name
        try:  # a name may already be a folder's, or a folder's name a file's: skip it
            os.makedirs(os.path.join(share, folder), exist_ok=True)
            with open(os.path.join(share, rel), "xb") as f:
                f.write(b"file %d: " % i + hashlib.sha256(rel).hexdigest().encode() + b"\n")
        except OSError:
            continue
        paths.append(rel)
    archives(share)
    records_for(records, share, paths, rng)
    return sandbox, share, records, len(paths)


def archives(share):
    """A tar and a zip whose member names climb out or are absolute."""
    with tarfile.open(os.fsdecode(os.path.join(share, b"evil.tar")), "w") as t:
        for member in ["../../escape-from-tar.txt", "/tmp/absolute-from-tar.txt", "a/../../../b.txt"]:
            data = member.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link-out")
        link.type, link.linkname = tarfile.SYMTYPE, "../../../outside"
        t.addfile(link)
    with zipfile.ZipFile(os.fsdecode(os.path.join(share, b"evil.zip")), "w") as z:
        for member in ["../../escape-from-zip.txt", "/absolute-from-zip.txt", "..\\..\\backslash-from-zip.txt"]:
            z.writestr(member, member)


def records_for(records, share, paths, rng):
    """A CSV and a SQLite table referencing the files (their UTF-8 names) with climbing record
    values, and HTML notes linking to climbing paths."""
    rows = []
    for i, rel in enumerate(paths):
        try:
            text = rel.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if "\n" in text or "\r" in text:
            continue
        rows.append((str(i), text, FOLDER_VALUES[i % len(FOLDER_VALUES)], "see " + CLIMBING_PATHS[i % len(CLIMBING_PATHS)]))
    for j, climb in enumerate(CLIMBING_PATHS):
        rows.append(("x%d" % j, climb, FOLDER_VALUES[j % len(FOLDER_VALUES)], "<a href=\"%s\">x</a>" % climb))
    with open(os.path.join(records, b"files.csv"), "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id", "path", "folder", "note"])
        out.writerows(rows)
    con = sqlite3.connect(os.path.join(records, b"crm.sqlite"))
    con.execute("CREATE TABLE docs (id TEXT PRIMARY KEY, path TEXT, folder TEXT, note TEXT)")
    con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
    con.commit()
    con.close()
    notes = os.path.join(records, b"notes")
    for k, name in enumerate([b"note.html", b". .", b"...", b"..\\..\\note.html", soup(rng), soup(rng)]):
        body = "".join('<p><a href="%s">link</a> %s</p>\n' % (c, c) for c in CLIMBING_PATHS)
        with open(os.path.join(notes, name), "wb") as f:
            f.write(body.encode())


def manifest_yaml(sandbox):
    s = os.fsdecode(sandbox)
    return f"""version: 1
catalog: attache.db
roots:
  - path: '{s}/legacy/share'
    aliases: ['\\\\server\\share\\', 'K:\\']
sources:
  - name: csv-records
    csv: '{s}/records/files.csv'
    key: [id]
    file: '{{path}}'
    base: '{s}/legacy/share'
    fields: [folder]
    text: [note]
  - name: sqlite-records
    sqlite: '{s}/records/crm.sqlite'
    table: docs
    key: [id]
    file: '{{path}}'
    base: '{s}/legacy/share'
    fields: [folder]
    text: [note]
  - name: notes
    text_files: '{s}/records/notes'
    relative_base: 'K:\\'
policy: policy.yaml
target: {{ path: '{s}/target', address: '\\\\newsrv\\crm\\' }}
"""


POLICY = """version: 1
name: containment ({profile}, rename {rename})
target: {{ profile: {profile} }}
layout: '{{record.folder}}/{{dir}}/{{name}}'
rules:
  - name: archive-unreferenced
    when: {{ referenced: false }}
    action: archive
default: keep
archive: {{ format: tar.zst, volume_size: 1 MiB, grouping: '{{dir}}', naming: '_archive/{{group}}-{{volume}}' }}
limits: {{ rename: {rename} }}
"""
CLIMBING_POLICIES = [
    "layout: '../{name}'", "layout: '/abs/{name}'", "layout: '{dir}/../../{name}'", "layout: '..{ext}/{name}'",
    "layout: 'a\\\\..\\\\..\\\\{name}'", "layout: 'C:/{name}'",
    "archive: { format: tar.zst, grouping: '{dir}', naming: '../_archive/{group}-{volume}' }",
    "archive: { format: tar.zst, grouping: '../../{dir}', naming: '_archive/{group}-{volume}' }",
]


# What attache writes beside its catalog, and the policy the harness swaps per variant.
WATCH_SKIP = {b"report.html", b"policy.yaml"}


def listing(w, sandbox):
    """Every entry of W but the target, the output folder and the catalog: path bytes, type,
    size, mtime, mode and content hash (folders: type and mode only — files created in the
    catalog's folder move its mtime)."""
    skip_trees = {os.path.join(sandbox, b"target"), os.path.join(sandbox, b"state", b"rewritten")}
    state = os.path.join(sandbox, b"state")
    out = {}
    for folder, dirs, files in os.walk(w):
        dirs[:] = sorted(d for d in dirs if os.path.join(folder, d) not in skip_trees)
        for name in sorted(dirs + files):
            p = os.path.join(folder, name)
            if p in skip_trees or (folder == state and (name in WATCH_SKIP or name.startswith(b"attache.db"))):
                continue
            st = os.lstat(p)
            kind = stat.S_IFMT(st.st_mode)
            if stat.S_ISDIR(st.st_mode):
                out[p] = ("dir", oct(st.st_mode))
            elif stat.S_ISLNK(st.st_mode):
                out[p] = ("link", os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                out[p] = ("file", st.st_size, st.st_mtime_ns, oct(st.st_mode), digest)
            else:
                out[p] = ("other", kind)
    return out


class Runner:
    def __init__(self, attache, cwd, log):
        self.attache, self.cwd, self.log = attache, cwd, log
        self.crashes = []    # killed by a signal, a runtime trap, or an unpublished exit status
        self.unexpected = []  # a published status, but not the one this step should end with
        self.commands = 0

    def __call__(self, *args, expect=OUTCOMES):
        r = subprocess.run([self.attache, *args], cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
        self.commands += 1
        err = r.stderr.decode("utf-8", "replace")
        self.log.write("$ attache %s → %d\n%s%s\n" % (" ".join(args), r.returncode, r.stdout.decode("utf-8", "replace")[-3000:], err[-3000:]))
        said = (err.strip() or r.stdout.decode("utf-8", "replace").strip())[-600:]
        what = "attache %s → %d: %s" % (" ".join(args), r.returncode, said)
        if r.returncode < 0 or r.returncode not in PUBLISHED or "Fatal error" in err or "Stack dump" in err:
            self.crashes.append(what)
        elif r.returncode not in expect:
            self.unexpected.append(what)
        return r


def plant_in_target(run, sandbox, w):
    """Symbolic links to W/outside where the plan will write: a folder a planned path needs,
    a planned file's own name, and the folder of a planned archive. Returns what was planted."""
    r = run("list", "decisions", "--format", "json")
    try:
        decisions = json.loads(r.stdout)
    except ValueError:
        return []
    if isinstance(decisions, dict):
        decisions = next((v for v in decisions.values() if isinstance(v, list)), [])
    paths = sorted({d.get("target_path") or "" for d in decisions if isinstance(d, dict)} - {""})
    archives = sorted({d.get("archive_path") or "" for d in decisions if isinstance(d, dict)} - {""})
    planted = []
    target = os.path.join(sandbox, b"target")
    archive_folders = sorted({os.fsencode(a.split("/")[0]) for a in archives if "/" in a})
    if archive_folders:
        os.symlink(os.path.join(w, b"outside", b"planted-archive"), os.path.join(target, archive_folders[0]))
        planted.append(archive_folders[0])
        paths = [p for p in paths if not os.fsencode(p).startswith(archive_folders[0] + b"/")]
    folders = [p for p in paths if "/" in p]
    if folders:
        first = os.fsencode(folders[0].split("/")[0])
        os.symlink(os.path.join(w, b"outside", b"planted-folder"), os.path.join(target, first))
        planted.append(first)
        paths = [p for p in paths if not os.fsencode(p).startswith(first + b"/")]
    singles = paths
    if singles:
        p = os.fsencode(singles[-1])
        os.makedirs(os.path.dirname(os.path.join(target, p)), exist_ok=True)
        os.symlink(os.path.join(w, b"outside", b"victim.txt"), os.path.join(target, p))
        planted.append(p)
    return planted


def differences(before, after):
    """Paths that appeared, disappeared or changed."""
    return sorted(set(before) ^ set(after) | {p for p in before if p in after and before[p] != after[p]})


def prove(args):
    w = os.fsencode(tempfile.mkdtemp(prefix="attache-proof-containment."))
    log_path = w + b".log"
    log = open(log_path, "w")
    try:
        sandbox, share, records, files = build(w, args.seed, args.random)
        state = os.path.join(sandbox, b"state")
        with open(os.path.join(state, b"attache.yaml"), "w") as f:
            f.write(manifest_yaml(sandbox))
        for k, text in enumerate(CLIMBING_POLICIES):
            base = POLICY.format(profile="local", rename="true")
            key = text.split(":")[0]
            lines = [l for l in base.splitlines() if not l.startswith(key + ":")] + [text]
            with open(os.path.join(state, b"climb-%d.yaml" % k), "w") as f:
                f.write("\n".join(lines) + "\n")
        for d in [b"planted-folder", b"planted-archive", b"planted-output"]:
            os.makedirs(os.path.join(w, b"outside", d))
        before = listing(w, sandbox)
        run = Runner(args.attache, state, log)
        refused = 0
        for k in range(len(CLIMBING_POLICIES)):
            name = "climb-%d.yaml" % k
            if k == 0:
                run("scan", expect=OUTCOMES)
                run("refs", expect=OUTCOMES)
            r = run("plan", "--policy", name, expect={65})
            refused += r.returncode == 65
        variants = [("local", "true"), ("sharepoint-online", "true"), ("local", "false")][: args.variants]
        planted, planted_output = [], 0
        for v, (profile, rename) in enumerate(variants):
            with open(os.path.join(state, b"policy.yaml"), "w") as f:
                f.write(POLICY.format(profile=profile, rename=rename))
            run("run", "-q", "--until", "plan")
            if v == 0:
                # Links to W/outside where apply and rewrite will write; then the stages, which
                # must refuse to write through them (per-file problems, or the output refused).
                planted = plant_in_target(run, sandbox, w)
                run("apply", expect={0, 3})
                run("verify", expect={0, 3, 5})
                # In the rewrite's output folder: a link where each source's copies go (one at
                # a time: the first refused stops the rewrite), and one at links.csv (a file is
                # renamed over it, never written through).
                out = os.path.join(state, b"rewritten")
                os.makedirs(out, exist_ok=True)
                os.symlink(os.path.join(w, b"outside", b"victim.txt"), os.path.join(out, b"links.csv"))
                for source in [b"csv-records", b"sqlite-records", b"notes"]:
                    link = os.path.join(out, source)
                    shutil.rmtree(link, ignore_errors=True)  # copies an earlier refused rewrite made
                    os.symlink(os.path.join(w, b"outside", b"planted-output"), link)
                    r = run("rewrite", expect={74})
                    planted_output += b"symbolic link" in r.stderr and source in r.stderr
                    os.unlink(link)
                run("rewrite", "--revert", expect={0, 3, 66})
                # The next variants run without the planted links: the copies are written.
                for p in planted:
                    os.unlink(os.path.join(sandbox, b"target", p))
            run("apply", expect={0, 3})
            run("verify", expect={0})
            run("rewrite", expect={0, 3})
            run("verify", "--references", expect={0, 3, 5})
            run("rewrite", "--revert", expect={0})
            run("report", "--format", "html", "--out", "report.html", expect={0})
        after = listing(w, sandbox)
        escapes = differences(before, after)
        # The listing can see an escape: one planted on purpose is found (then removed).
        planted_escape = os.path.join(w, b"outside", b"escaped-on-purpose.txt")
        with open(planted_escape, "w") as f:
            f.write("an escape the listing must see\n")
        seen = differences(before, listing(w, sandbox)) == sorted(escapes + [planted_escape])
        os.remove(planted_escape)
        print("containment: self-check: an escape planted on purpose is %s" % ("seen" if seen else "NOT SEEN"), file=sys.stderr)
        for p in escapes[:20]:
            print("containment: ESCAPE %s: %s → %s" % (p.decode("utf-8", "backslashreplace"), before.get(p), after.get(p)), file=sys.stderr)
        for c in run.crashes[:20]:
            print("containment: CRASH %s" % c, file=sys.stderr)
        print("containment: seed %d, %d legacy files (%d fixed adversarial names, %d random byte-soup), %d policy variants, "
              "%d attache commands, %d/%d climbing policies refused, planted links: %s"
              % (args.seed, files, len(FIXED), args.random, len(variants), run.commands, refused, len(CLIMBING_POLICIES),
                 ", ".join(p.decode("utf-8", "backslashreplace") for p in planted) or "none"), file=sys.stderr)
        for c in run.unexpected[:20]:
            print("containment: UNEXPECTED %s" % c, file=sys.stderr)
        print("containment: %d/3 links planted in the output folder refused by rewrite" % planted_output, file=sys.stderr)
        ok = (seen and not escapes and not run.crashes and not run.unexpected and refused == len(CLIMBING_POLICIES)
              and len(planted) == 3 and planted_output == 3)
        if refused != len(CLIMBING_POLICIES):
            print("containment: a policy whose literal text climbs was not refused (exit 65)", file=sys.stderr)
        if len(planted) != 3:
            print("containment: could not plant the three links in the target (no planned paths or archives?)", file=sys.stderr)
        print("containment: %d crashes, %d unexpected exit statuses" % (len(run.crashes), len(run.unexpected)), file=sys.stderr)
        print("PROOF containment|escapes|%d|%s" % (len(escapes), "pass" if ok else "FAIL"))
        args.keep = args.keep or not ok
        return 0 if ok else 1
    finally:
        log.close()
        if args.keep:
            print("containment: kept %s and its log %s.log" % (w.decode(), w.decode()), file=sys.stderr)
        else:
            shutil.rmtree(w, ignore_errors=True)
            os.remove(log_path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("--random", type=int, default=40, help="random byte-soup names (default 40)")
    p.add_argument("--variants", type=int, default=3, help="policy variants: local, sharepoint-online, rename off")
    p.add_argument("--attache", default=os.environ.get("ATTACHE_BIN") or os.path.join(REPO, ".build/debug/attache"))
    p.add_argument("--keep", action="store_true", help="keep the scratch folder and the log")
    args = p.parse_args()
    if not os.access(args.attache, os.X_OK):
        print("containment: no attache binary at %s (make build)" % args.attache, file=sys.stderr)
        print("PROOF containment|escapes|?|FAIL")
        return 1
    print("containment: seed %d (re-run with --seed %d --random %d)" % (args.seed, args.seed, args.random), file=sys.stderr)
    return prove(args)


if __name__ == "__main__":
    sys.exit(main())
