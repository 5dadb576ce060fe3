"""PDFs of the HTML reports and slides, printed offline by one headless Chromium (or Chrome, or Edge).

One browser prints every page of a run, a few tabs at a time, through the DevTools protocol: starting a
browser costs more than printing a report, and a run of every country profile prints two hundred pages.
The page's own print CSS decides the paper (A4 for reports, 1920 x 1080 for slides).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .outputs import record_browser

CANDIDATES = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe",
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--no-first-run",
    "--remote-debugging-port=0",
]
PRINT = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}
PAGE_TIMEOUT = 180  # seconds for one page to load and print
START_TIMEOUT = 30


def browser() -> str | None:
    """The first Chromium-family browser found ($ICBL_CHROMIUM first), or None."""
    names = [os.environ["ICBL_CHROMIUM"]] if os.environ.get("ICBL_CHROMIUM") else []
    for name in names + CANDIDATES:
        found = shutil.which(name) or (name if os.path.isabs(name) and os.path.exists(name) else None)
        if found:
            return found
    return None


def print_all(pages: list[Path], jobs: int = 4, record: Path | None = None) -> list[str]:
    """Print every page to a PDF beside it; returns notes for the run's summary (skipped, failed). The browser
    runs in a process group of its own, dies with this process (even after kill -9, on Linux), and is noted
    in `record` so that the next run stops it where it did not."""
    if not pages:
        return []
    exe = browser()
    if exe is None:
        return [
            "PDFs skipped: no Chromium, Chrome or Edge found (on Debian or Ubuntu: sudo apt install chromium; "
            "or set ICBL_CHROMIUM to the browser's path)"
        ]
    # a crash helper of the browser may still be writing into its profile when the browser has exited
    with tempfile.TemporaryDirectory(prefix="icbl-chromium-", ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own group: stopped as one, and Ctrl-C in the terminal is ours to handle
            preexec_fn=_die_with_parent(),
        )
        try:
            if record is not None:
                record_browser(record, proc.pid, profile)
            endpoint = _devtools_endpoint(proc)
            if endpoint is None:
                return [f"PDFs skipped: the browser {exe} did not start (it printed no DevTools address)"]
            failed = asyncio.run(_print_pages(endpoint, pages, jobs))
        finally:
            _stop(proc)
    return [f"PDF of {p.name} failed: {why}; the HTML is complete" for p, why in failed]


def _devtools_endpoint(proc: subprocess.Popen) -> str | None:
    """The browser's DevTools WebSocket address, from the line it prints on start."""
    found: list[str] = []

    def read() -> None:
        for raw in proc.stderr:
            match = re.search(rb"DevTools listening on (ws://\S+)", raw)
            if match:
                found.append(match.group(1).decode())
                break
        for _ in proc.stderr:  # keep draining, or the browser blocks on a full pipe
            pass

    threading.Thread(target=read, daemon=True, name="chromium-stderr").start()
    for _ in range(START_TIMEOUT * 10):
        if found or proc.poll() is not None:
            break
        time.sleep(0.1)
    return found[0] if found else None


def _die_with_parent():
    """On Linux, a function for the browser's child process to run before it starts: the kernel kills the
    browser when this process dies, however it dies (the browser's own helpers then exit with it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def set_death_signal() -> None:  # in the child, between fork and exec: a plain system call, nothing else
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the call: do not outlive it
            os._exit(1)

    return set_death_signal


PR_SET_PDEATHSIG = 1


def _stop(proc: subprocess.Popen) -> None:
    """Stop the browser and every process of its group (its renderers and helpers)."""
    if not hasattr(os, "killpg"):  # Windows: the browser stops its own helpers
        proc.kill()
        proc.wait()
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # helpers that outlived the browser itself


class DevTools:
    """A minimal DevTools-protocol client: commands answered by id, events collected per session."""

    def __init__(self, socket):
        self.socket, self.next_id = socket, 0
        self.replies: dict[int, asyncio.Future] = {}
        self.loaded: dict[str, asyncio.Future] = {}
        self.reader = asyncio.ensure_future(self._read())

    async def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        reply = self.replies[self.next_id] = asyncio.get_running_loop().create_future()
        await self.socket.write_message(json.dumps(message))
        answer = await reply
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error'].get('message', answer['error'])}")
        return answer.get("result", {})

    async def _read(self) -> None:
        while True:
            raw = await self.socket.read_message()
            if raw is None:  # the browser closed the connection
                for future in [*self.replies.values(), *self.loaded.values()]:
                    if not future.done():
                        future.set_exception(RuntimeError("the browser closed the connection"))
                return
            message = json.loads(raw)
            if "id" in message and message["id"] in self.replies:
                self.replies.pop(message["id"]).set_result(message)
            elif message.get("method") == "Page.loadEventFired":
                future = self.loaded.get(message.get("sessionId"))
                if future and not future.done():
                    future.set_result(True)


async def _print_pages(endpoint: str, pages: list[Path], jobs: int) -> list[tuple[Path, str]]:
    from tornado.websocket import websocket_connect  # tornado comes with Jupyter

    socket = await websocket_connect(endpoint, max_message_size=1 << 30)
    tools = DevTools(socket)
    tabs = asyncio.Semaphore(max(1, jobs))
    failed: list[tuple[Path, str]] = []

    async def one(page: Path) -> None:
        async with tabs:
            try:
                await asyncio.wait_for(_print_one(tools, page), PAGE_TIMEOUT)
            except Exception as exc:  # noqa: BLE001 - a page that fails is reported, the others go on
                failed.append((page, str(exc) or type(exc).__name__))

    try:
        await asyncio.gather(*(one(p) for p in pages))
    finally:
        socket.close()
        tools.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await tools.reader
    return sorted(failed)


async def _print_one(tools: DevTools, page: Path) -> None:
    target = (await tools.call("Target.createTarget", {"url": "about:blank"}))["targetId"]
    try:
        session = (await tools.call("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
        tools.loaded[session] = asyncio.get_running_loop().create_future()
        await tools.call("Page.enable", session=session)
        await tools.call("Page.navigate", {"url": page.resolve().as_uri()}, session)
        await tools.loaded[session]
        del tools.loaded[session]
        printed = await tools.call("Page.printToPDF", PRINT, session)
        data = base64.b64decode(printed["data"])
        if not data:
            raise RuntimeError("the browser wrote an empty PDF")
        partial = page.with_suffix(".pdf.partial")
        partial.write_bytes(data)
        partial.replace(page.with_suffix(".pdf"))
    finally:
        if not asyncio.current_task().cancelling():  # when stopping, the browser is stopped as a whole
            with contextlib.suppress(Exception):
                await asyncio.wait_for(tools.call("Target.closeTarget", {"targetId": target}), 10)
