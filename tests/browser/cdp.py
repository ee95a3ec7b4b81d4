"""Check an HTML report in headless Chromium through the DevTools protocol (pipe transport).

Standard library and ovm only: Chromium is found as ``ovm.reporting.pdf`` finds it, and
started with ``--remote-debugging-pipe``; it reads NUL-terminated JSON commands on fd 3 and
writes replies and events on fd 4, so no port is opened and no websocket client is needed.

What :func:`check_page` does: loads the page, collects console errors, uncaught exceptions,
failed or blocked requests (a CSP violation counts), takes screenshots at desktop width
(1280 x 2000) and A4 width (794 x 1123, print media), prints it to PDF (A4, the page's own
``@page`` size) and runs axe-core in the page (through ``Runtime.evaluate``, which the page's
Content-Security-Policy does not block).

Command line: ``python tests/browser/cdp.py REPORT.html --out artifacts/browser``
prints the result as JSON.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)
AXE_RUN = """
axe.run(document, {resultTypes: ['violations', 'incomplete']}).then(r => JSON.stringify({
  version: r.testEngine.version,
  passes: r.passes.length,
  incomplete: r.incomplete.length,
  incompleteRules: r.incomplete.map(v => v.id),
  violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({
      target: n.target, html: n.html.slice(0, 200), summary: n.failureSummary}))}))}))
