"""Run notebooks with papermill, over IPC with a private path per kernel (safe in parallel).

Each worker process keeps one warm kernel and runs its notebooks in it one after the other, with the
namespace reset in between: starting a kernel and importing pandas and matplotlib is half the time of
a short notebook. A notebook that fails gets its kernel thrown away; the next one starts afresh.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from pathlib import Path


def _ipc_kernel_manager():
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        """TCP ports can collide when kernels start side by side; IPC files in a private folder cannot."""

        def __init__(self, **kwargs):
            folder = tempfile.mkdtemp(prefix="icbl-kernel-")
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(folder, "kernel"))
            super().__init__(**kwargs)

    return IPCKernelManager


_KERNEL = None  # this worker process's warm kernel manager
RESET = "%reset -f\nimport matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"


def _warm_kernel():
    """This process's kernel manager (started by the first notebook that uses it)."""
    global _KERNEL
    if _KERNEL is None:
        from multiprocessing.util import Finalize

        _KERNEL = _ipc_kernel_manager()(kernel_name="python3")
        Finalize(_KERNEL, _shutdown, args=(_KERNEL,), exitpriority=10)
    return _KERNEL


def _shutdown(km) -> None:
    from jupyter_core.utils import run_sync

    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


def _reset(km) -> None:
    """Clear the previous notebook's variables and figures, keeping the imported modules."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(RESET)])
    NotebookClient(nb, km=km, kernel_name="python3", timeout=60).execute()


def _discard_kernel() -> None:
    global _KERNEL
    if _KERNEL is not None:
        try:
            _shutdown(_KERNEL)
        finally:
            _KERNEL = None


def run_and_render(source: str, target: str, parameters: dict, cwd: str, log: str, html: str, name: str) -> dict:
    """Execute a notebook, then write its HTML report, both in this worker (reports render in parallel)."""
    from .publish import notebook_to_html

    result = run_notebook(source, target, parameters, cwd, log)
    if Path(target).exists():
        start = time.perf_counter()
        notebook_to_html(Path(target), Path(html), name, {k: v for k, v in parameters.items()}, result)
        result["render_seconds"] = round(time.perf_counter() - start, 2)
    return result


def run_notebook(
    source: str, target: str, parameters: dict, cwd: str, log: str | None = None, reuse_kernel: bool = True
) -> dict:
    """Execute `source` into `target`; never raises: returns outcome, seconds and the error text.

    The kernel's own messages to stderr go to `log` (kept beside the outputs) instead of the terminal.
    """
    import papermill

    start = time.perf_counter()
    saved = None
    if log:
        saved = os.dup(2)
        with open(log, "ab") as fh:
            os.dup2(fh.fileno(), 2)
    try:
        km = _warm_kernel() if reuse_kernel else None
        if km is not None and km.has_kernel:
            _reset(km)
        papermill.execute_notebook(
            source,
            target,
            parameters=parameters,
            cwd=cwd,
            progress_bar=False,
            kernel_name="python3",
            kernel_manager_class=_ipc_kernel_manager(),
            request_save_on_cell_execute=False,
            km=km,
        )
        outcome, error = "ok", ""
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
        outcome = "failed"
        error = _short_error(exc)
        if reuse_kernel:
            _discard_kernel()
    finally:
        if saved is not None:
            os.dup2(saved, 2)
            os.close(saved)
    return {
        "notebook": Path(source).stem,
        "outcome": outcome,
        "seconds": round(time.perf_counter() - start, 2),
        "error": error,
        "executed": target,
    }


def _short_error(exc: Exception) -> str:
    name = type(exc).__name__
    if name == "PapermillExecutionError":
        return f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
