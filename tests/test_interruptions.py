"""Interrupted runs: Ctrl-C, SIGTERM, SIGHUP, kill -9 and a disk that fills up, while the notebooks run or
while the PDFs print, leave no stray processes (kernels, workers, the browser), no half-written review, and
the reviews that were there before untouched; a publish cut between its two renames is finished next time."""

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

from icbl_analysis.run.outputs import BROWSER, JOURNAL, mark, prepare_out, publish
from icbl_analysis.run.pdf import browser

RUNNER = [sys.executable, "-m", "icbl_analysis.cli"]
# The runner as a terminal starts it: Ctrl-C (SIGINT) at its default. A job a script starts in the background
# inherits SIGINT ignored, and the runner then rightly ignores Ctrl-C too; pytest run that way (nohup, `&`)
# would otherwise see runs that cannot be interrupted. The reset is made in the child, then the runner is exec'd.
AS_FROM_A_TERMINAL = [sys.executable, "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                      "os.execv(sys.argv[1], sys.argv[1:])"]  # fmt: skip


STARTED: list[subprocess.Popen] = []


def start(out: Path, *extra: str, pdf: bool = False) -> subprocess.Popen:
    argv = RUNNER + ["annual", "--year", "2015", "--out", str(out), "--quiet", "--jobs", "2", *extra]
    argv += [] if pdf else ["--no-pdf"]
    proc = subprocess.Popen(AS_FROM_A_TERMINAL + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
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


def earlier_run(folder: Path, text: str) -> None:
    """A review published earlier, as the suite marks it."""
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text)
    mark(folder, f"earlier-{folder.name}", "review")


@pytest.fixture
def published(tmp_path) -> Path:
    """An outputs folder holding earlier reviews (the full one and one of goal 4) and a researcher's own
    folder, none of which an interrupted run may touch."""
    out = tmp_path / "outputs"
    earlier_run(out / "2015", "the review published last week")
    earlier_run(out / "2015-goal4", "goal 4 published last week")
    (out / "my-notes").mkdir()
    (out / "my-notes" / "draft.txt").write_text("a researcher's own")
    return out


def snapshot(root: Path) -> dict[str, bytes]:
    """What is published: every file outside staging folders (and the lock), with its content."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.relative_to(root).parts[0].startswith((".staging-", ".icbl-review.lock"))
    }


@pytest.mark.parametrize("how", ["Ctrl-C", "SIGTERM"])
def test_a_stopped_run_cleans_up(published, how):
    before = snapshot(published)
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
    assert snapshot(published) == before and not list(published.glob(".staging-*"))


def test_a_killed_run_leaves_nothing_running_and_its_staging_is_cleared_next_time(published):
    proc = start(published)
    family = wait_for_kernels(proc)
    proc.kill()  # kill -9: no handler runs
    proc.wait(timeout=10)
    assert gone(family) == []  # the workers watch the runner, the kernels watch their worker
    assert [p.name for p in published.glob(".staging-*")]  # nothing could clear it
    assert (published / "2015" / "index.html").read_text() == "the review published last week"
    assert (published / "my-notes" / "draft.txt").read_text() == "a researcher's own"
    done = subprocess.run(
        RUNNER + ["validate"], capture_output=True, text=True, timeout=120
    )  # any command touching the outputs folder next clears it; a cheap one:
    assert done.returncode == 0
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


def wait_for_browser(proc: subprocess.Popen, timeout: float = 300) -> psutil.Process:
    """The headless browser the runner started to print the PDFs, as soon as it is there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in psutil.Process(proc.pid).children():
            with contextlib.suppress(psutil.Error):
                if "chrom" in child.name().lower() or "chrom" in " ".join(child.cmdline()[:1]).lower():
                    return child
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the runner started no browser")


def group(pgid: int) -> list[psutil.Process]:
    """Every process still in the process group `pgid` (the browser and its renderers and helpers)."""
    found = []
    for p in psutil.process_iter():
        with contextlib.suppress(psutil.Error, ProcessLookupError):
            if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
    return found


@pytest.mark.skipif(browser() is None, reason="no Chromium, Chrome or Edge here (apt-get install chromium): the PDF "
                    "phase cannot be interrupted")  # fmt: skip
@pytest.mark.parametrize("how", ["Ctrl-C", "SIGTERM", "SIGHUP", "kill -9"])
def test_a_run_stopped_while_printing_pdfs_leaves_no_browser_and_the_reviews_as_they_were(published, how):
    before = snapshot(published)
    proc = start(published, "--notebooks", "goal4", pdf=True)
    chromium = wait_for_browser(proc)
    deadline = time.monotonic() + 30  # printing has begun: the runner has noted its browser in the staging folder
    while not list(published.glob(f".staging-*/{BROWSER}")) and time.monotonic() < deadline:
        time.sleep(0.02)
    pgid = os.getpgid(chromium.pid)
    assert pgid != os.getpgid(proc.pid)  # a group of its own: stopped as one
    signals = {"Ctrl-C": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP, "kill -9": signal.SIGKILL}
    if how == "Ctrl-C":
        os.killpg(proc.pid, signal.SIGINT)  # the terminal's group: the browser, in its own, is the runner's to stop
    else:
        proc.send_signal(signals[how])
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == (-9 if how == "kill -9" else 130), err
    assert "Traceback" not in err
    deadline = time.monotonic() + 15
    while group(pgid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert group(pgid) == []  # no browser process outlives the runner, however it was stopped
    assert snapshot(published) == before  # the published reviews and the researcher's folder as they were
    left = list(published.glob(".staging-*"))
    assert left == [] if how != "kill -9" else [p for p in left if (p / BROWSER).exists()] == left
    prepare_out(published)  # the next run clears what a killed run left
    assert not list(published.glob(".staging-*")) and snapshot(published) == before


def staged(root: Path, name: str, text: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text)
    mark(folder, name.rsplit("-", 1)[-1], "staging")
    return folder


@pytest.mark.parametrize("cut", ["after moving the old run away", "after both renames", "before either rename"])
def test_a_publish_cut_by_kill_9_is_finished_or_undone_by_the_next_run(tmp_path, cut):
    """kill -9 cannot be caught: between the two renames of a publish, the journal says what to finish."""
    import json

    root = tmp_path / "out"
    earlier_run(root / "2015", "the old review")
    staging = staged(root, ".staging-2015-run1", "the new review")
    archived = root / "archive" / "2015-then"
    journal = {"staging": str(staging), "target": str(root / "2015"), "archived": str(archived)}
    (root / JOURNAL).write_text(json.dumps(journal))
    archived.parent.mkdir()
    if cut != "before either rename":
        (root / "2015").rename(archived)
    if cut == "after both renames":
        staging.rename(root / "2015")
    prepare_out(root)
    expected = "the old review" if cut == "before either rename" else "the new review"
    assert (root / "2015" / "index.html").read_text() == expected
    assert not (root / JOURNAL).exists()
    assert staging.exists() == (cut == "before either rename")  # (left for its run, whose process is alive)
    assert archived.exists() == (cut != "before either rename")


def test_archive_names_taken_by_others_are_left_and_a_run_is_never_left_in_staging(tmp_path):
    from icbl_analysis.core.errors import DataError

    root = tmp_path / "out"
    earlier_run(root / "2015", "the old review")
    os.utime(root / "2015", (0, 0))  # 1 January 1970: its archive name is known
    for taken in ("2015-19700101T000000", "2015-19700101T000000-1"):  # a researcher's folders in the archive
        (root / "archive" / taken).mkdir(parents=True)
        (root / "archive" / taken / "mine.txt").write_text("mine")
    archived = publish(staged(root, ".staging-2015-run2", "the new review"), root / "2015", root, "run2")
    assert archived == root / "archive" / "2015-19700101T000000-2"
    assert (archived / "index.html").read_text() == "the old review"
    assert (root / "2015" / "index.html").read_text() == "the new review"
    assert all(
        (root / "archive" / t / "mine.txt").read_text() == "mine"
        for t in ("2015-19700101T000000", "2015-19700101T000000-1")
    )
    (root / "archive").rename(root / "archive-moved")
    (root / "archive").write_text("a file where the archive goes")  # appears while a run goes on
    with pytest.raises(DataError, match="the complete run is kept in .*2015.unpublished-"):
        publish(staged(root, ".staging-2015-run3", "the newest review"), root / "2015", root, "run3")
    kept = next(root.glob("2015.unpublished-*"))
    assert (kept / "index.html").read_text() == "the newest review"
    assert (root / "2015" / "index.html").read_text() == "the new review"  # the published run as it was
    assert not list(root.glob(".staging-*")) and not (root / JOURNAL).exists()
