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

from ..core.errors import DataError
from ..core.paths import REPO_DIR, notebooks_dir, real
from ..core.paths import data_dir as resolve_data_dir
from ..data.countries import country_table, to_iso3
from ..data.fingerprints import code_hash, data_hashes, file_hash
from ..data.load import load_data
from ..data.read import read_table
from ..data.records import check_records
from ..data.rules import KIND_WORDS
from ..data.schema import TABLES, descriptor, resource
from ..data.validate import validate_folder
from ..engine import obligations, treaties
from ..review.compute import check_parameters
from . import publish
from .outputs import BROWSER, check_target, keep_aside, lock, new_run_id, new_staging, prepare_out, remove_folder
from .outputs import publish as publish_folder
from .workers import Workers

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
    if user_dir:  # checked as load_data will merge it: against the data folder it joins
        problems += validate_folder(user_dir, partial=True, base=folder, records=records)
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
    """The published run's manifest, or None when it is missing, unreadable or not what a run writes."""
    try:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


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
    notebooks = list(dict.fromkeys(notebooks or ANNUAL_NOTEBOOKS))
    folder = check_run(year, baseline, vintage, data_dir, user_dir, notebooks, records)
    params = _base_params(year, vintage, folder, user_dir) | {"baseline_year": baseline}
    params["records"] = str(real(records)) if records else ""
    work = [(name, name, {}) for name in notebooks]
    # the full review is `<year>/`; a run of some of its notebooks is published beside it, never in its place
    target = str(year) if set(notebooks) == set(ANNUAL_NOTEBOOKS) else f"{year}-{'-'.join(notebooks)}"
    return _run(work, year, target, params, folder, user_dir, out_root, jobs, only_changed, progress, pdf,
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
    return _run(work, year, profiles_folder(countries, codes, year), params, folder, user_dir, out_root, jobs, False,
                progress, pdf, publish_partial)  # fmt: skip


def profiles_folder(items: list[str], codes: list[str], year: int) -> str:
    """`profiles-<year>` for every profile (`all`); a selection is published beside it, never in its place:
    `profiles-2015-affected`, `profiles-2015-BLR-KHM`, or for many states `profiles-2015-40-states-<hash>`."""
    keys = [i.strip().lower() for i in items]
    if keys == ["all"]:
        return f"profiles-{year}"
    if len(keys) == 1 and keys[0] in GROUPS:
        return f"profiles-{year}-{keys[0]}"
    if len(codes) <= 4:
        return f"profiles-{year}-{'-'.join(sorted(codes))}"
    digest = hashlib.sha256(" ".join(sorted(codes)).encode()).hexdigest()[:6]
    return f"profiles-{year}-{len(codes)}-states-{digest}"


PROFILE_KINDS = ("state", "other_area")  # countries.csv kinds a country profile can be about
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
            code = to_iso3(item, column="--countries")
            kind = country_table().set_index("iso3")["kind"].get(code)
            if kind not in PROFILE_KINDS:
                raise DataError(
                    f"{code} is {KIND_WORDS.get(kind, kind)} in data/countries.csv: a profile covers a state or "
                    "another area the Monitor reports on",
                    column="--countries",
                    value=item,
                )
            codes.append(code)
            continue
        data = data or load_data(folder, user_dir)
        on = date(year, 12, 31)
        table = country_table()
        everyone = sorted(table.loc[table["kind"].isin(PROFILE_KINDS), "iso3"])
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
        "user_data_dir": str(real(user_dir)) if user_dir else "",
    }


