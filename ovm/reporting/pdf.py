"""Reports as PDF, printed by a headless Chromium.

The HTML report is the document: its print styles set A4 pages, open every ``<details>``,
and put page numbers, the rubric version and the data digest in the page margins. A PDF is
that document printed by Chromium, the engine the report's layout is checked in (desktop,
phone and A4), so the PDF shows what the HTML shows. Chromium is found as ``OVM_CHROMIUM``,
else as ``chromium``, ``chromium-browser``, ``google-chrome`` or ``google-chrome-stable`` on
the PATH (Debian and Ubuntu: ``apt-get install chromium``). It runs without a network
connection to anything: the report loads nothing, and its Content-Security-Policy forbids it.

Two PDFs of the same report differ in their creation date only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 300.0
"""Seconds a print may take before it is abandoned (a 60-page report takes about 10)."""


class PdfError(RuntimeError):
    """A PDF could not be made; ``missing`` is True when no Chromium was found.

    The message is English; ``key`` names the catalogue entry that words it in another
    language, filled from ``params``. What Chromium or the system said (``detail`` among the
    parameters) is quoted as it said it."""

    def __init__(
        self, message: str, *, missing: bool = False, key: str | None = None, **params: object
    ) -> None:
        super().__init__(message)
        self.missing = missing
        self.key = key
        self.params = params

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (English, or a message without its entry, as given)."""
        if lang == "en" or self.key is None:
            return str(self)
        from ovm.i18n import gettext, param_text, punctuate

        parts = {k: param_text(v, lang) for k, v in self.params.items()}
        # Chromium's or the system's own words are quoted as said, not punctuated anew.
        hole = "\x00"
        said = punctuate(gettext(self.key, lang, **{**parts, "detail": hole}), lang)
        return said.replace(hole, str(self.params.get("detail", "")))


def find_chromium() -> str | None:
    """The Chromium to print with: ``OVM_CHROMIUM`` if set, else the first found on the PATH."""
    named = os.environ.get("OVM_CHROMIUM")
    if named:
        return named
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, *, chromium: str | None = None, timeout: float = TIMEOUT) -> bytes:
    """Print an HTML document to PDF with a headless Chromium.

    Raises :class:`PdfError` (``missing=True``) when no Chromium is found or the one named is
    not an executable, and :class:`PdfError` when the print fails or takes too long.
    """
    exe = chromium or find_chromium()
    if exe is None:
        raise PdfError(
            "a PDF is printed by a headless Chromium, and none was found (looked for "
            f"{', '.join(CHROMIUM_NAMES)} on the PATH): install one (apt-get install chromium) "
            "or name it with OVM_CHROMIUM=/path/to/chromium; or write HTML and print it from "
            "a browser",
            missing=True,
            key="pdf_no_chromium",
            names=", ".join(CHROMIUM_NAMES),
        )
    resolved = shutil.which(exe)
    if resolved is None:
        raise PdfError(
            f"cannot print a PDF: {exe} is not an executable Chromium",
            missing=True,
            key="pdf_not_executable",
            exe=exe,
        )
    with tempfile.TemporaryDirectory(prefix="ovm-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(html, encoding="utf-8")
        out = Path(tmp) / "report.pdf"
        argv = [
            resolved,
            "--headless",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
        ]
        # Chromium refuses to run as root inside its sandbox; the page is ovm's own report.
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            argv.insert(2, "--no-sandbox")
        argv.append(page.as_uri())
        try:
            done = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PdfError(
                f"{exe} did not print the report within {timeout:.0f} s",
                key="pdf_timeout",
                exe=exe,
                seconds=round(timeout),
            ) from None
        except OSError as exc:
            detail = str(exc.strerror or exc)
            raise PdfError(
                f"cannot run {exe}: {detail}",
                missing=True,
                key="pdf_cannot_run",
                exe=exe,
                detail=detail,
            ) from None
        data = out.read_bytes() if out.exists() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            detail = " | ".join(said)
            raise PdfError(
                f"{exe} did not print the report (exit status {done.returncode})"
                + (f": {detail}" if said else ""),
                key="pdf_failed_said" if said else "pdf_failed",
                exe=exe,
                status=done.returncode,
                detail=detail,
            )
        return data
