"""The annual review run: check parameters, run the notebooks in parallel, publish, move into place.

Outputs are built in a staging folder beside the target and moved to `outputs/<year>/` only when
the run is complete; an earlier `outputs/<year>/` is moved to `outputs/archive/` first, never lost.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

from . import obligations, publish, treaties
from .countries import country_table, to_iso3
from .errors import DataError
from .fingerprints import code_hash, data_hashes, file_hash
from .load import load_data
from .paths import REPO_DIR, notebooks_dir, outputs_dir
from .paths import data_dir as resolve_data_dir
from .read import read_table
from .records import check_records
from .review import check_parameters
from .schema import TABLES, descriptor, resource
from .validate import validate_folder
from .workers import Workers, nb_out

ANNUAL_NOTEBOOKS = ["overview", "goal1", "goal2", "goal3", "goal4"]


@dataclass
class RunResult:
    year: int
    folder: Path
    results: list[dict] = field(default_factory=list)
    archived: Path | None = None
    published: bool = True  # False: a notebook failed, the outputs are kept apart and the published run stays
    kept_published: Path | None = None

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.results if r["outcome"] != "ok"]


def check_run(year: int, baseline: int, vintage: str, data_dir, user_dir, notebooks, records=None) -> Path:
    """Everything that can be checked before a kernel starts. Returns the resolved data folder."""
    folder = resolve_data_dir(data_dir)
    check_parameters(year, baseline, vintage, str(folder), str(user_dir or ""), str(records or ""))
    unknown = [n for n in notebooks if not (notebooks_dir() / f"{n}.ipynb").exists()]
    if unknown:
        known = sorted(p.stem for p in notebooks_dir().glob("*.ipynb"))
        raise DataError(f"unknown notebook(s) {unknown}; known: {known}", column="notebooks")
    problems = validate_folder(folder, records=records)
    if user_dir:
        problems += validate_folder(user_dir, partial=True, records=records)
    if records:  # the campaign's workbook: the same checks, told by sheet and cell
        problems += check_records(records)
    if problems:
        more = f" (and {len(problems) - 1} more problems: run `icbl-review validate`)" if len(problems) > 1 else ""
        raise DataError(f"the data does not validate: {problems[0]}{more}")
    covered = _years_covered(folder)
    if year > covered:
        raise DataError(f"the data covers years up to {covered}", column="year", value=year)
    return folder


def _years_covered(folder: Path) -> int:
    """The latest year any table of the data folder speaks of (the end of the review range)."""
    facts = read_table("monitor_facts", folder)
    events = read_table("treaty_events", folder)
    latest_fact = max(int(str(p)[-4:]) for p in facts["period"]) if len(facts) else 0
    latest_event = max(d.year for d in events["date"]) if len(events) else 0
    return max(latest_fact, latest_event)


def _previous_manifest(target: Path) -> dict | None:
    path = target / "manifest.json"
    if path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return None
    return None


def _input_key(name: str, params: dict, hashes: dict, tables: list[str] | None = None) -> str:
    """What a notebook's results depend on: the notebook, its parameters, the package's code, and the data
    files it read (`tables`; all of them when not known). Files outside the tables a review reads (the
    country list, the descriptor) always count."""
    if tables is not None:
        read = {schema_path(t) for t in tables}
        tabled = {schema_path(t) for t in TABLES} | {schema_path("metrics")}
        hashes = {
            k: v for k, v in hashes.items() if k.removeprefix("user/") in read or k.removeprefix("user/") not in tabled
        }
    text = json.dumps(
        {"nb": file_hash(notebooks_dir() / f"{name}.ipynb"), "params": params, "data": hashes, "code": code_hash()},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def schema_path(table: str) -> str:
    return resource(table)["path"]


def run_annual(
    year: int,
    baseline: int = 2011,
    vintage: str = "first",
    data_dir=None,
    user_dir=None,
    out_root=None,
    jobs: int | None = None,
    notebooks: list[str] | None = None,
    only_changed: bool = False,
    progress: bool = True,
    pdf: bool = True,
    publish_partial: bool = False,
    records=None,
) -> RunResult:
    """Run the annual review for `year` and publish it into `<out_root>/<year>/` (see `_run`); `records`: the
    campaign's filled records workbook (icbl-review records), passed to every notebook."""
    notebooks = notebooks or ANNUAL_NOTEBOOKS
    folder = check_run(year, baseline, vintage, data_dir, user_dir, notebooks, records)
    params = _base_params(year, vintage, folder, user_dir) | {"baseline_year": baseline}
    params["records"] = str(Path(records).expanduser().resolve()) if records else ""
    work = [(name, name, {}) for name in notebooks]
    return _run(work, year, str(year), params, folder, user_dir, out_root, jobs, only_changed, progress, pdf,
                publish_partial)  # fmt: skip