def _run(work, year, target_name, base_params, folder, user_dir, out_root, jobs, only_changed, progress, pdf,
         publish_partial=False):  # fmt: skip
    """Run every (job name, notebook, extra parameters) in `work` in a staging folder of its own and publish it.
    A complete run replaces the published one (which moves to archive/); a run with a failed notebook is kept
    beside it as `<target>.failed-<time>` and the published run stays, unless `publish_partial`. A folder the
    suite did not make is never replaced: the run is refused before it starts."""
    root = prepare_out(out_root)
    target = root / target_name
    check_target(target)
    run_id = new_run_id()
    staging = new_staging(root, target_name, run_id)
    hashes = data_hashes(folder) | (
        {f"user/{k}": v for k, v in data_hashes(Path(user_dir)).items()} if user_dir else {}
    )
    records = base_params.get("records") or None
    if records:
        hashes[f"records/{Path(records).name}"] = file_hash(Path(records))
    notebooks = {name: (notebook, base_params | extra) for name, notebook, extra in work}
    started = time.perf_counter()
    phases: dict[str, float] = {}
    results: list[dict] = []
    try:
        reuse = _reuse(target, staging, root, notebooks, hashes) if only_changed else {}
        results += [dict(entry, reused=True) for entry in reuse.values()]
        cache = staging / "data-cache.pickle"
        to_run = [job for job in work if job[0] not in reuse]
        with Workers(min(jobs or os.cpu_count() or 1, len(to_run)), cache, staging / "logs") as workers:
            _write_cache(cache, folder, user_dir, records)  # while the workers start their kernels
            phases["data"] = time.perf_counter() - started
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
        (staging / BROWSER).unlink(missing_ok=True)
        for r in results:
            r["outputs"] = _outputs(staging, r["notebook"])
        phases["publish"] = time.perf_counter() - started - phases["data"] - phases["notebooks"]
        manifest = _manifest(year, base_params, hashes, results, time.perf_counter() - started, phases) | {
            "run_id": run_id
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    except BaseException:
        remove_folder(staging)
        raise
    failed = [r for r in results if r["outcome"] != "ok"]
    if failed and not publish_partial:
        kept = keep_aside(staging, root, target_name, "failed")
        return RunResult(year, kept, results, None, published=False, kept_published=target if target.exists() else None)
    archived = publish_folder(staging, target, root, run_id)
    return RunResult(year, target, results, archived)


def _reuse(target: Path, staging: Path, root: Path, notebooks: dict[str, tuple], hashes: dict) -> dict[str, dict]:
    """Copy into staging the published results that may be reused (under the lock: no run publishes while
    they are read); returns their manifest entries."""
    with lock(root):
        reuse = _reusable(target, notebooks, hashes)
        for entry in reuse.values():
            for relative in entry["outputs"]:
                copy = staging / relative
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target / relative, copy)
    return reuse


def _reusable(target: Path, notebooks: dict[str, tuple], hashes: dict) -> dict[str, dict]:
    """Earlier results whose inputs (notebook, parameters, the package's code, the data files it read) are
    unchanged and whose every output is still there as the manifest recorded it (by hash); anything damaged,
    missing or unreadable is simply run again."""
    previous = _previous_manifest(target) or {}
    entries = previous.get("notebooks") if isinstance(previous, dict) else None
    reuse = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("outcome") != "ok":
            continue
        name = entry.get("notebook")
        if name not in notebooks or not isinstance(entry.get("outputs"), dict):
            continue
        notebook, params = notebooks[name]
        tables = entry.get("tables_read")
        if tables is not None and not (isinstance(tables, list) and all(isinstance(t, str) for t in tables)):
            continue
        try:
            key = _input_key(notebook, params, hashes, tables)
        except DataError:
            continue  # a table name the package no longer has
        if entry.get("input_key") == key and _unchanged(target, entry["outputs"], name):
            reuse[name] = entry
    return reuse


def _unchanged(target: Path, outputs: dict, name: str) -> bool:
    """Every output the manifest lists is there, a regular file inside the run, with the hash it had."""
    needed = {f"notebooks/{name}.ipynb", f"{name}.html"}
    if not needed <= set(outputs):
        return False
    for relative, digest in outputs.items():
        path = target / str(relative)
        if ".." in Path(str(relative)).parts or not path.is_file() or path.is_symlink():
            return False
        try:
            if file_hash(path) != digest:
                return False
        except OSError:
            return False
    return True


def _outputs(folder: Path, name: str) -> dict[str, str]:
    """A notebook's outputs (its folder, the executed notebook, the HTML report) by path and hash, for the
    manifest: what `--only-changed` checks before reusing them. PDFs are printed again by every run."""
    files = sorted(p for p in (folder / name).rglob("*") if p.is_file()) if (folder / name).is_dir() else []
    files += [p for p in (folder / "notebooks" / f"{name}.ipynb", folder / f"{name}.html") if p.is_file()]
    return {p.relative_to(folder).as_posix(): file_hash(p) for p in files}


def _write_cache(cache: Path, folder: Path, user_dir, records=None) -> None:
    """Load and validate the data once; the notebooks of this run read the validated tables from here."""
    data = load_data(folder, user_dir, records)
    cache.write_bytes(
        pickle.dumps(
            {
                "folder": str(folder),
                "user_dir": str(real(user_dir)) if user_dir else None,
                "records": str(real(records)) if records else None,
                "tables": data.tables,
            }
        )
    )


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
