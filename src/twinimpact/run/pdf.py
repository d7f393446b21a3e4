"""The report as a PDF, printed by headless Chromium from the run's index.html with the
page's print styles (no chart toolbars, tables that wrap, every chapter on a new page) on
A4 or Letter paper. Chromium is found on the PATH or named by ``TWINIMPACT_CHROMIUM``;
nothing is downloaded."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from twinimpact.errors import ParamsError, PublishError

CHROMIUM_ENV = "TWINIMPACT_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PAPERS = ("A4", "letter")
#: The window the page is laid out in before printing: about a printed page's width, so
#: that charts are drawn to fit it, titles and legends whole.
PRINT_WINDOW = "700,1000"
TIMEOUT_S = 300


def chromium() -> str | None:
    """The Chromium (or Chrome) executable to print with, or None."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named if Path(named).is_file() else shutil.which(named)
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


def require(paper: str) -> str:
    """The executable, before a run starts; a clear error (exit 2) when there is none."""
    if paper not in PAPERS:
        raise ParamsError(f"--paper {paper!r}: choose one of {', '.join(PAPERS)}.")
    exe = chromium()
    if exe is None:
        raise ParamsError("--pdf needs Chromium to print the report, and none was found: install it (Debian and "
                          f"Ubuntu: apt-get install chromium) or set {CHROMIUM_ENV} to its path. Nothing was run; "
                          "without --pdf the HTML report needs no browser.")
    return exe


def write(index: Path, out: Path, paper: str = "A4", exe: str | None = None) -> Path:
    """Print ``index`` (an index.html) to ``out`` on ``paper``; raises PublishError when
    Chromium fails or writes nothing."""
    exe = exe or require(paper)
    with tempfile.TemporaryDirectory(prefix="twinimpact-chromium-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
               f"--user-data-dir={profile}", f"--window-size={PRINT_WINDOW}", "--virtual-time-budget=20000",
               "--run-all-compositor-stages-before-draw", f"--print-to-pdf={out}",
               f"{index.resolve().as_uri()}?paper={paper}"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PublishError(f"Chromium ({exe}) could not print the report to PDF: {exc}.") from None
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        tail = "; ".join(ln for ln in proc.stderr.strip().splitlines()[-3:] if ln.strip())
        raise PublishError(f"Chromium ({exe}) could not print the report to PDF (exit {proc.returncode}): "
                           f"{tail or 'no file written'}.")
    return out
