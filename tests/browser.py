"""A real browser for the tests and the benchmark: headless Chromium driven by Playwright, a JupyterLab server
on a free port, and axe-core for accessibility.

Nothing is downloaded here: Chromium is the system's (Debian: `apt-get install chromium`; or $ICBL_CHROMIUM),
Playwright comes from PyPI (the dev extras) and axe-core from the npm registry (`make .venv/axe`, or
$ICBL_AXE_JS). Where one is missing the tests are skipped with the reason, unless $ICBL_REQUIRE_BROWSER is set
(CI sets it), where they fail instead. Every server and browser started here is stopped by its fixture.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from icbl_analysis.run.pdf import FLAGS
from icbl_analysis.run.pdf import browser as find_chromium

REPO = Path(__file__).resolve().parent.parent
AXE_JS = REPO / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# the closed network: no background traffic, no GPU, no sandbox (root in CI); Playwright adds --headless itself
CHROMIUM_ARGS = [f for f in FLAGS if f not in ("--headless", "--remote-debugging-port=0")]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANDMARK_RULES = ["region", "landmark-one-main", "landmark-no-duplicate-main"]
VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"
LAB_START_SECONDS = 90


def unavailable(reason: str):
    """Skip with the reason, or fail where a browser is required (CI)."""
    if os.environ.get("ICBL_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


def launch(playwright):
    """Debian's (or the configured) Chromium under Playwright, or None with the reason."""
    exe = find_chromium()
    if exe is None:
        return None, "no Chromium found (Debian/Ubuntu: apt-get install chromium; or set ICBL_CHROMIUM)"
    try:
        return playwright.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True), None
    except Exception as exc:  # noqa: BLE001 - a browser that cannot start is reported as such
        return None, f"{exe} did not start under Playwright: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[dev]')")
    playwright = sync_playwright().start()
    chromium, why = launch(playwright)
    if chromium is None:
        playwright.stop()
        unavailable(why)
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class Tab:
    """A page and what its console said."""

    page: object
    errors: list[str] = field(default_factory=list)

    def console_errors(self, ignore: tuple[str, ...] = ()) -> list[str]:
        return [e for e in self.errors if not any(i in e for i in ignore)]


def open_tab(browser, width: int = 1400, height: int = 1000) -> Tab:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    tab = Tab(page)
    page.on("console", lambda m: tab.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda exc: tab.errors.append(f"page error: {exc}"))
    return tab


@pytest.fixture
def tab(browser):
    """A fresh page (its own context: no cookies or storage from another test), closed afterwards."""
    tab = open_tab(browser)
    yield tab
    tab.page.context.close()


def axe_script() -> Path | None:
    path = Path(os.environ["ICBL_AXE_JS"]) if os.environ.get("ICBL_AXE_JS") else AXE_JS
    return path if path.exists() else None


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of the given impacts on the page as shown, and any landmark violation,
    one line each."""
    script = axe_script()
    if script is None:
        unavailable(f"axe-core not found at {AXE_JS} (make .venv/axe, which runs npm; or set ICBL_AXE_JS)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    found = [v for v in result["violations"] if v["impact"] in impacts]
    # and, whatever their impact, the landmark rules: all content in landmarks, one <main> (screen-reader users
    # jump by landmark)
    landmarks = page.evaluate("rules => axe.run(document, {runOnly: {type: 'rule', values: rules}})", LANDMARK_RULES)
    found += landmarks["violations"]
    return [f"{v['impact']} {v['id']}: {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:5])}"
            for v in found]  # fmt: skip


# --- JupyterLab ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A JupyterLab server on loopback serving a copy of the notebooks."""

    url: str
    token: str
    root: Path
    log: Path
    proc: subprocess.Popen

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"  # ?reset: not the last session's layout

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as reply:
            body = reply.read()
        return json.loads(body) if body else None


def start_lab(folder: Path) -> Lab:
    """JupyterLab on a free loopback port over a copy of notebooks/ in `folder`, its settings and workspaces
    there too (nothing read from or written to the user's own); returns once it answers."""
    root = folder / "notebooks"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(folder / "config"), JUPYTERLAB_SETTINGS_DIR=str(folder / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(folder / "workspaces"), JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
               ICBL_OUTPUTS_DIR=str(folder / "outputs"))  # fmt: skip
    port, token = free_port(), secrets.token_hex(16)
    log = folder / "jupyterlab.log"
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=_die_with_parent)  # fmt: skip
    lab = Lab(f"http://127.0.0.1:{port}", token, root, log, proc)
    deadline = time.monotonic() + LAB_START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        try:
            lab.api("/api/status")
            return lab
        except OSError:
            time.sleep(0.3)
    stop_lab(lab)
    tail = log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"JupyterLab did not answer in {LAB_START_SECONDS} s:\n{tail}")


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, end when the test process ends, even if it is killed (its kernels
    follow their server)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def stop_lab(lab: Lab) -> None:
    """Shut the server and its kernels down; whatever is left after 20 s is killed."""
    try:
        server = psutil.Process(lab.proc.pid)
        started = [server, *server.children(recursive=True)]
    except psutil.Error:
        started = []
    try:
        lab.api("/api/shutdown", method="POST")
    except OSError:
        pass
    try:
        lab.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(lab.proc.pid, signal.SIGTERM)
    _, alive = psutil.wait_procs([p for p in started if _running(p)], timeout=10)
    for process in alive:
        process.kill()
    if lab.proc.poll() is None:
        lab.proc.wait(timeout=10)


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


