"""Notebook execution with a warm kernel, through papermill and the engine `icbl-warm`:
`papermill --engine icbl-warm in.ipynb out.ipynb` and the runner share this one path (papermill_engine.py
runs each notebook in the process's warm kernel, kernels.py). A notebook's HTML report is written by the worker
that ran it."""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

import papermill  # first: papermill loads its engines' entry points, ours among them, as it is imported
from papermill.engines import papermill_engines

from ..present.pages import notebook_to_html
from .kernels import discard_kernel, tables_read, warm_client
from .papermill_engine import WarmKernelEngine

ENGINE = "icbl-warm"


def register() -> None:
    """Make the engine known to papermill in this process (the entry point does it for installed copies)."""
    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, WarmKernelEngine)


def run_notebook(source: str, target: str, parameters: dict, cwd: str, log: str | None = None) -> dict:
    """Execute `source` into `target` with the warm-kernel engine; never raises: returns outcome, seconds
    and the error text. The kernel's own messages to stderr go to `log` instead of the terminal."""
    register()
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
            engine_name=ENGINE,
            request_save_on_cell_execute=False,
        )
        outcome, error = "ok", ""
        read = tables_read(warm_client()) if warm_client() is not None else None
    except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
        outcome, error, read = "failed", _short_error(exc), None
        discard_kernel()
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
        "tables_read": read,
    }


def run_and_render(source: str, target: str, parameters: dict, cwd: str, log: str, html: str, name: str) -> dict:
    """Execute a notebook, then write its HTML report, both in this worker (reports render in parallel)."""
    result = run_notebook(source, target, parameters, cwd, log)
    if Path(target).exists():
        start = time.perf_counter()
        try:
            notebook_to_html(Path(target), Path(html), name, dict(parameters), result)
        except Exception as exc:  # noqa: BLE001 - a report that cannot render is a failed notebook, said once
            result.update(outcome="failed", error=f"report: {_short_error(exc)}")
        result["render_seconds"] = round(time.perf_counter() - start, 2)
    return result


def _short_error(exc: Exception) -> str:
    if type(exc).__name__ == "PapermillExecutionError":
        return f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()
