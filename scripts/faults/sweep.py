#!/usr/bin/env python3
"""Fault sweep (issue 17): `attache apply` with a target fault injected at each write (or
fsync, or rename) in turn, through the LD_PRELOAD shim (faultshim.c). Every faulted run must
stop cleanly (exit 74, or finish with 0 when the fault came after its last call), leave no
temporary file in the target, and the next run (no fault) must finish, `attache verify` exit 0
and the mapping equal an uninterrupted run's. The fixture is the crash matrix's
(scripts/proof/crash_driver.py). Each injected fault is appended to --tally.

    sweep.py [--binary PATH] [--tally FILE] [--max N]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "proof"))
import crash_driver as cd  # noqa: E402

FAULTS = ["write:ENOSPC", "write:EDQUOT", "fsync:EIO", "open:EACCES", "rename:EIO"]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--binary", default=os.path.join(here, "../../.build/debug/attache"))
    a.add_argument("--tally")
    a.add_argument("--max", type=int, default=40, help="at most this many injection points per fault")
    a.add_argument("--faults", nargs="*", default=FAULTS, help=f"the faults to sweep (default: {' '.join(FAULTS)})")
    o = a.parse_args()
    binary = os.path.abspath(o.binary)
    shim = subprocess.run(["sh", os.path.join(here, "build.sh")], capture_output=True, text=True, check=True).stdout.strip()
    root = tempfile.mkdtemp(prefix="attache-sweep-")
    points = 0
    try:
        fixture = os.path.join(root, "fixture")
        os.makedirs(fixture)
        cd.make_fixture(fixture)
        snaps = cd.prepare(binary, fixture, root)
        work = os.path.join(root, "w")
        ws = cd.Workspace(binary, work)
        cd.restore(snaps["apply"], work)
        ws.run(["apply"])
        want = ws.listing("mapping", without=cd.MAPPING_VOLATILE)
        target = os.path.join(work, "target")
        log = os.path.join(root, "shim.log")
        for fault in o.faults:
            swept = 0
            for after in range(o.max):
                cd.restore(snaps["apply"], work)
                if os.path.exists(log):
                    os.unlink(log)
                env = {"LD_PRELOAD": shim, "ATTACHE_SHIM_FAULT": fault, "ATTACHE_SHIM_PATH": target,
                       "ATTACHE_SHIM_AFTER": str(after), "ATTACHE_SHIM_LOG": log}
                r = ws.run(["apply", "--workers", "1"], env=env, check=False)
                injected = open(log).read().splitlines() if os.path.exists(log) else []
                if o.tally and injected:
                    with open(o.tally, "a") as t:
                        t.write("".join(line + "\n" for line in injected))
                where = f"{fault} after {after} calls"
                if not injected:
                    if r.returncode not in cd.FINISHED:
                        raise cd.Failed(f"{where}: no fault injected, yet apply exited {r.returncode}: {r.stderr[-300:]}")
                    break  # past the last call: this fault is swept
                # The target's own folder refused at the start is "cannot use the target" (66).
                if r.returncode != 74 and not (r.returncode == 66 and fault.startswith("open") and after == 0):
                    raise cd.Failed(f"{where}: apply exited {r.returncode}, not 74: {r.stderr[-400:]}")
                left = [n for t, _, ns in os.walk(target) for n in ns if ".attache-tmp" in n]
                if left:
                    raise cd.Failed(f"{where}: temporary files left in the target: {left}")
                ws.run(["apply"])
                if ws.run(["verify"], check=False).returncode != 0:
                    raise cd.Failed(f"{where}: the resumed target does not verify")
                if ws.listing("mapping", without=cd.MAPPING_VOLATILE) != want:
                    raise cd.Failed(f"{where}: the mapping differs from an uninterrupted run's")
                points += 1
                swept += 1
            print(f"sweep {fault}: {swept} injection points, each a clean stop (74), resumed and verified", flush=True)
    except cd.Failed as e:
        print(f"FAIL: {e}", flush=True)
        return 1
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"sweep: {points} faulted apply runs resumed and verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
