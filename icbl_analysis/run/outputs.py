"""The outputs folder: runs are built apart and published whole, and only folders this suite made are ever
moved or removed.

Every folder a run makes (its staging folder, the review it publishes, a run kept aside) holds a marker
file, `.icbl-review.json`, with the run's id. A folder without one (a researcher's own `2015/`, a
`.staging-notes-1/`) is never moved, replaced or deleted: a run that would replace it is refused before it
starts. Runs on one outputs folder may go side by side; a lock serialises the short steps that touch what
is published (reuse, publish, clearing what killed runs left), and a journal written before the two
renames of a publish lets the next run finish or undo one that a kill -9 cut in half.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from ..core.errors import DataError
from ..core.paths import BUNDLED_DATA_DIR, NOTEBOOKS_DIR, PACKAGE_DIR, REPO_DIR, outputs_dir

try:
    import fcntl
except ImportError:  # Windows: runs on one outputs folder are not serialised there
    fcntl = None

MARKER = ".icbl-review.json"
JOURNAL = ".icbl-publishing.json"
LOCK = ".icbl-review.lock"
BROWSER = ".browser.json"  # in a staging folder: the headless browser printing its PDFs, for the next run to stop


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(3)}"


def mark(folder: Path, run_id: str, kind: str) -> None:
    """Mark `folder` as made by this suite's run `run_id` (kind: staging, review, kept)."""
    info = {"made_by": "icbl-review", "run_id": run_id, "kind": kind, "pid": os.getpid(), "host": socket.gethostname()}
    (folder / MARKER).write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")


def marker(folder: Path) -> dict | None:
    """The marker of a folder this suite made, or None. A review published before markers existed is known by
    its manifest (written only by this suite's runner)."""
    try:
        info = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        if isinstance(info, dict) and info.get("made_by") == "icbl-review" and isinstance(info.get("run_id"), str):
            return info
    except (OSError, ValueError):
        pass
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(manifest, dict) and isinstance(manifest.get("notebooks"), list) and "review_year" in manifest:
        return {"made_by": "icbl-review", "run_id": str(manifest.get("run_id", "before-markers")), "kind": "review"}
    return None


