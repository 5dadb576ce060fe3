"""PDFs of the HTML reports and slides, printed offline by a headless Chromium (or Chrome, or Edge)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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
    "--no-first-run",
    "--no-pdf-header-footer",
]


def browser() -> str | None:
    """The first Chromium-family browser found ($ICBL_CHROMIUM first), or None."""
    names = [os.environ["ICBL_CHROMIUM"]] if os.environ.get("ICBL_CHROMIUM") else []
    for name in names + CANDIDATES:
        found = shutil.which(name) or (name if os.path.isabs(name) and os.path.exists(name) else None)
        if found:
            return found
    return None


def print_page(exe: str, html: Path) -> Path | None:
    """One page to PDF beside it; None when the browser produced nothing."""
    target = html.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="icbl-chromium-") as profile:
        try:
            subprocess.run(
                [exe, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}", html.resolve().as_uri()],
                capture_output=True,
                timeout=180,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
    return target if target.exists() and target.stat().st_size > 0 else None


def print_all(pages: list[Path], jobs: int = 2) -> list[str]:
    """Print every page; returns notes for the run's summary (skipped, failed)."""
    exe = browser()
    if exe is None:
        return [
            "PDFs skipped: no Chromium, Chrome or Edge found (on Debian or Ubuntu: sudo apt install chromium; "
            "or set ICBL_CHROMIUM to the browser's path)"
        ]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        printed = list(pool.map(lambda p: print_page(exe, p), pages))
    return [
        f"PDF of {p.name} failed: the browser wrote no PDF (a full disk? a browser crash?); the HTML is complete"
        for p, done in zip(pages, printed, strict=True)
        if done is None
    ]
