#!/usr/bin/env python3
"""Opens attache's HTML report in headless Chromium and fails on what a reader would find broken.

    check_report.py REPORT.html [--screenshot OUT.png] [--pdf OUT.pdf] [--width 1280] [--timeout 60]

The report is one self-contained file that people open from a share or a mail, often offline
and often with scripts blocked, and print for a meeting. So the page is loaded twice in
Chromium (`chromium --headless`, driven over the DevTools protocol on a pipe: fd 3 takes
commands, fd 4 gives replies and events, each a JSON text ended by a NUL byte), first as is,
then with scripts disabled, and the check fails on:

- a request for anything but the report itself (data: URLs are fine): http(s), ws, another
  file. Such a request is failed on the spot, so an unreachable address cannot stall the page;
- a console error or failed assertion, an uncaught exception, a browser error in the log;
- a page without an <h1>;
- a chart that renders empty (the contract below);
- a <table> without a row in a <tbody>, or a chart that renders empty, with scripts disabled.

Contract with the report's HTML: every chart is an `<svg class="chart" data-chart="NAME">`,
and the page has at least one. A chart is drawn when the svg has a non-zero size and holds a
visible shape (rect, path, circle, polygon, line, polyline, ellipse, not inside defs, a clip
path, mask, pattern, marker or symbol) whose getBoundingClientRect() has width > 0 and
height > 0, whose computed visibility is visible, and whose computed fill or stroke paints
(not none or transparent, and not at opacity 0; a stroke also not of width 0).

--screenshot writes a PNG of the whole page at --width pixels wide; --pdf prints the page as
Chromium prints it (the report's print stylesheet) and reports the PDF's page count. Both are
written even when a check fails, for people to look at.

Exit status: 0 every check passed (one summary line on stdout) · 1 a check failed, or the
browser did not answer within --timeout seconds (one line per failure on stderr, each prefixed
`check-report: `) · 2 Chromium is not installed · 64 usage · 130 interrupted. Chromium is
`chromium` on PATH, or $CHROMIUM. It runs with a scratch profile in a temporary folder; the
browser and the folder are removed however the check ends. Standard library only.
"""
import argparse
import base64
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag

PREFIX = "check-report: "
VIEWPORT_HEIGHT = 800

# Evaluated in the page after each load: what the checks need, as one JSON value.
INSPECT = r"""(() => {
  const hidden = 'defs, clipPath, mask, pattern, marker, symbol';
  const none = v => !v || v === 'none' || v === 'transparent' || /^rgba\(.*,\s*0(\.0*)?\)$/.test(v);
  const paints = s =>
    (!none(s.fill) && parseFloat(s.fillOpacity) !== 0) ||
    (!none(s.stroke) && parseFloat(s.strokeOpacity) !== 0 && parseFloat(s.strokeWidth) !== 0);
  const charts = [...document.querySelectorAll('svg.chart')].map((svg, i) => {
    const box = svg.getBoundingClientRect();
    let shapes = 0, drawn = 0;
    for (const el of svg.querySelectorAll('rect, path, circle, polygon, line, polyline, ellipse')) {
      if (el.closest(hidden)) continue;
      shapes++;
      const r = el.getBoundingClientRect(), s = getComputedStyle(el);
      if (r.width > 0 && r.height > 0 && s.visibility === 'visible' && paints(s)) drawn++;
    }
    return {name: svg.getAttribute('data-chart'), index: i + 1,
            width: box.width, height: box.height, shapes, drawn};
  });
  const tables = [...document.querySelectorAll('table')].map((t, i) => ({
    name: t.id || (t.caption ? t.caption.textContent.trim() : '') || '',
    index: i + 1,
    rows: [...t.tBodies].reduce((n, b) => n + b.rows.length, 0)}));
  return {h1: document.querySelectorAll('h1').length, charts, tables};
})()"""

