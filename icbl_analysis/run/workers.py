"""Worker processes for a run: each starts a warm kernel at once, runs notebooks in it and renders their
HTML; all of them (and their kernels) stop at once when the run is interrupted, and on their own when the
runner dies, even by kill -9."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import psutil
from tqdm import tqdm

from ..core.paths import notebooks_dir
from .execute import run_and_render
from .kernels import prestart


def nb_out(staging: Path, name: str) -> Path:
    path = staging / "notebooks" / f"{name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _log_path(staging: Path, name: str) -> Path:
    path = staging / "logs" / f"{name}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class Workers:
    """Worker processes, each with a warm kernel started as soon as the pool is (while the runner is still
    writing the data cache), and one progress bar over the notebooks they run. Leaving the block by an
    exception (Ctrl-C, SIGTERM, a full disk) stops every worker and kernel at once."""

    def __init__(self, count: int, cache: Path, logs: Path):
        self.count, self.cache, self.logs, self.pool = count, cache, logs, None

    def __enter__(self) -> Workers:
        if self.count < 1:
            return self
        os.environ["ICBL_DATA_CACHE"] = str(self.cache)  # before the fork: the kernels inherit it
        self.logs.mkdir(parents=True, exist_ok=True)
        self.pool = ProcessPoolExecutor(
            max_workers=self.count, initializer=_start_worker, initargs=(os.getpid(), str(self.logs))
        )
        self.pool.submit(int)  # the first task starts every worker, and so every kernel
        return self

    def run(self, work: list, base_params: dict, staging: Path, progress: bool) -> list[dict]:
        """Run every (name, notebook, parameters) job; results in the order they finish."""
        results: list[dict] = []
        if not work:
            return results
        futures = {
            self.pool.submit(
                run_and_render,
                str(notebooks_dir() / f"{notebook}.ipynb"),
                str(nb_out(staging, name)),
                dict(base_params, **extra, output_dir=str(staging / name)),
                str(notebooks_dir()),
                str(_log_path(staging, name)),
                str(staging / f"{name}.html"),
                name,
            ): name
            for name, notebook, extra in work
        }
        with tqdm(total=len(work), unit="notebook", disable=not progress, file=sys.stderr, leave=True) as bar:
            for future in as_completed(futures):
                result = dict(future.result(), notebook=futures[future])
                results.append(result)
                bar.set_postfix_str(f"{result['notebook']} {result['outcome']}", refresh=False)
                bar.update(1)
        return results

    def __exit__(self, kind, exc, tb) -> None:
        os.environ.pop("ICBL_DATA_CACHE", None)
        if self.pool is None:
            return
        if kind is not None:
            _stop_children()
            self.pool.shutdown(wait=False, cancel_futures=True)
        else:
            self.pool.shutdown()


def _stop_children(grace: float = 5.0) -> None:
    """Terminate this process's workers and their kernels; kill those still there after `grace` seconds.

    Workers are left for multiprocessing to reap (reaping them here would make the pool wait for them forever).
    """
    for _ in range(3):  # a worker may have started a kernel while we looked
        family = [p for p in psutil.Process().children(recursive=True) if not _ended(p)]
        if not family:
            return
        for proc in family:
            with contextlib.suppress(psutil.Error):
                proc.terminate()
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and not all(_ended(p) for p in family):
            time.sleep(0.1)
        for proc in family:
            if not _ended(proc):
                with contextlib.suppress(psutil.Error):
                    proc.kill()


def _ended(proc: psutil.Process) -> bool:
    """Gone, or a zombie waiting for its parent (us, or a worker that is gone too)."""
    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _start_worker(parent: int, logs: str) -> None:
    """In each worker: exit as soon as the runner is gone (killed, even with kill -9), and so do its kernels;
    then start the warm kernel, so it is ready when the first notebook comes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the runner stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the runner's handler, inherited by the fork: just stop

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()
    prestart(str(notebooks_dir()), Path(logs) / f"kernel-{os.getpid()}.log")