@pytest.fixture(scope="module")
def lab(tmp_path_factory, browser):
    """One JupyterLab for a test module (after the browser: no server is started where no browser can be had)."""
    server = start_lab(tmp_path_factory.mktemp("lab"))
    yield server
    stop_lab(server)


class Notebook:
    """A notebook open in JupyterLab in a browser tab, driven through the page as a person would, with the
    application's own state (`window.jupyterapp`) read to know when the kernel is done."""

    def __init__(self, tab: Tab, lab: Lab, name: str, timeout: float = 120):
        self.tab, self.page, self.name, self.lab = tab, tab.page, name, lab
        self.page.goto(lab.notebook_url(name))
        self.page.wait_for_selector(f"{VISIBLE} .jp-Cell", timeout=timeout * 1000)
        self.page.wait_for_function(f"() => {{ const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                                    f" return w && w.context && w.context.path.endsWith({json.dumps(name)})"
                                    f" && w.sessionContext.session && w.sessionContext.session.kernel"
                                    f" && w.sessionContext.session.kernel.status === 'idle'; }}",
                                    timeout=timeout * 1000)  # fmt: skip

    def js(self, body: str, arg=None, timeout: float = 60):
        """Evaluate `body` with `nb` bound to the visible notebook panel; an error after `timeout` seconds."""
        return self.page.evaluate(
            "async ([body, arg, ms]) => { const nb = window.jupyterapp.shell.currentWidget;"
            " const run = new Function('nb', 'arg', 'return (async () => {' + body + '})();');"
            " return await Promise.race([run(nb, arg), new Promise((_, fail) => setTimeout("
            " () => fail(new Error('no answer from JupyterLab within ' + ms + ' ms')), ms))]); }",
            [body, arg, timeout * 1000],
        )

    @property
    def dirty(self) -> bool:
        return self.js("return nb.context.model.dirty;")

    def run_all(self, timeout: float = 300) -> None:
        """Run > Run All Cells; returns when every code cell has run and the kernel is idle."""
        self.page.set_default_timeout(timeout * 1000)
        try:
            self.js("await window.jupyterapp.commands.execute('notebook:run-all-cells');", timeout=timeout)
            self.page.wait_for_function(
                "() => { const nb = window.jupyterapp.shell.currentWidget;"
                " return nb.sessionContext.session.kernel.status === 'idle' && nb.content.widgets.every("
                "c => c.model.type !== 'code' || c.model.executionCount !== null); }"
            )
        finally:
            self.page.set_default_timeout(30_000)

    def outputs(self) -> list[list[dict]]:
        """Each cell's outputs, as the notebook would save them."""
        return self.js("return nb.context.model.toJSON().cells.map(c => c.outputs || []);")

    def sources(self) -> list[str]:
        return self.js("return nb.context.model.toJSON().cells.map(c => [].concat(c.source).join(''));")

    def cell(self, index: int):
        """The cell's element, scrolled into view (JupyterLab renders only the cells in view)."""
        self.js("nb.content.activeCellIndex = arg; await nb.content.scrollToItem(arg, 'start');", index)
        locator = self.page.locator(f"{VISIBLE} .jp-Notebook .jp-Cell[data-windowed-list-index='{index}']")
        if not locator.count():
            locator = self.page.locator(f"{VISIBLE} .jp-Notebook .jp-Cell").nth(index)
        locator.scroll_into_view_if_needed()
        return locator

    def close(self) -> None:
        """Shut the notebook's kernel down (through the server: no dialog to answer)."""
        session = self.js("return nb.sessionContext.session && nb.sessionContext.session.id;")
        if session:
            self.lab.api(f"/api/sessions/{session}", method="DELETE")


def error_outputs(outputs: list[list[dict]]) -> list[str]:
    """Tracebacks and text written to stderr, cell by cell."""
    found = []
    for i, cell in enumerate(outputs):
        for out in cell:
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(f"cell {i} stderr: {''.join(out.get('text', ''))[:300]}")
    return found