# With scripts on, lets the page finish what it does right after load (two frames, the fonts).
SETTLE = """new Promise(done => document.fonts.ready.then(() =>
  requestAnimationFrame(() => requestAnimationFrame(() => done(true)))))"""


class CheckFailed(Exception):
    """The browser could not do what the check needs: no reply in time, an error, an exit."""


class ChromiumMissing(Exception):
    """No Chromium to run (exit 2)."""


class Chromium:
    """A headless Chromium on a DevTools pipe: commands with a deadline each, events kept in order."""

    def __init__(self, executable, timeout):
        self.timeout = timeout
        self.events = []  # (method, params, sessionId), in arrival order
        self.on_event = None
        self._replies = {}
        self._ignored = set()
        self._next_id = 0
        self._buffer = b""
        self._eof = False
        self.dir = tempfile.mkdtemp(prefix="check-report-")
        self.proc = None
        commands_r, self._commands = os.pipe()
        self._replies_fd, replies_w = os.pipe()
        args = [executable, "--headless", "--remote-debugging-pipe", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--user-data-dir=" + self.dir,
                # Keeps the browser itself off the network too (Debian's launcher turns on
                # remote extensions, which drops its own --disable-background-networking).
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--mute-audio"]
        if os.geteuid() == 0:  # Chromium's sandbox refuses to run as root
            args.append("--no-sandbox")

        def onto_3_and_4():  # in the child, before exec: the pipe ends where Chromium expects them
            r, w = os.dup(commands_r), os.dup(replies_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self._stderr = open(os.path.join(self.dir, "chromium.log"), "wb")
        try:
            # Its own scratch files (org.chromium.Chromium.*) go in the folder too.
            env = dict(os.environ, TMPDIR=self.dir)
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._stderr,
                                         stderr=self._stderr, pass_fds=(3, 4), env=env,
                                         preexec_fn=onto_3_and_4, start_new_session=True)
        except OSError as e:
            self.close()
            raise ChromiumMissing("%s: %s" % (executable, e.strerror)) from e
        except BaseException:  # ^C while starting: nothing may stay behind
            self.close()
            raise
        finally:
            os.close(commands_r)
            os.close(replies_w)
        os.set_blocking(self._commands, False)

    # -- protocol --

    def post(self, method, params=None, session=None):
        """Sends a command without waiting for its reply (which is dropped when it comes)."""
        self._ignored.add(self._command(method, params, session))

    def send(self, method, params=None, session=None):
        """Sends a command and returns its result; CheckFailed on an error or no reply in time."""
        ident = self._command(method, params, session)
        deadline = time.monotonic() + self.timeout
        while ident not in self._replies:
            self._pump(deadline, "reply to " + method)
        reply = self._replies.pop(ident)
        if "error" in reply:
            raise CheckFailed("%s failed: %s" % (method, reply["error"].get("message", reply["error"])))
        return reply.get("result", {})

    def _command(self, method, params, session):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(json.dumps(message).encode() + b"\0", method)
        return self._next_id

    def wait_event(self, method, since, session=None, what=None):
        """The first event `method` at or after index `since` of self.events."""
        deadline = time.monotonic() + self.timeout
        i = since
        while True:
            while i < len(self.events):
                name, params, sid = self.events[i]
                if name == method and (session is None or sid == session):
                    return params
                i += 1
            self._pump(deadline, what or method)

    def _write(self, data, method):
        deadline = time.monotonic() + self.timeout
        while data:
            try:
                n = os.write(self._commands, data)
                data = data[n:]
            except BlockingIOError:
                if not select.select([], [self._commands], [], max(0, deadline - time.monotonic()))[1]:
                    raise CheckFailed("Chromium took no command (%s) within %g s" % (method, self.timeout))
            except BrokenPipeError:
                raise CheckFailed("Chromium exited before the reply to %s%s" % (method, self._last_words()))

    def _pump(self, deadline, waiting_for):
        """Reads what Chromium has written, waiting until the deadline; dispatches each message.
        `waiting_for` names what is awaited, for the failure: "load event", "reply to X"."""
        if self._eof:
            raise CheckFailed("Chromium exited before the %s%s" % (waiting_for, self._last_words()))
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([self._replies_fd], [], [], left)[0]:
            raise CheckFailed("no %s within %g s" % (waiting_for, self.timeout))
        chunk = os.read(self._replies_fd, 1 << 20)
        if not chunk:
            self._eof = True
            raise CheckFailed("Chromium exited before the %s%s" % (waiting_for, self._last_words()))
        *messages, self._buffer = (self._buffer + chunk).split(b"\0")
        for raw in messages:
            message = json.loads(raw)
            if "id" in message:
                if message["id"] in self._ignored:
                    self._ignored.discard(message["id"])
                else:
                    self._replies[message["id"]] = message
            else:
                event = (message.get("method"), message.get("params", {}), message.get("sessionId"))
                self.events.append(event)
                if self.on_event:
                    self.on_event(*event)

    def _last_words(self):
        try:
            status = self.proc.wait(timeout=1) if self.proc else None
        except subprocess.TimeoutExpired:
            status = None
        try:
            with open(os.path.join(self.dir, "chromium.log"), "rb") as f:
                tail = f.read().decode("utf-8", "replace").strip().splitlines()[-3:]
        except OSError:
            tail = []
        said = (" (status %s)" % status) if status is not None else ""
        return said + ("; it said: " + " | ".join(tail) if tail else "")

    # -- end --

    def close(self):
        """Ends the browser (politely for 3 s, then by killing its process group) and its folder."""
        if self.proc:
            if self.proc.poll() is None and not self._eof:
                try:
                    self.post("Browser.close")
                    deadline = time.monotonic() + 3
                    while not self._eof:  # the pipe closes when the browser is gone
                        self._pump(deadline, "browser to close")
                except (CheckFailed, OSError, ValueError):
                    pass
            # Kills what is left of the group this script started (a stuck browser, helpers);
            # before reaping the leader, so the group id cannot have been reused.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
        for fd in (self._commands, self._replies_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self._stderr.close()
        for _ in range(3):  # a helper that just died may still be removing its files
            shutil.rmtree(self.dir, ignore_errors=True)
            if not os.path.exists(self.dir):
                break
            time.sleep(0.2)


def place(url, line=None):
    """`report.html:12` for a file URL and a 1-based line; the URL as is otherwise."""
    if not url:
        where = "the page"
    elif url.startswith("file:"):
        where = unquote(urldefrag(url)[0]).rsplit("/", 1)[-1]
    else:
        where = url
    return where if line is None else "%s:%d" % (where, line)


def remote_value(arg):
    if "value" in arg:
        return arg["value"] if isinstance(arg["value"], str) else json.dumps(arg["value"])
    return arg.get("description") or arg.get("unserializableValue") or arg.get("type", "")


class Watch:
    """Collects, from the page's events, the failures that happen while it loads."""

    def __init__(self, browser, session, page_url):
        self.browser, self.session = browser, session
        self.page = unquote(urldefrag(page_url)[0])
        self.failures = []
        self.requests = set()  # URLs refused
        self.errors = 0

    def allowed(self, url):
        return url.startswith("data:") or unquote(urldefrag(url)[0]) == self.page

    def fail(self, message):
        if message not in self.failures:
            self.failures.append(message)

    def refuse(self, url):
        if url not in self.requests:
            self.requests.add(url)
            self.fail("network request to %s (the report must load nothing but itself)" % url)

    def __call__(self, method, params, session):
        if session != self.session:
            return
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if self.allowed(url):
                self.browser.post("Fetch.continueRequest", {"requestId": params["requestId"]}, session)
            else:
                self.refuse(url)
                self.browser.post("Fetch.failRequest", {"requestId": params["requestId"],
                                                        "errorReason": "BlockedByClient"}, session)
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if not self.allowed(url):
                self.refuse(url)
        elif method == "Network.webSocketCreated":
            self.refuse(params["url"])
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            top = ((params.get("stackTrace") or {}).get("callFrames") or [{}])[0]
            text = " ".join(remote_value(a) for a in params.get("args", []))
            if params["type"] == "assert":
                text = "assertion failed" + (": " + text if text else "")
            self.errors += 1
            line = top["lineNumber"] + 1 if "lineNumber" in top else None
            self.fail("console error at %s: %s" % (place(top.get("url"), line), text))
        elif method == "Runtime.exceptionThrown":
            d = params["exceptionDetails"]
            text = ((d.get("exception") or {}).get("description") or d.get("text", "")).splitlines()[0]
            self.errors += 1
            self.fail("uncaught exception at %s: %s" % (place(d.get("url"), d.get("lineNumber", -1) + 1), text))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            e = params["entry"]
            if e.get("source") == "network" and any(u == e.get("url") or u in e.get("text", "") for u in self.requests):
                return  # the refused request, already reported
            self.errors += 1
            line = e["lineNumber"] + 1 if "lineNumber" in e else None
            self.fail("browser error (%s) at %s: %s" % (e.get("source", "?"), place(e.get("url"), line), e.get("text", "")))


def inspect(page):
    """Failures in the structure of the page as INSPECT saw it."""
    failures = []
    if page["h1"] == 0:
        failures.append("no <h1> on the page")
    if not page["charts"]:
        failures.append('no chart on the page (an <svg class="chart" data-chart="NAME">)')
    for c in page["charts"]:
        name = '"%s"' % c["name"] if c["name"] else '#%d (an svg.chart without data-chart)' % c["index"]
        if not (c["width"] > 0 and c["height"] > 0):
            failures.append("chart %s has no size (%g×%g)" % (name, c["width"], c["height"]))
        elif c["drawn"] == 0:
            failures.append("chart %s renders empty (%s)" % (name, "no shapes" if c["shapes"] == 0 else
                            "none of its %d shapes is visible with a fill or stroke" % c["shapes"]))
    for t in page["tables"]:
        if t["rows"] == 0:
            name = ('"%s"' % t["name"]) if t["name"] else "#%d" % t["index"]
            failures.append("table %s has no rows in a <tbody>" % name)
    return failures


def count(n, thing):
    return "%d %s%s" % (n, thing, "" if n == 1 else "s")


def load(browser, session, url, watch, scripts):
    """Navigates, waits for the load event, then returns the page as INSPECT sees it."""
    mark = len(browser.events)
    nav = browser.send("Page.navigate", {"url": url}, session)
    if nav.get("errorText"):
        raise CheckFailed("Chromium could not open %s: %s" % (url, nav["errorText"]))
    browser.wait_event("Page.loadEventFired", mark, session, "load event")
    if scripts:
        browser.send("Runtime.evaluate", {"expression": SETTLE, "awaitPromise": True}, session)
    result = browser.send("Runtime.evaluate", {"expression": INSPECT, "returnByValue": True}, session)
    if "exceptionDetails" in result:
        raise CheckFailed("could not inspect the page: %s" % result["exceptionDetails"].get("text"))
    return result["result"]["value"]


def check(report, width=1280, timeout=60, screenshot=None, pdf=None):
    """Runs every check on one report; returns (failures, summary details)."""
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not executable or not os.access(executable, os.X_OK):
        raise ChromiumMissing(executable or "not on PATH")
    url = Path(report).resolve().as_uri()
    failures, notes = [], []
    browser = Chromium(executable, timeout)
    watch = None
    try:
        browser.send("Browser.getVersion")  # the browser is up and speaks the protocol
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        watch = Watch(browser, session, url)
        browser.on_event = watch
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(domain + ".enable", None, session)
        browser.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session)
        metrics = {"width": width, "height": VIEWPORT_HEIGHT, "deviceScaleFactor": 1, "mobile": False}
        browser.send("Emulation.setDeviceMetricsOverride", metrics, session)

        page = load(browser, session, url, watch, scripts=True)
        failures += inspect(page)
        if screenshot:
            height = browser.send("Runtime.evaluate", {"returnByValue": True, "expression":
                "Math.ceil(Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0))"},
                session)["result"]["value"]
            browser.send("Emulation.setDeviceMetricsOverride", dict(metrics, height=max(1, height)), session)
            shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session)
            browser.send("Emulation.setDeviceMetricsOverride", metrics, session)
            if save(screenshot, base64.b64decode(shot["data"]), failures):
                notes.append("screenshot: %s (%d×%d)" % (screenshot, width, height))
        if pdf:
            try:
                printed = base64.b64decode(browser.send("Page.printToPDF", {"printBackground": True}, session)["data"])
            except CheckFailed as e:
                failures.append("could not print the page: %s" % e)
            else:
                if not printed.startswith(b"%PDF"):
                    failures.append("printing the page gave no PDF (it starts %r)" % printed[:8])
                elif save(pdf, printed, failures):
                    pages = len(re.findall(rb"/Type\s*/Page(?!s)", printed))
                    notes.append("pdf: %s (%s)" % (pdf, count(pages, "page")))

        browser.send("Emulation.setScriptExecutionDisabled", {"value": True}, session)
        without = inspect(load(browser, session, url, watch, scripts=False))
        failures += [f + " with scripts disabled" for f in without if f not in failures]
        summary = "%s, %s, %s drawn, %s (also without scripts)" % (
            count(watch.errors, "console error"), count(len(watch.requests), "network request"),
            count(sum(1 for c in page["charts"] if c["drawn"]), "chart"), count(len(page["tables"]), "table"))
    except CheckFailed as e:
        failures.append(str(e))
        summary = None
    finally:
        browser.close()
    # What the page did wrong first, then what the checks of its structure found.
    happened = watch.failures if watch else []
    return happened + [f for f in failures if f not in happened], "; ".join([summary or ""] + notes)