"""
DESKTOP = (1366, 900)
PHONE = (390, 844)
A4 = (794, 1123)
OVERFLOW = """JSON.stringify({page: document.documentElement.scrollWidth,
  view: document.documentElement.clientWidth,
  wide: Array.from(document.querySelectorAll('body *')).filter(e => {
    const r = e.getBoundingClientRect();
    const box = e.parentElement && e.parentElement.closest('.table-wrap');
    const view = document.documentElement.clientWidth + 1;
    const inside = box && box.getBoundingClientRect().right <= view;
    return r.right > document.documentElement.clientWidth + 1 && !inside;
  }).slice(0, 5).map(e => e.tagName.toLowerCase() + '.'
                     + String(e.className.baseVal ?? e.className) + (e.id ? '#' + e.id : ''))})"""
"""The page's width against the viewport's, and elements sticking out (outside .table-wrap)."""


def find_chromium() -> str | None:
    """The Chromium executable, found as ``ovm report --format pdf`` finds it
    (``$OVM_CHROMIUM``, else the usual names on the PATH); None when it is not executable."""
    from ovm.reporting.pdf import find_chromium as named

    exe = named()
    return shutil.which(exe) if exe else None


class CDPError(RuntimeError):
    """The browser answered a command with an error, or did not answer in time."""


class Browser:
    """A headless Chromium driven over the DevTools pipe."""

    def __init__(self, executable: str, user_data_dir: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child: the pipe ends become fds 3 and 4
            a = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3, inheritable=True)
            os.dup2(b, 4, inheritable=True)

        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            close_fds=False,
            preexec_fn=wire,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        """Ask the browser to quit, then make sure it did."""
        with contextlib.suppress(CDPError, OSError):
            self.send("Browser.close", timeout=10)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.proc.stderr is not None:
            self.proc.stderr.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("timed out waiting for the browser")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                err = b""
                if self.proc.stderr is not None:
                    err = self.proc.stderr.read() or b""
                raise CDPError(
                    "the browser closed the pipe: " + err.decode("utf-8", "replace")[-2000:]
                )
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send a command and wait for its reply (events that arrive meanwhile are kept)."""
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self._to_browser, data) :]
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait_for(
        self, method: str, session: str | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """Wait for an event (one already received counts)."""
        for ev in self.events:
            if ev["method"] == method and (session is None or ev.get("sessionId") == session):
                self.events.remove(ev)
                return ev
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            ev = self._read_message(deadline)
            if "method" not in ev:
                continue
            if ev["method"] == method and (session is None or ev.get("sessionId") == session):
                return ev
            self.events.append(ev)


@dataclass
class PageCheck:
    """What the browser saw on one page."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)
    incomplete: int = 0
    incomplete_rules: list[str] = field(default_factory=list)
    passes: int = 0
    screenshots: list[str] = field(default_factory=list)
    pdf: str | None = None
    pdf_pages: int = 0
    phone_overflow: int = 0
    """How many CSS pixels the page is wider than the phone viewport (0: no sideways scroll)."""
    phone_wide: list[str] = field(default_factory=list)
    axe_version: str | None = None

    def serious(self) -> list[dict[str, Any]]:
        """The axe violations of serious or critical impact."""
        return [v for v in self.violations if v.get("impact") in ("serious", "critical")]


def _problems(events: list[dict[str, Any]], check: PageCheck) -> None:
    for ev in events:
        method, p = ev["method"], ev.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            text = " ".join(
                str(a.get("value", a.get("description", ""))) for a in p.get("args", [])
            )
            check.console_errors.append(f"console.{p['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = p.get("exceptionDetails", {})
            check.console_errors.append(
                f"exception: {details.get('text')} "
                f"{details.get('exception', {}).get('description', '')}"
            )
        elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            entry = p["entry"]
            check.console_errors.append(
                f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip()
            )
        elif method == "Network.loadingFailed":
            reason = p.get("blockedReason") or p.get("errorText")
            check.failed_requests.append(f"{p.get('type')} {reason} ({p.get('requestId')})")
        elif method == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if url.startswith(("http:", "https:", "ws:", "wss:", "ftp:")):
                check.failed_requests.append(f"network request to {url}")
        elif method == "Network.responseReceived":
            status = p.get("response", {}).get("status", 0)
            if status >= 400:
                check.failed_requests.append(f"HTTP {status} {p['response'].get('url')}")


def _screenshot(browser: Browser, session: str, path: Path, full: bool = False) -> None:
    params: dict[str, Any] = {"format": "png"}
    if full:
        metrics = browser.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = min(int(size["height"]), 16000)
        params.update(
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": int(size["width"]), "height": height, "scale": 1},
        )
    shot = browser.send("Page.captureScreenshot", params, session=session, timeout=120)
    path.write_bytes(base64.b64decode(shot["data"]))


def check_page(
    html_file: str | Path,
    out_dir: str | Path,
    *,
    name: str = "report",
    chromium: str | None = None,
    axe: Path = AXE,
    full_page: bool = True,
    timeout: float = 60.0,
) -> PageCheck:
    """Load ``html_file`` in headless Chromium, screenshot it, print it, audit it with axe."""
    exe = chromium or find_chromium()
    if exe is None:
        raise FileNotFoundError("no Chromium found (install it or set OVM_CHROMIUM)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    url = Path(html_file).resolve().as_uri()
    check = PageCheck(url)
    with (
        tempfile.TemporaryDirectory(prefix="ovm-chromium-") as profile,
        Browser(exe, profile, timeout) as browser,
    ):
        target = browser.send("Target.createTarget", {"url": "about:blank"})
        session = browser.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": DESKTOP[0], "height": DESKTOP[1], "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.events.clear()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired", session=session)
        # let late events (blocked loads, CSP reports) arrive
        browser.send(
            "Runtime.evaluate",
            {
                "expression": "new Promise(r => requestAnimationFrame(() => setTimeout(r, 300)))",
                "awaitPromise": True,
            },
            session=session,
        )
        _problems([e for e in browser.events if e.get("sessionId") == session], check)
        browser.events.clear()

        desktop = out / f"{name}-desktop.png"
        _screenshot(browser, session, desktop)
        check.screenshots.append(str(desktop))
        if full_page:
            full = out / f"{name}-desktop-full.png"
            _screenshot(browser, session, full, full=True)
            check.screenshots.append(str(full))

        if axe.exists():
            browser.send(
                "Runtime.evaluate",
                {"expression": axe.read_text("utf-8")},
                session=session,
                timeout=120,
            )
            res = browser.send(
                "Runtime.evaluate",
                {"expression": AXE_RUN, "awaitPromise": True, "returnByValue": True},
                session=session,
                timeout=300,
            )
            if "exceptionDetails" in res:
                raise CDPError(f"axe failed: {res['exceptionDetails']}")
            audit = json.loads(res["result"]["value"])
            check.violations = audit["violations"]
            check.passes = audit["passes"]
            check.incomplete = audit["incomplete"]
            check.incomplete_rules = audit["incompleteRules"]
            check.axe_version = audit["version"]

        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True},
            session=session,
        )
        browser.send(
            "Runtime.evaluate",
            {
                "expression": "new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)))",
                "awaitPromise": True,
            },
            session=session,
        )
        res = browser.send(
            "Runtime.evaluate", {"expression": OVERFLOW, "returnByValue": True}, session=session
        )
        widths = json.loads(res["result"]["value"])
        check.phone_overflow = max(0, int(widths["page"]) - int(widths["view"]))
        check.phone_wide = list(widths["wide"])
        phone = out / f"{name}-phone.png"
        _screenshot(browser, session, phone)
        check.screenshots.append(str(phone))
        if full_page:
            phone_full = out / f"{name}-phone-full.png"
            _screenshot(browser, session, phone_full, full=True)
            check.screenshots.append(str(phone_full))

        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": A4[0], "height": A4[1], "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
        a4 = out / f"{name}-a4-print.png"
        _screenshot(browser, session, a4)
        check.screenshots.append(str(a4))
        browser.send("Emulation.setEmulatedMedia", {"media": ""}, session=session)
        a4_screen = out / f"{name}-a4-screen.png"
        _screenshot(browser, session, a4_screen)
        check.screenshots.append(str(a4_screen))

        pdf = browser.send(
            "Page.printToPDF",
            {"printBackground": True, "preferCSSPageSize": True},
            session=session,
            timeout=300,
        )
        pdf_bytes = base64.b64decode(pdf["data"])
        pdf_path = out / f"{name}.pdf"
        pdf_path.write_bytes(pdf_bytes)
        check.pdf = str(pdf_path)
        check.pdf_pages = (
            pdf_bytes.count(b"/Type /Page\n")
            + pdf_bytes.count(b"/Type /Page ")
            + pdf_bytes.count(b"/Type /Page>")
            + pdf_bytes.count(b"/Type/Page\n")
            + pdf_bytes.count(b"/Type/Page/")
            + pdf_bytes.count(b"/Type/Page>")
        )
        _problems([e for e in browser.events if e.get("sessionId") == session], check)
    return check


SPLIT_WORDS = """JSON.stringify(Array.from(document.querySelectorAll(SELECTOR)).flatMap(el => {
  const out = [];
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    for (const m of n.data.matchAll(/[^\\s()]+/g)) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      const tops = new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top)));
      if (tops.size > 1) out.push(m[0]);
    }
  }
  return out;
}))"""
"""The words of the elements ``SELECTOR`` finds that the layout split over two lines."""

SETTLE = {"expression": "new Promise(r => requestAnimationFrame(() => setTimeout(r, 100)))"}
"""Waits for the layout of a new viewport."""


def split_words(
    html_file: str | Path,
    selector: str,
    widths: tuple[tuple[int, int, bool], ...] = ((*DESKTOP, False), (*PHONE, True)),
    *,
    chromium: str | None = None,
    timeout: float = 60.0,
) -> dict[int, list[str]]:
    """The words of ``selector``'s elements broken inside, at each viewport of ``widths``
    (width, height, mobile), by width: a column too narrow for a header's word breaks it."""
    exe = chromium or find_chromium()
    if exe is None:
        raise FileNotFoundError("no Chromium found (install it or set OVM_CHROMIUM)")
    found: dict[int, list[str]] = {}
    expression = SPLIT_WORDS.replace("SELECTOR", json.dumps(selector))
    with (
        tempfile.TemporaryDirectory(prefix="ovm-chromium-") as profile,
        Browser(exe, profile, timeout) as browser,
    ):
        target = browser.send("Target.createTarget", {"url": "about:blank"})
        session = browser.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )["sessionId"]
        browser.send("Page.enable", session=session)
        browser.send("Page.navigate", {"url": Path(html_file).resolve().as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired", session=session)
        for width, height, mobile in widths:
            browser.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
                session=session,
            )
            browser.send("Runtime.evaluate", {**SETTLE, "awaitPromise": True}, session=session)
            res = browser.send(
                "Runtime.evaluate",
                {"expression": expression, "returnByValue": True},
                session=session,
            )
            found[width] = list(json.loads(res["result"]["value"]))
    return found


def main(argv: list[str] | None = None) -> int:
    """Command line: check a report and print what the browser saw as JSON."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("html")
    p.add_argument("--out", default="artifacts/browser")
    p.add_argument("--name", default="report")
    args = p.parse_args(argv)
    check = check_page(args.html, args.out, name=args.name)
    print(json.dumps(asdict(check), indent=1))
    bad = check.console_errors or check.failed_requests or check.serious()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