def ours(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and marker(folder) is not None


# ---- where outputs may go ---------------------------------------------------------------------------------


def check_out_root(out_root) -> Path:
    """The outputs folder a run may write into. Refused: an empty name (an unset variable in a script), the
    filesystem's root, the home folder, the repository and its own folders, a folder holding one of them,
    a file."""
    if out_root is not None and not str(out_root).strip():
        raise DataError("an empty folder name (an unset variable in a script?): name the outputs folder",
                        column="--out", value=str(out_root))  # fmt: skip
    root = outputs_dir(out_root)
    home = Path.home().resolve()
    if (
        root == Path(root.anchor)
        or root in (home, REPO_DIR)
        or home.is_relative_to(root)
        or REPO_DIR.is_relative_to(root)
    ):
        raise DataError("a run writes a folder per year into the outputs folder: name a folder of its own "
                        "(for example ~/icbl-outputs), not the root, the home folder or the repository",
                        column="--out", value=str(root))  # fmt: skip
    for inside in (BUNDLED_DATA_DIR, PACKAGE_DIR, NOTEBOOKS_DIR):
        if root.is_relative_to(inside):
            raise DataError(f"inside the suite's own {inside.name}/ folder: choose a folder for outputs",
                            column="--out", value=str(root))  # fmt: skip
    if root.exists() and not root.is_dir():
        raise DataError("is a file, not a folder: choose a folder for the outputs", column="--out", value=str(root))
    if root.is_symlink() and not root.exists():
        raise DataError("a link that leads nowhere (or back to itself): name a folder", column="--out", value=str(root))
    return root


def prepare_out(out_root) -> Path:
    """The outputs folder, created if needed (refused with one line when it cannot be); a publish a kill cut
    short is finished or undone, and what killed runs left (their staging folders, their browser) cleared."""
    root = check_out_root(out_root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataError(f"cannot write there ({exc.strerror})", column="--out", value=str(root)) from None
    archive = root / "archive"
    if archive.exists() and not archive.is_dir():
        raise DataError("is not a folder: earlier runs are kept in outputs/archive/; move the file away",
                        file=str(archive))  # fmt: skip
    with lock(root):
        recover(root)
        remove_stale_staging(root)
    return root


def check_target(target: Path) -> None:
    """Refuse, before anything runs, to replace a folder this suite did not make."""
    if (target.exists() or target.is_symlink()) and not ours(target):
        raise DataError(f"is not a folder this suite made (it has no {MARKER}); a run would replace it: move it "
                        "away or choose another --out. Nothing was changed", file=str(target))  # fmt: skip


# ---- the lock, the staging folder, publishing -------------------------------------------------------------


@contextlib.contextmanager
def lock(root: Path):
    """Hold the outputs folder's lock (waiting for another run's short step to end)."""
    if fcntl is None:
        yield
        return
    with open(root / LOCK, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_staging(root: Path, target_name: str, run_id: str) -> Path:
    """A fresh, marked staging folder of this run (never one that is already there)."""
    staging = root / f".staging-{target_name}-{run_id}"
    staging.mkdir()
    mark(staging, run_id, "staging")
    return staging


def remove_stale_staging(root: Path) -> list[Path]:
    """Staging folders of runs on this machine that were killed (their process is gone), with the browser
    one of them may have left printing. Folders without the suite's marker are never touched."""
    removed = []
    for folder in sorted(root.glob(".staging-*")):
        info = marker(folder)
        if not info or info.get("kind") != "staging" or not folder.name.endswith(info["run_id"]):
            continue
        if info.get("host") != socket.gethostname() or _alive(int(info.get("pid", 0))):
            continue
        stop_browser(folder / BROWSER)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def remove_folder(folder: Path, tries: int = 5) -> None:
    """Remove this run's own folder even while a process that was just stopped still had a file open in it."""
    if not ours(folder):
        return
    for _ in range(tries):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.5)


def publish(staging: Path, target: Path, root: Path, run_id: str) -> Path | None:
    """Move a complete run into place: the earlier run (the suite's own) to archive/, this one to `target`.
    Returns where the earlier run went. Signals wait until both renames are done; after kill -9 between
    them, the journal lets the next run finish the move. If the move cannot be made, the run is kept aside
    (never left in staging) and the error names where."""
    with lock(root), _signals_deferred():
        try:
            if (target.exists() or target.is_symlink()) and not ours(target):
                raise DataError(f"appeared while the run went on and is not a folder this suite made (no {MARKER})",
                                file=str(target))  # fmt: skip
            dest = _archive_slot(root, target) if target.exists() else None
            journal = root / JOURNAL
            _write_synced(journal, {"staging": str(staging), "target": str(target), "archived": str(dest or "")})
            if dest is not None:
                target.rename(dest)
            staging.rename(target)
            journal.unlink()
        except (OSError, DataError) as exc:
            (root / JOURNAL).unlink(missing_ok=True)
            if staging.exists():
                kept = keep_aside(staging, root, target.name, "unpublished", locked=True)
                raise DataError(f"{exc}; the complete run is kept in {kept}") from None
            raise
        mark(target, run_id, "review")
        return dest


def keep_aside(staging: Path, root: Path, name: str, why: str, locked: bool = False) -> Path:
    """A run that is not published (a notebook failed, or it could not be moved into place) is kept beside
    the published one as `<name>.<why>-<time>`, under a name no other folder has."""
    with contextlib.nullcontext() if locked else lock(root):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        kept = _free_name(root, f"{name}.{why}-{stamp}")
        staging.rename(kept)
        mark(kept, (marker(kept) or {}).get("run_id", "unknown"), "kept")
        return kept


def recover(root: Path) -> None:
    """Finish (or undo) a publish that a kill cut between its two renames. Called under the lock, so the run
    that wrote the journal is gone."""
    journal = root / JOURNAL
    try:
        info = json.loads(journal.read_text(encoding="utf-8"))
        staging, target, archived = Path(info["staging"]), Path(info["target"]), info.get("archived") or ""
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink(missing_ok=True)  # unreadable: nothing was moved before it was complete
        return
    if not target.exists() and staging.parent == root == target.parent:
        if ours(staging):
            staging.rename(target)
        elif archived and ours(Path(archived)):
            Path(archived).rename(target)
    journal.unlink(missing_ok=True)


def _archive_slot(root: Path, target: Path) -> Path:
    stamp = datetime.fromtimestamp(target.stat().st_mtime, tz=UTC).strftime("%Y%m%dT%H%M%S")
    (root / "archive").mkdir(exist_ok=True)
    return _free_name(root / "archive", f"{target.name}-{stamp}")


def _free_name(folder: Path, name: str) -> Path:
    path, n = folder / name, 1
    while path.exists() or path.is_symlink():
        path, n = folder / f"{name}-{n}", n + 1
    return path


def _write_synced(path: Path, info: dict) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(info, fh)
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def _signals_deferred():
    """Ctrl-C and SIGTERM wait while the published folder is swapped; they take effect right after."""
    blockable = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP} if blockable else set()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held) if held else None
    try:
        yield
    finally:
        if held:
            pending = signal.sigpending() & held
            try:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)
            except KeyboardInterrupt:
                if not pending:
                    raise
                raise KeyboardInterrupt("interrupted just after the run was published: it is complete") from None


# ---- processes a killed run may have left -------------------------------------------------------------


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def record_browser(path: Path, pid: int, profile: str) -> None:
    """Note the browser a run prints with, so that if the run is killed the next one can stop it."""
    path.write_text(json.dumps({"pid": pid, "profile": profile}), encoding="utf-8")


def stop_browser(record: Path) -> None:
    """Stop the headless browser a killed run left, known by its private profile folder (never another)."""
    try:
        info = json.loads(record.read_text(encoding="utf-8"))
        profile = f"--user-data-dir={info['profile']}"
    except (OSError, ValueError, KeyError, TypeError):
        return
    import psutil

    for proc in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            if profile in (proc.info["cmdline"] or []):
                proc.kill()
    if Path(info["profile"]).name.startswith("icbl-chromium-"):  # its private profile, a temporary folder
        shutil.rmtree(info["profile"], ignore_errors=True)