def save(path, data, failures):
    try:
        Path(path).write_bytes(data)
        return True
    except OSError as e:
        failures.append("could not write %s: %s" % (path, e.strerror))
        return False


def interrupted(signum, frame):
    raise KeyboardInterrupt


class Usage(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(PREFIX + message, file=sys.stderr)
        sys.exit(64)


def main(argv=None):
    ap = Usage(prog="check_report.py", description="Checks attache's HTML report in headless Chromium.")
    ap.add_argument("report", help="the report's HTML file")
    ap.add_argument("--screenshot", metavar="OUT.png", help="write a PNG of the whole page")
    ap.add_argument("--pdf", metavar="OUT.pdf", help="print the page to a PDF")
    ap.add_argument("--width", type=int, default=1280, help="the window's width in pixels (1280)")
    ap.add_argument("--timeout", type=float, default=60, help="seconds to wait for any one answer (60)")
    a = ap.parse_args(argv)
    if a.width <= 0 or a.timeout <= 0:
        ap.error("--width and --timeout must be positive")
    if not os.path.isfile(a.report):
        print(PREFIX + "no such file: %s" % a.report, file=sys.stderr)
        return 1
    # A polite `kill` ends the check like ^C does: the browser and its folder go too.
    signal.signal(signal.SIGTERM, interrupted)
    started = time.monotonic()
    try:
        failures, summary = check(a.report, a.width, a.timeout, a.screenshot, a.pdf)
    except ChromiumMissing as e:
        print(PREFIX + "chromium not found (%s): apt-get install chromium" % e, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(PREFIX + "interrupted", file=sys.stderr)
        return 130
    if failures:
        for f in failures:
            print(PREFIX + f, file=sys.stderr)
        return 1
    print("%s%s — %s (%.1f s)" % (PREFIX, a.report, summary, time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
