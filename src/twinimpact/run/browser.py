"""Headless Chromium driven over the DevTools protocol, through a pipe: no network port, no
driver to download, nothing but the browser Debian ships.

Chromium reads protocol commands from file descriptor 3 and writes its answers to file
descriptor 4 when started with ``--remote-debugging-pipe``; each message is one JSON object
ended by a NUL byte. Over that pipe :class:`Chromium` opens a page, waits until the page has
loaded *and every plotly chart on it has drawn its SVG* (the browser's own state, not a fixed
virtual-time budget, under which current headless Chromium can hang), and then prints it,
takes a screenshot or reads its DOM.

Every wait has one deadline. When it passes, the browser's whole process group is killed
(its renderer and GPU children too), waited for, and only then is its temporary profile
removed; the caller gets :class:`BrowserError`, never a half-removed folder or a traceback.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

#: Flags for a closed network (no background fetches, no first-run work) and a root user.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
         "--disable-extensions", "--mute-audio", "--remote-debugging-pipe")

#: Paper sizes in inches, as the DevTools protocol's printToPDF takes them.
PAPER_INCHES = {"A4": (8.27, 11.69), "letter": (8.5, 11.0)}

# Resolves when the document has loaded and every plotly chart has drawn its root SVG, then
# after two animation frames (plotly finishes a draw in the frame after it adds the SVG).
_CHARTS_DRAWN = """
new Promise((resolve) => {
  const started = Date.now();
  const count = () => {
    const divs = Array.from(document.querySelectorAll('.plotly-graph-div'));
    return [divs.length, divs.filter((d) => d.querySelector('svg.main-svg')).length];
  };
  const check = () => {
    const [charts, drawn] = count();
    const loaded = document.readyState === 'complete';
    if (loaded && drawn === charts) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({loaded, charts, drawn, late: false})));
    } else if (Date.now() - started > %(limit_ms)d) {
      resolve({loaded, charts, drawn, late: true});
    } else {
      setTimeout(check, 100);
    }
  };
  check();
})
"""

# Draws each chart again at the printed page's width and waits for plotly to finish (the
# page's own 'beforeprint' handler does the same without waiting).
_RELAYOUT_FOR_PRINT = """
(async () => {
  if (!window.Plotly) { return 0; }
  const divs = Array.from(document.querySelectorAll('.js-plotly-plot'));
  await Promise.all(divs.map((d) => window.Plotly.relayout(d, {width: %(width)d, autosize: false})));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return divs.length;
})()
"""


class BrowserError(RuntimeError):
    """Chromium failed, said no, or did not finish within its deadline."""


class Chromium:
    """One headless Chromium with a temporary profile, for one page at a time.

    Use it as a context manager: on leaving, the browser is closed (or its process group
    killed) and its profile removed, whatever happened inside.

    Parameters
    ----------
    exe
        The Chromium (or Chrome) executable.
    timeout
        Seconds for everything done with this browser, from its start.
    window
        The window's size in CSS pixels, ``"width,height"``.
    """

    def __init__(self, exe: str, *, timeout: float, window: str = "1280,1600") -> None:
        self.exe = exe
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.window = window
        self._profile = tempfile.mkdtemp(prefix="twinimpact-chromium-")
        self._next_id = 0
        self._buffer = b""
        self._session: str | None = None
        # two pipes: ours -> Chromium's fd 3, Chromium's fd 4 -> ours
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # Chromium's ends move above 9, so that placing them at 3 and 4 overwrites neither.
        to_chrome_r, from_chrome_w = (self._above_nine(fd) for fd in (to_chrome_r, from_chrome_w))
        # Chromium's own log goes to a file: a pipe nobody reads would fill and stop it.
        self._log = tempfile.TemporaryFile()
        cmd = [exe, *FLAGS, f"--user-data-dir={self._profile}", f"--window-size={window}", "about:blank"]
        # bash places the two pipe ends at 3 and 4, then becomes Chromium (exec); dash, Debian's
        # /bin/sh, takes no descriptor above 9 in a redirection.
        trampoline = f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-'
        try:
            self._proc = subprocess.Popen([shutil.which("bash") or "/bin/bash", "-c", trampoline, *cmd], pass_fds=(to_chrome_r, from_chrome_w),
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=self._log, start_new_session=True)
        except OSError as exc:
            self._log.close()
            self._remove_profile()
            raise BrowserError(f"could not start {exe}: {exc}") from None
        finally:
            os.close(to_chrome_r)
            os.close(from_chrome_w)

    @staticmethod
    def _above_nine(fd: int) -> int:
        high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        return high

    # -- the protocol ---------------------------------------------------------------------
    def _left(self) -> float:
        return self.deadline - time.monotonic()

    def _send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._to_chrome, data):]
        except OSError as exc:  # the browser has gone: said by its exit code when it has ended
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            if self._proc.poll() is not None:
                raise BrowserError(f"Chromium exited (code {self._proc.poll()}){self._stderr_tail()}") from None
            raise BrowserError(f"Chromium stopped answering ({method}: {exc}){self._stderr_tail()}") from None
        return self._next_id

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = self._left()
            if left <= 0:
                raise BrowserError(f"Chromium did not finish within {self.timeout:g} s")
            ready, _, _ = select.select([self._from_chrome], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(self._from_chrome, 1 << 20)
            if not chunk:
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
                raise BrowserError(f"Chromium exited (code {self._proc.poll()}){self._stderr_tail()}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict[str, Any] | None = None, *, page: bool = True) -> dict[str, Any]:
        """Send one DevTools command and return its result.

        Parameters
        ----------
        method
            The protocol's method, e.g. ``Page.printToPDF``.
        params
            Its parameters, as the protocol names them.
        page
            Send it to the open page (true) or to the browser itself (false).
        """
        sent = self._send(method, params, self._session if page else None)
        while True:
            message = self._read_message()
            if message.get("id") == sent:
                if "error" in message:
                    raise BrowserError(f"Chromium refused {method}: {message['error'].get('message')}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression on the page (promises awaited)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            detail = result["exceptionDetails"]
            text = detail.get("exception", {}).get("description") or detail.get("text")
            raise BrowserError(f"the page's script failed: {text}")
        return result.get("result", {}).get("value")

    # -- pages ----------------------------------------------------------------------------
    def open(self, url: str, *, charts_within: float | None = None) -> dict[str, Any]:
        """Load ``url`` and wait until every plotly chart on it has drawn.

        Returns ``{"loaded": True, "charts": N, "drawn": N, "late": False}``; ``charts_within``
        seconds (default: what is left of the deadline, less a margin to act on the answer)
        bounds the wait, after which ``late`` is true and the caller decides.
        """
        target = self.call("Target.createTarget", {"url": "about:blank"}, page=False)["targetId"]
        self._session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                  page=False)["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")
        navigated = self.call("Page.navigate", {"url": url})
        if navigated.get("errorText"):
            raise BrowserError(f"Chromium could not open {url}: {navigated['errorText']}")
        margin = min(5.0, 0.1 * self.timeout)  # time left to print, or to report what was late
        limit = self._left() - margin if charts_within is None else min(charts_within, self._left() - margin)
        return self.evaluate(_CHARTS_DRAWN % {"limit_ms": max(int(limit * 1000), 0)})

    def relayout_charts(self, width: int) -> int:
        """Draw every chart again at ``width`` CSS pixels; the number of charts."""
        return int(self.evaluate(_RELAYOUT_FOR_PRINT % {"width": width}) or 0)

    def print_pdf(self, out: Path, paper: str) -> Path:
        """Print the open page to ``out`` on ``paper`` (``A4`` or ``letter``)."""
        width, height = PAPER_INCHES[paper]
        result = self.call("Page.printToPDF", {"paperWidth": width, "paperHeight": height, "printBackground": True,
                                               "preferCSSPageSize": True, "displayHeaderFooter": False})
        out.write_bytes(base64.b64decode(result["data"]))
        return out

    def screenshot(self, out: Path) -> Path:
        """A PNG of the open page's window."""
        out.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"]))
        return out

    def dom(self) -> str:
        """The open page's DOM as HTML, after its scripts ran."""
        return str(self.evaluate("document.documentElement.outerHTML"))

    # -- ending ---------------------------------------------------------------------------
    def _stderr_tail(self) -> str:
        if self._proc.poll() is None:  # a running browser's log is noise
            return ""
        self._log.seek(0)
        lines = [ln for ln in self._log.read().decode(errors="replace").splitlines() if ln.strip()]
        return f": {'; '.join(lines[-3:])}" if lines else ""

    def _kill_group(self) -> None:
        try:
            os.killpg(self._proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def _remove_profile(self) -> None:
        for _ in range(20):  # a child that outlived the group kill may still be writing
            shutil.rmtree(self._profile, ignore_errors=True)
            if not os.path.exists(self._profile):
                return
            time.sleep(0.1)

    def close(self) -> None:
        """Close the browser (killing its process group if it does not go) and remove its profile."""
        if self._proc.poll() is None:
            try:
                self.deadline = max(self.deadline, time.monotonic() + 3)
                self._send("Browser.close")
                self._proc.wait(timeout=3)
            except (BrowserError, subprocess.TimeoutExpired):
                pass
        self._kill_group()  # the renderer and GPU children too, whatever the browser did
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()
        self._remove_profile()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