def run_profiles(
    countries: list[str],
    year: int,
    vintage: str = "first",
    data_dir=None,
    user_dir=None,
    out_root=None,
    jobs: int | None = None,
    progress: bool = True,
    pdf: bool = True,
    publish_partial: bool = False,
) -> RunResult:
    """Run the country profile for each country into `<out_root>/profiles-<year>/`. `countries` holds ISO3
    codes, names, or a group: all, affected, mbt-parties, ccm-parties, not-party (see `select_countries`)."""
    folder = check_run(year, year, vintage, data_dir, user_dir, ["country_profile"])
    codes = select_countries(countries, year, folder, user_dir)
    params = _base_params(year, vintage, folder, user_dir)
    work = [(f"profile_{code}", "country_profile", {"country": code}) for code in dict.fromkeys(codes)]
    return _run(work, year, f"profiles-{year}", params, folder, user_dir, out_root, jobs, False, progress, pdf,
                publish_partial)  # fmt: skip


GROUPS = {
    "all": "every state and other area",
    "affected": "states with a clearance obligation or Monitor casualty or contamination figures",
    "mbt-parties": "Mine Ban Treaty States Parties on 31 December",
    "ccm-parties": "Convention on Cluster Munitions States Parties on 31 December",
    "not-party": "states party to neither treaty on 31 December",
}


def select_countries(items: list[str], year: int, folder: Path, user_dir=None) -> list[str]:
    """ISO3 codes for names, codes and groups (see GROUPS), in the order given, without repeats."""
    if not items:
        raise DataError("name at least one country or a group: " + ", ".join(GROUPS), column="--countries", value="")
    codes: list[str] = []
    data = None
    for item in items:
        key = item.strip().lower()
        if key not in GROUPS:
            codes.append(to_iso3(item, column="--countries"))
            continue
        data = data or load_data(folder, user_dir)
        on = date(year, 12, 31)
        table = country_table()
        everyone = sorted(table.loc[table["kind"].isin(["state", "other_area"]), "iso3"])
        parties = {t: set(treaties.states_parties(data.treaty_events, t, on)["iso3"]) for t in ("MBT", "CCM")}
        if key == "all":
            codes += everyone
        elif key == "mbt-parties":
            codes += sorted(parties["MBT"])
        elif key == "ccm-parties":
            codes += sorted(parties["CCM"])
        elif key == "not-party":
            codes += [c for c in everyone if c not in parties["MBT"] | parties["CCM"]]
        else:
            facts = data.monitor_facts
            hit = set(facts.loc[facts["metric"].str.startswith(("casualties", "contaminated")), "place"]) - {"WLD"}
            for treaty in ("MBT", "CCM"):
                hist = obligations.clearance_history(
                    data.treaty_events, data.clearance_events, treaty, on, data.meetings
                )
                hit |= set(hist["iso3"])
            codes += sorted(hit & set(everyone))
    return list(dict.fromkeys(codes))


def _base_params(year: int, vintage: str, folder: Path, user_dir) -> dict:
    return {
        "review_year": year,
        "vintage": vintage,
        "data_dir": str(folder),
        "user_data_dir": str(Path(user_dir).resolve()) if user_dir else "",
    }


def prepare_out(out_root) -> Path:
    """The outputs folder, created if needed: refused with one line when it is a file or not writable."""
    root = outputs_dir(out_root)
    if root.exists() and not root.is_dir():
        raise DataError("is a file, not a folder: choose a folder for the outputs", column="--out", value=str(root))
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe = root / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataError(f"cannot write there ({exc.strerror})", column="--out", value=str(root)) from None
    remove_stale_staging(root)
    return root


