"""Tests of check_report.py on small hand-written pages (testpages/): it passes a good page and
fails each broken one with the message that names the fault, within its time-outs, leaving no
browser and no temporary folder behind.

    python3 -m unittest discover -s scripts/report -p 'test_*.py'

They run the checker as a user does (a subprocess, its exit status and stderr), each with a
TMPDIR of its own that must be empty afterwards. Without Chromium they are skipped, except
with CI=true, where a missing Chromium is an error.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKER = HERE / "check_report.py"
PAGES = HERE / "testpages"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium")
IN_CI = os.environ.get("CI") == "true"
INTERNET = "network request to http://192.0.2.1/x.png (the report must load nothing but itself)"


def leftover_processes(marker):
    """Processes whose command line names `marker` (a browser left running)."""
    found = []
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
        try:
            if pid.isdigit() and marker.encode() in Path("/proc", pid, "cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            pass
    return found


class CheckerRun:
    """One run of the checker in a TMPDIR of its own."""

    def __init__(self, test, page, *args, interrupt_after=None):
        self.tmp = tempfile.mkdtemp(prefix="check-report-test-")
        test.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        env = dict(os.environ, TMPDIR=self.tmp)
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, str(CHECKER), str(PAGES / page), *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if interrupt_after is not None:
            time.sleep(interrupt_after)
            proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            test.fail("the checker did not end within 120 s on %s" % page)
        self.seconds = time.monotonic() - started
        self.code, self.out, self.errors = proc.returncode, out.strip(), err.strip().splitlines()
        test.assertEqual(leftover_processes(self.tmp), [], "a browser is left running")
        test.assertEqual(os.listdir(self.tmp), [], "the checker left files in its TMPDIR")


@unittest.skipUnless(CHROMIUM or IN_CI, "chromium is not installed (apt-get install chromium)")
class CheckReportTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not CHROMIUM:
            raise AssertionError("CI=true but chromium is not installed: apt-get install chromium")

    def check(self, page, *args, **kw):
        return CheckerRun(self, page, *args, **kw)

    def assertFails(self, run, *messages):
        self.assertEqual(run.code, 1, run.out)
        self.assertEqual(run.errors, ["check-report: " + m for m in messages])
        self.assertEqual(run.out, "")

    def test_a_good_page_passes(self):
        run = self.check("good.html")
        self.assertEqual(run.code, 0, run.errors)
        self.assertEqual(run.errors, [])
        self.assertRegex(run.out, r"^check-report: .*good\.html — 0 console errors, 0 network requests, "
                                  r"2 charts drawn, 1 table \(also without scripts\) \(\d+\.\d s\)$")

    def test_an_image_from_the_internet_fails_without_waiting_for_it(self):
        run = self.check("remote-image.html", "--timeout", "60")
        self.assertFails(run, INTERNET)
        self.assertLess(run.seconds, 30, "the check waited for an unreachable address")

    def test_a_server_that_never_answers_does_not_stall_the_check(self):
        # 192.0.2.1 fails at once where there is no route; a local server that takes the
        # connection and never answers stalls the page's load for real unless it is refused.
        silent = socket.socket()
        self.addCleanup(silent.close)
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = "http://127.0.0.1:%d/x.png" % silent.getsockname()[1]
        folder = tempfile.mkdtemp(prefix="check-report-page-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        page = Path(folder, "silent-server.html")
        page.write_text((PAGES / "remote-image.html").read_text().replace("http://192.0.2.1/x.png", url))
        run = self.check(page, "--timeout", "60")
        self.assertFails(run, "network request to %s (the report must load nothing but itself)" % url)
        self.assertLess(run.seconds, 30, "the check waited for a server that never answers")

    def test_another_files_stylesheet_fails(self):
        other = (PAGES / "other.css").as_uri()
        self.assertFails(self.check("other-file.html"),
                         "network request to %s (the report must load nothing but itself)" % other)

    def test_a_console_error_fails_with_its_text_and_line(self):
        self.assertFails(self.check("console-error.html"), "console error at console-error.html:9: boom")

    def test_an_uncaught_exception_fails_with_its_text_and_line(self):
        self.assertFails(self.check("exception.html"), "uncaught exception at exception.html:9: Error: kaboom")

    def test_charts_with_nothing_drawn_fail_by_name(self):
        self.assertFails(self.check("empty-charts.html"),
                         'chart "nothing" renders empty (no shapes)',
                         'chart "unpainted" renders empty (none of its 2 shapes is visible with a fill or stroke)',
                         'chart "zeros" renders empty (none of its 2 shapes is visible with a fill or stroke)',
                         'chart "collapsed" has no size (0×0)')

    def test_a_table_only_a_script_fills_fails_without_scripts(self):
        self.assertFails(self.check("script-table.html"),
                         'table "late" has no rows in a <tbody> with scripts disabled')

    def test_a_page_without_heading_or_chart_fails(self):
        self.assertFails(self.check("bare.html"),
                         "no <h1> on the page",
                         'no chart on the page (an <svg class="chart" data-chart="NAME">)')

    def test_a_page_that_never_loads_fails_at_the_timeout(self):
        run = self.check("busy-script.html", "--timeout", "3")
        self.assertFails(run, "no load event within 3 s")
        self.assertLess(run.seconds, 25)

    def test_screenshot_and_pdf(self):
        out = tempfile.mkdtemp(prefix="check-report-out-")
        self.addCleanup(shutil.rmtree, out, ignore_errors=True)
        png, pdf = os.path.join(out, "report.png"), os.path.join(out, "report.pdf")
        run = self.check("good.html", "--screenshot", png, "--pdf", pdf, "--width", "1000")
        self.assertEqual(run.code, 0, run.errors)
        self.assertIn("; screenshot: %s (1000×" % png, run.out)
        self.assertIn("; pdf: %s (1 page)" % pdf, run.out)
        self.assertEqual(Path(png).read_bytes()[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(Path(pdf).read_bytes()[:5], b"%PDF-")

    def test_a_terminated_check_ends_its_browser(self):
        run = self.check("busy-script.html", "--timeout", "60", interrupt_after=2)
        self.assertEqual(run.code, 130)
        self.assertEqual(run.errors, ["check-report: interrupted"])


class WithoutChromiumTests(unittest.TestCase):
    def run_checker(self, *args, **env):
        proc = subprocess.run([sys.executable, str(CHECKER), *args], env=dict(os.environ, **env),
                              capture_output=True, text=True, timeout=60)
        return proc.returncode, proc.stderr.strip().splitlines()

    def test_no_chromium_exits_2_and_says_how_to_install_it(self):
        code, errors = self.run_checker(str(PAGES / "good.html"), CHROMIUM="/nonexistent/chromium")
        self.assertEqual(code, 2)
        self.assertEqual(errors, ["check-report: chromium not found (/nonexistent/chromium): apt-get install chromium"])

    def test_a_browser_that_exits_at_once_fails_the_check(self):
        code, errors = self.run_checker(str(PAGES / "good.html"), CHROMIUM=shutil.which("false"))
        self.assertEqual(code, 1)
        self.assertEqual(errors, ["check-report: Chromium exited before the reply to Browser.getVersion (status 1)"])

    def test_usage_errors_exit_64(self):
        code, errors = self.run_checker(str(PAGES / "good.html"), "--width", "0")
        self.assertEqual(code, 64)
        self.assertEqual(errors[-1], "check-report: --width and --timeout must be positive")


if __name__ == "__main__":
    unittest.main()
