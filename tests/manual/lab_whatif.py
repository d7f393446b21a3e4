"""A check by hand, not part of `make test`: JupyterLab in headless Chromium runs the
scenarios notebook, moves the adoption-share slider and reads the chart title before and
after, with screenshots. It needs JupyterLab (`make lab` installs it) and Playwright in any
environment (`pip install playwright`; no browser download: it drives Debian's chromium).

    make lab PORT=8899 &                   # or: .venv/bin/jupyter lab --ServerApp.port=8899 ...
    python tests/manual/lab_whatif.py http://127.0.0.1:8899 TOKEN

Prints the chart's title before and after four steps left (80% -> 60%) and the redraw time
the notebook's status line reports; screenshots go to tests/artifacts/lab-*.png.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parents[1] / "artifacts"


def main(base: str, token: str = "") -> None:
    OUT.mkdir(exist_ok=True)
    url = f"{base}/lab/tree/notebooks/05_scenarios.ipynb" + (f"?token={token}" if token else "")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        time.sleep(3)
        page.keyboard.press("Escape")
        page.click("text=Run", timeout=10_000)
        page.click("text=Run All Cells", timeout=10_000)
        page.wait_for_selector("text=redrawn in", timeout=120_000)
        time.sleep(2)

        def title() -> str:
            return page.locator(".jp-OutputArea-output .gtitle").first.text_content() or ""

        before = title()
        slider = page.locator(".widget-slider").first
        slider.scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / "lab-before.png"))
        slider.locator(".noUi-handle").first.focus()
        for _ in range(4):
            page.keyboard.press("ArrowLeft")  # 5% steps
        t0 = time.time()
        page.wait_for_function("(b) => { const t = document.querySelector('.jp-OutputArea-output .gtitle');"
                               " return t && t.textContent !== b; }", arg=before, timeout=30_000)
        seen = time.time() - t0
        time.sleep(1)
        page.screenshot(path=str(OUT / "lab-after.png"))
        print("before:", before)
        print("after: ", title())
        print("status:", page.locator("text=redrawn in").first.text_content(),
              f"; the new title appeared {seen:.2f} s after the key presses")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