def remove_stale_staging(root: Path) -> list[Path]:
    """Staging folders left by runs that were killed (their process is gone) are removed."""
    removed = []
    for folder in root.glob(".staging-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def remove_folder(folder: Path, tries: int = 5) -> None:
    """Remove a folder even while a process that was just stopped still had a file open in it."""
    for _ in range(tries):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.5)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run(work, year, target_name, base_params, folder, user_dir, out_root, jobs, only_changed, progress, pdf,
         publish_partial=False):  # fmt: skip
    """Run every (job name, notebook, extra parameters) in `work` in a staging folder and publish it. A complete
    run replaces the published one (which moves to archive/); a run with a failed notebook is kept beside it as
    `<target>.failed-<time>` and the published run stays, unless `publish_partial`."""
    root = prepare_out(out_root)
    target = root / target_name
    staging = root / f".staging-{target_name}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    hashes = data_hashes(folder) | (
        {f"user/{k}": v for k, v in data_hashes(Path(user_dir)).items()} if user_dir else {}
    )
    records = base_params.get("records") or None
    if records:
        hashes[f"records/{Path(records).name}"] = file_hash(Path(records))
    notebooks = {name: (notebook, base_params | extra) for name, notebook, extra in work}
    reuse = _reusable(target, notebooks, hashes) if only_changed else {}
    started = time.perf_counter()
    phases: dict[str, float] = {}
    results: list[dict] = []
    try:
        cache = staging / "data-cache.pickle"
        to_run = [job for job in work if job[0] not in reuse]
        with Workers(min(jobs or os.cpu_count() or 1, len(to_run)), cache, staging / "logs") as workers:
            _write_cache(cache, folder, user_dir, records)  # while the workers start their kernels
            phases["data"] = time.perf_counter() - started
            for name in reuse:
                shutil.copytree(target / name, staging / name)
                shutil.copy2(target / "notebooks" / f"{name}.ipynb", nb_out(staging, name))
                shutil.copy2(target / f"{name}.html", staging / f"{name}.html")
                results.append(dict(reuse[name], reused=True))
            results += workers.run(to_run, base_params, staging, progress)
        phases["notebooks"] = time.perf_counter() - started - phases["data"]
        for r in results:
            if not r.get("reused"):
                notebook, params = notebooks[r["notebook"]]
                r["input_key"] = _input_key(notebook, params, hashes, r.get("tables_read"))
        cache.unlink(missing_ok=True)
        order = [name for name, _, _ in work]
        results.sort(key=lambda r: order.index(r["notebook"]))
        publish.publish_run(staging, results, base_params, pdf=pdf)
        phases["publish"] = time.perf_counter() - started - phases["data"] - phases["notebooks"]
        manifest = _manifest(year, base_params, hashes, results, time.perf_counter() - started, phases)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except BaseException:
        remove_folder(staging)
        raise
    failed = [r for r in results if r["outcome"] != "ok"]
    if failed and not publish_partial:
        kept = root / f"{target_name}.failed-{datetime.now(UTC):%Y%m%dT%H%M%S}"
        staging.rename(kept)
        return RunResult(year, kept, results, None, published=False, kept_published=target if target.exists() else None)
    archived = _archive(target, root)
    staging.rename(target)
    return RunResult(year, target, results, archived)


def _reusable(target: Path, notebooks: dict[str, tuple], hashes: dict) -> dict[str, dict]:
    """Earlier results whose inputs (notebook, parameters, the package's code, the data files it read) are
    unchanged and whose files are all still there; anything damaged or missing is simply run again."""
    previous = _previous_manifest(target) or {}
    reuse = {}
    for entry in previous.get("notebooks", []):
        name = entry.get("notebook")
        if name not in notebooks or entry.get("outcome") != "ok":
            continue
        notebook, params = notebooks[name]
        key = _input_key(notebook, params, hashes, entry.get("tables_read"))
        files = [target / str(name), target / "notebooks" / f"{name}.ipynb", target / f"{name}.html"]
        if entry.get("input_key") == key and all(f.exists() for f in files):
            reuse[name] = entry
    return reuse


def _write_cache(cache: Path, folder: Path, user_dir, records=None) -> None:
    """Load and validate the data once; the notebooks of this run read the validated tables from here."""
    data = load_data(folder, user_dir, records)
    cache.write_bytes(
        pickle.dumps(
            {
                "folder": str(folder),
                "user_dir": str(Path(user_dir).resolve()) if user_dir else None,
                "records": str(Path(records).resolve()) if records else None,
                "tables": data.tables,
            }
        )
    )


def _archive(target: Path, root: Path) -> Path | None:
    """Move an earlier run out of the way (into outputs/archive/) instead of overwriting it."""
    if not target.exists():
        return None
    stamp = datetime.fromtimestamp(target.stat().st_mtime, tz=UTC).strftime("%Y%m%dT%H%M%S")
    dest = root / "archive" / f"{target.name}-{stamp}"
    n = 1
    while dest.exists():
        dest = root / "archive" / f"{target.name}-{stamp}-{n}"
        n += 1
    dest.parent.mkdir(parents=True, exist_ok=True)
    target.rename(dest)
    return dest


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _manifest(year: int, params: dict, hashes: dict, results: list[dict], seconds: float, phases: dict) -> dict:
    packages = {}
    for name in ("icbl-analysis", "pandas", "matplotlib", "seaborn", "papermill", "nbconvert", "jupyterlab"):
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "review_year": year,
        "parameters": params,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "packages": packages,
        "git_commit": _git_commit(),
        "data_files": hashes,
        "data_package": descriptor().get("name"),
        "seconds": round(seconds, 1),
        "phases": {k: round(v, 1) for k, v in phases.items()},  # data cache, notebooks, reports and PDFs
        "notebooks": [{k: v for k, v in r.items() if k != "executed"} for r in results],
    }
