"""Interrupted runs: Ctrl-C, SIGTERM, kill -9 and a disk that fills up leave no stray processes, no
half-written review, and the review that was there before untouched."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

RUNNER = [sys.executable, "-m", "icbl_analysis.cli"]


STARTED: list[subprocess.Popen] = []


def start(out: Path, *extra: str) -> subprocess.Popen:
    argv = RUNNER + ["annual", "--year", "2015", "--out", str(out), "--no-pdf", "--quiet", "--jobs", "2", *extra]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    STARTED.append(proc)
    return proc


@pytest.fixture(autouse=True)
def nothing_left_running():
    """Whatever a test does, or however it fails, no runner it started outlives it."""
    yield
    while STARTED:
        proc = STARTED.pop()
        family = []
        with contextlib.suppress(psutil.Error):
            family = psutil.Process(proc.pid).children(recursive=True)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        for p in family:
            with contextlib.suppress(psutil.Error):
                p.kill()
        proc.wait()


def wait_for_kernels(proc: subprocess.Popen, timeout: float = 60) -> list[psutil.Process]:
    """The runner's workers and kernels, once at least one kernel is executing a notebook."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        family = psutil.Process(proc.pid).children(recursive=True)
        if any("ipykernel" in " ".join(p.cmdline()) for p in family if p.is_running()):
            return family
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    raise AssertionError("no kernel started within a minute")


def gone(processes: list[psutil.Process], timeout: float = 15) -> list[psutil.Process]:
    """Those of `processes` still alive after `timeout` seconds."""
    _, alive = psutil.wait_procs([p for p in processes if p.is_running()], timeout=timeout)
    for p in alive:
        p.kill()
    return alive


@pytest.fixture
def published(tmp_path) -> Path:
    """An outputs folder holding an earlier review the interrupted run must not touch."""
    out = tmp_path / "outputs"
    (out / "2015").mkdir(parents=True)
    (out / "2015" / "index.html").write_text("the review published last week")
    return out


@pytest.mark.parametrize("how", ["Ctrl-C", "SIGTERM"])
def test_a_stopped_run_cleans_up(published, how):
    proc = start(published)
    family = wait_for_kernels(proc)
    if how == "Ctrl-C":
        os.killpg(proc.pid, signal.SIGINT)  # the terminal sends it to the whole group
    else:
        proc.send_signal(signal.SIGTERM)  # a scheduler or `kill` sends it to the runner alone
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted; no outputs were moved into place" in err
    assert "Traceback" not in err
    assert gone(family) == []
    assert sorted(p.name for p in published.iterdir()) == ["2015"], [str(f) for f in published.rglob("*")]
    assert (published / "2015" / "index.html").read_text() == "the review published last week"


def test_a_killed_run_leaves_nothing_running_and_its_staging_is_cleared_next_time(published):
    proc = start(published)
    family = wait_for_kernels(proc)
    proc.kill()  # kill -9: no handler runs
    proc.wait(timeout=10)
    assert gone(family) == []  # the workers watch the runner, the kernels watch their worker
    assert [p.name for p in published.glob(".staging-*")]  # nothing could clear it
    assert (published / "2015" / "index.html").read_text() == "the review published last week"
    done = subprocess.run(
        RUNNER + ["validate"], capture_output=True, text=True, timeout=120
    )  # any command touching the outputs folder next clears it; a cheap one:
    assert done.returncode == 0
    from icbl_analysis.run import prepare_out

    prepare_out(published)
    assert not list(published.glob(".staging-*"))


def _small_files() -> None:
    """In the child: no file may grow past 200 kB, as on a disk that is nearly full."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))


def test_a_full_disk_fails_in_one_line_and_publishes_nothing(published):
    argv = RUNNER + ["annual", "--year", "2015", "--out", str(published), "--no-pdf", "--quiet", "--notebooks",
                     "goal1"]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, preexec_fn=_small_files)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert "File too large" in done.stderr or "No space" in done.stderr, done.stderr
    assert not list(published.glob(".staging-*"))
    assert (published / "2015" / "index.html").read_text() == "the review published last week"
