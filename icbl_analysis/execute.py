"""Run one notebook with papermill in its own kernel, over IPC with a private path (safe in parallel)."""

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


def run_notebook(source: str, target: str, parameters: dict, cwd: str, log: str | None = None) -> dict:
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
        papermill.execute_notebook(
            source,
            target,
            parameters=parameters,
            cwd=cwd,
            progress_bar=False,
            kernel_name="python3",
            kernel_manager_class=_ipc_kernel_manager(),
            request_save_on_cell_execute=False,
        )
        outcome, error = "ok", ""
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
        outcome = "failed"
        error = _short_error(exc)
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
