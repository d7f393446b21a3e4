"""The report in a real browser and on paper: headless Chromium, driven over the DevTools
protocol (:mod:`twinimpact.run.browser`), draws every chart before it prints, the PDF holds
the charts' pixels, and a printing that runs out of time ends the browser, removes its
profile and publishes nothing (exit 5)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import twinimpact_cli
from twinimpact import config
from twinimpact.charts.theme import IMAGERY_COLORS
from twinimpact.run import pdf
from twinimpact.run.browser import BrowserError, Chromium

CHROMIUM = pdf.chromium()
#: An absolute path: a test process's working directory is not this repository's in every order.
TEST_PARAMS = config.PARAMS_DIR / "test.yaml"
ARTIFACTS = Path(os.environ.get("TWINIMPACT_TEST_ARTIFACTS", Path(__file__).parent / "artifacts"))
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="poppler-utils is not installed (apt-get install poppler-utils)")


def _page_pixels(document: Path, page: int, dpi: int = 40) -> np.ndarray:
    """One page of a PDF as an RGB array, drawn by poppler (PPM, no imaging library)."""
    raw = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(document)],
                         capture_output=True, check=True).stdout
    magic, size, _depth, body = raw.split(b"\n", 3)
    width, height = map(int, size.split())
    assert magic == b"P6"
    return np.frombuffer(body, np.uint8).reshape(height, width, 3)


def _pixels_of(image: np.ndarray, colours: list[str], tolerance: int = 40) -> int:
    """Pixels within ``tolerance`` (per channel, 0-255) of any of ``colours`` (#RRGGBB)."""
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in colours])
    far = np.abs(image[:, :, None, :].astype(int) - rgb[None, None]).max(axis=-1)
    return int((far <= tolerance).any(axis=-1).sum())


def _own_processes(marker: str) -> list[int]:
    """Processes whose command line names ``marker`` (a profile folder of this test)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes().decode(errors="ignore"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
@needs_chromium
def test_every_chart_is_drawn_in_a_real_browser_offline(published: Path):
    index = published / "latest" / "index.html"
    figures = index.read_text().count("Plotly.newPlot(")
    with Chromium(CHROMIUM, timeout=120) as browser:
        state = browser.open(index.as_uri())
        dom = browser.dom()
    assert figures >= 15 and state == {"loaded": True, "charts": figures, "drawn": figures, "late": False}
    assert dom.count('class="main-svg"') >= figures  # each chart's root SVG, as plotly draws it


@pytest.mark.slow
@needs_chromium
def test_the_first_page_in_a_browser_is_kept_as_a_screenshot(published: Path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with Chromium(CHROMIUM, timeout=120, window="1280,1600") as browser:
        browser.open((published / "latest" / "index.html").as_uri())
        dom = browser.dom()
        shot = browser.screenshot(ARTIFACTS / "first-page.png")
    assert "The decision" in dom and "ti-decision" in dom and "Sample data." in dom
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


@pytest.mark.slow
@needs_chromium
@needs_poppler
def test_a_printed_page_holds_a_charts_pixels(printed: Path):
    """The key charts print drawn: a page after the first holds thousands of pixels in the
    colours of human and twin imagery, which no text or table of the report uses."""
    colours = [IMAGERY_COLORS["human"], IMAGERY_COLORS["twin"]]
    counts = [_pixels_of(_page_pixels(printed, page), colours) for page in range(1, 6)]
    assert max(counts[1:]) > 2_000, counts
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-f", "2", "-l", "2", "-png", "-singlefile", str(printed),
                    str(ARTIFACTS / "printed-page-2")], check=True)  # for a person to look at


@pytest.mark.slow
@needs_chromium
def test_run_pdf_publishes_the_whole_report_on_paper(published: Path, tmp_path: Path):
    from pypdf import PdfReader

    out = tmp_path / "reports"
    shutil.copytree(published, out, symlinks=True)  # an earlier run here: the notebooks are reused
    started = time.monotonic()
    proc = twinimpact_cli("run", "-p", str(TEST_PARAMS), "--out", str(out), "--pdf", "--paper", "letter")
    assert proc.returncode == 0, proc.stderr
    printed = Path(proc.stdout.strip()).parent / "report.pdf"
    reader = PdfReader(printed)
    print(f"run --pdf: {len(reader.pages)} pages in {time.monotonic() - started:.1f} s")
    assert len(reader.pages) >= 30
    assert 610 < float(reader.pages[0].mediabox.width) < 614  # Letter, 612 pt


@pytest.mark.slow
@needs_chromium
def test_a_printing_out_of_time_exits_5_and_leaves_the_previous_report(published: Path, tmp_path: Path):
    out = tmp_path / "reports"
    shutil.copytree(published, out, symlinks=True)
    latest = os.readlink(out / "latest")
    index_before = (out / "index.html").read_bytes()
    scratch = tmp_path / "scratch"  # Chromium's profile goes here: nothing may be left in it
    scratch.mkdir()
    proc = twinimpact_cli("run", "-p", str(TEST_PARAMS), "--out", str(out), "--pdf", "--pdf-timeout", "1",
                          env={"TMPDIR": str(scratch)})
    assert proc.returncode == 5, proc.stderr
    assert "could not print the report to PDF" in proc.stderr and "--pdf-timeout" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert os.readlink(out / "latest") == latest and (out / "index.html").read_bytes() == index_before
    assert sorted(p.name for p in out.iterdir() if p.name[:1].isdigit()) == \
        sorted(p.name for p in published.iterdir() if p.name[:1].isdigit())  # no new run folder
    assert not [p for p in scratch.iterdir() if p.name.startswith("twinimpact-chromium-")]
    assert _own_processes(str(scratch)) == []


def test_the_timeout_setting_is_read_from_the_option_then_the_environment(monkeypatch):
    monkeypatch.delenv(pdf.TIMEOUT_ENV, raising=False)
    assert pdf.timeout(None) == pdf.DEFAULT_TIMEOUT_S
    monkeypatch.setenv(pdf.TIMEOUT_ENV, "42")
    assert pdf.timeout(None) == 42.0 and pdf.timeout(7) == 7.0
    for bad in ("0", "-3", "soon", "inf"):
        monkeypatch.setenv(pdf.TIMEOUT_ENV, bad)
        with pytest.raises(Exception, match="positive number"):
            pdf.timeout(None)


def test_a_browser_that_cannot_start_is_a_browser_error(tmp_path: Path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'no display' >&2\nexit 7\n")
    fake.chmod(0o755)
    with pytest.raises(BrowserError, match=r"exited \(code 7\): no display"):
        with Chromium(str(fake), timeout=20) as browser:
            browser.open("about:blank")
