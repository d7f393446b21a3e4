"""The report as a PDF, printed by headless Chromium from the run's index.html with the
page's print styles (no chart toolbars, tables that wrap, every chapter on a new page) on
A4 or Letter paper. Chromium is found on the PATH or named by ``TWINIMPACT_CHROMIUM``;
nothing is downloaded.

The browser is driven over the DevTools protocol (:mod:`twinimpact.run.browser`): the page
is printed once it has loaded and every chart has drawn, within one deadline, the setting
``--pdf-timeout`` or ``TWINIMPACT_PDF_TIMEOUT`` (default :data:`DEFAULT_TIMEOUT_S`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from twinimpact.errors import ParamsError, PublishError
from twinimpact.run.browser import BrowserError, Chromium

CHROMIUM_ENV = "TWINIMPACT_CHROMIUM"
TIMEOUT_ENV = "TWINIMPACT_PDF_TIMEOUT"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PAPERS = ("A4", "letter")
#: The window the page is laid out in before printing: about a printed page's width, so
#: that charts are drawn to fit it, titles and legends whole.
PRINT_WINDOW = "700,1000"
#: The width charts are drawn at for print, in CSS pixels (the page's 'beforeprint' width).
PRINT_CHART_WIDTH = 680
#: Seconds from Chromium's start to the written PDF. The sample's report (51 A4 pages,
#: 34 charts) prints in about 5 s on 2 cores; the default leaves room for a busy machine.
DEFAULT_TIMEOUT_S = 180.0


def chromium() -> str | None:
    """The Chromium (or Chrome) executable to print with, or None."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named if Path(named).is_file() else shutil.which(named)
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


def timeout(given: float | None = None) -> float:
    """Seconds allowed for printing: ``given`` (``--pdf-timeout``), else ``TWINIMPACT_PDF_TIMEOUT``,
    else :data:`DEFAULT_TIMEOUT_S`; a clear error (exit 2) for anything but a positive number."""
    where, raw = ("--pdf-timeout", given) if given is not None else (TIMEOUT_ENV, os.environ.get(TIMEOUT_ENV))
    if raw is None or raw == "":
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise ParamsError(f"{where} is {raw!r}: give the seconds printing the PDF may take, a positive number "
                          f"(default {DEFAULT_TIMEOUT_S:g}).")
    return seconds


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


def write(index: Path, out: Path, paper: str = "A4", exe: str | None = None,
          timeout_s: float = DEFAULT_TIMEOUT_S) -> Path:
    """Print ``index`` (an index.html) to ``out`` on ``paper`` once every chart has drawn.

    Raises
    ------
    PublishError
        When Chromium fails, a chart has not drawn, or the whole does not finish within
        ``timeout_s`` seconds; the browser's processes are ended and its profile removed first.
    """
    exe = exe or require(paper)
    advice = (f"Nothing was published. Raise the limit with --pdf-timeout or {TIMEOUT_ENV} (now {timeout_s:g} s), "
              f"or check that {exe} starts (`{exe} --headless --dump-dom about:blank`); the HTML report needs no "
              "browser.")
    try:
        with Chromium(exe, timeout=timeout_s, window=PRINT_WINDOW) as browser:
            state = browser.open(f"{index.resolve().as_uri()}?paper={paper}")
            if state["late"]:
                what = (f"{state['drawn']} of {state['charts']} charts had drawn" if state["loaded"]
                        else "the page had not finished loading")
                raise PublishError(f"Chromium ({exe}) could not print the report to PDF: {what} when the "
                                   f"{timeout_s:g} s limit ran out. {advice}")
            browser.relayout_charts(PRINT_CHART_WIDTH)
            browser.print_pdf(out, paper)
    except BrowserError as exc:
        out.unlink(missing_ok=True)
        raise PublishError(f"Chromium ({exe}) could not print the report to PDF: {exc}. {advice}") from None
    if not out.is_file() or out.stat().st_size == 0:
        raise PublishError(f"Chromium ({exe}) could not print the report to PDF: it wrote nothing. {advice}")
    return out
