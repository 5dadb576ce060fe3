"""Checking a data folder: one path for `icbl-review validate`, `annual`, `profiles` and the loaders.

Files must be plain UTF-8 tables inside the folder; Frictionless checks each table against the data
package (types, required cells, allowed values, keys, foreign keys); our own checks add metric units and
places with did-you-mean hints, plausible values, and contradictions with the bundled data. A folder that
passed is remembered by the hash of its files (and of this code), so it is not checked again.
"""

from __future__ import annotations

import csv
import hashlib
import os
from datetime import date
from difflib import get_close_matches
from pathlib import Path

import pandas as pd

from . import schema
from .countries import did_you_mean, lookup_name
from .errors import DataError
from .fingerprints import code_hash
from .paths import data_dir as resolve_data_dir
from .read import check_header, merge, read_table
from .schema import USER_TABLES


def validate_folder(
    folder: str | Path | None = None, partial: bool = False, merging: bool = True, records=None
) -> list[DataError]:
    """Every problem in every table of a data folder (an empty list when all is well). With partial=True
    (a researcher's folder of extra rows) absent tables are fine, foreign keys may point at the bundled
    tables, and (with `merging`, the default) a row contradicting a bundled one is a problem. `load_data` runs
    the same checks, so what passes here passes a review. `records`: a campaign records workbook kept in the
    folder and passed as such (it is read by records.py, not refused as a stray spreadsheet)."""
    root = resolve_data_dir(folder)
    if not root.is_dir():
        return [DataError("the data folder does not exist, or is not a folder", file=str(root))]
    key = _folder_key(root, partial, merging, records)
    if _known_valid(key):  # these very files passed these very checks before
        return []
    problems = _stray_files(root, partial, records)
    present = []
    allowed = USER_TABLES if partial else schema.table_names()
    for res in schema.descriptor()["resources"]:
        path = root / res["path"]
        if not path.exists() and not path.is_symlink():
            if not (partial or res.get("optional")):
                problems.append(DataError(f"table {res['name']!r} not found", file=str(path)))
            continue
        try:
            schema.check_file(path, root)
            if res["name"] not in allowed:
                raise DataError(
                    "a researcher's folder may not replace this table (the plan's catalogue and the reference "
                    f"tables stay as bundled); tables it may hold: {', '.join(USER_TABLES)}",
                    file=str(path),
                )
            check_header(_header(path), schema.fields(res["name"]), path)
            present.append(res["name"])
        except DataError as exc:
            problems.append(exc)
    if partial and not present and not problems:
        problems.append(DataError(f"no table of the data package here; a researcher's folder holds some of: "
                                  f"{', '.join(USER_TABLES)}", file=str(root)))  # fmt: skip
    # a table whose file and every file its checks read are as when it last passed is not checked again
    table_keys = {name: _table_key(root, name, partial, merging) for name in present}
    todo = [name for name in present if not _known_valid(table_keys[name])]
    found = _in_our_words(schema.frictionless_problems(root, todo)) if todo else []
    problems += found
    broken = {str(p.file) for p in found}
    for name in [n for n in todo if str(root / schema.resource(n)["path"]) not in broken]:
        mine = _content_problems(name, root, partial, partial and merging)
        problems += mine
        if not mine and str(root / schema.resource(name)["path"]) not in broken:
            _remember_valid(table_keys[name])
    if not problems:
        _remember_valid(key)
    return problems


def _table_key(root: Path, name: str, partial: bool, merging: bool) -> str:
    """The fingerprint of one table's checks: its file, the tables its foreign keys point at, the catalogues
    its values are checked against, the bundled table it must not contradict, the schema and this code."""
    bundled = resolve_data_dir(None)
    inputs = {name} | {fk["reference"]["resource"] for fk in schema.resource(name)["schema"].get("foreignKeys", [])}
    if name in ("monitor_facts", "researcher_indicators"):
        inputs |= {"metrics", "units", "indicators"}
    digest = hashlib.sha256(f"{name}|{partial}|{merging}|{code_hash()}".encode())
    digest.update(repr(schema.descriptor()).encode())
    for table in sorted(inputs):
        relative = schema.resource(table)["path"]
        for folder in (root, bundled) if partial else (root,):
            path = folder / relative
            digest.update(f"{folder == root}:{relative}:".encode())
            digest.update(path.read_bytes() if path.is_file() else b"absent")
    return "table-" + digest.hexdigest()


SPREADSHEETS = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers", ".tsv", ".txt")


def _stray_files(root: Path, partial: bool, records=None) -> list[DataError]:
    """CSV files no table of the package is called: a misspelt name would otherwise be ignored."""
    known = {r["path"] for r in schema.descriptor()["resources"]}
    problems = []
    passed = Path(records).expanduser().resolve() if records else None
    for path in sorted(p for p in root.iterdir() if p.suffix.lower() in SPREADSHEETS and p.resolve() != passed):
        close = get_close_matches(path.stem + ".csv", sorted(known), n=1, cutoff=0.6)
        if close:
            problems.append(DataError(f"a spreadsheet, which is not read: save it as 'CSV UTF-8' named {close[0]} "
                                      "(a campaign records workbook is passed as --records FILE)",
                                      file=str(path)))  # fmt: skip
    for path in sorted(root.glob("*.csv")):
        if path.name in known:
            continue
        close = get_close_matches(path.name, sorted(known), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else f"; the tables are: {', '.join(sorted(known))}"
        problems.append(DataError(f"not a table of the data package{hint}", file=str(path)))
    return problems


def _content_problems(name: str, root: Path, partial: bool, merging: bool) -> list[DataError]:
    """Our own checks of one table that Frictionless found sound: metrics, plausibility, contradictions."""
    problems: list[DataError] = []
    try:
        frame = read_table(name, root)
        if name == "monitor_facts":
            schema.check_metrics(frame, _metrics_for(root, partial), problems)
        if name == "researcher_indicators":  # first: a wrong unit or indicator explains what follows from it
            schema.check_researcher(frame, read_table("indicators", None), problems, date.today().year)
        if name in ("monitor_facts", "researcher_indicators"):
            schema.check_plausible(name, frame, read_table("units", None), problems, date.today().year)
        if merging and name in USER_TABLES and name != "metrics":
            merge(read_table(name, None), frame, schema.resource(name))
    except DataError as exc:
        problems.append(exc)
    return problems


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), [])
    if not header:
        raise DataError("the file is empty (no header line)", file=str(path))
    return [h.strip() for h in header]


COUNTRY_COLUMNS = {"iso3", "place"}


def _in_our_words(problems: list[DataError]) -> list[DataError]:
    """A country name where a code is expected is fine (read_table turns it into the code); an unknown
    code or name gets one message, not a pattern error and a foreign-key error."""
    out, seen = [], set()
    for p in problems:
        if p.column == "metric, unit":
            continue  # the metric check below says it better (did-you-mean, the metric's own unit)
        if p.column in COUNTRY_COLUMNS and isinstance(p.value, str):
            if lookup_name(p.value):
                continue
            if (p.file, p.row, p.column) in seen:
                continue
            seen.add((p.file, p.row, p.column))
            p = DataError(
                f"unknown country or area: neither a code nor a name in data/countries.csv{did_you_mean(p.value)}",
                file=p.file,
                row=p.row,
                column=p.column,
                value=p.value,
            )
        out.append(p)
    return out


def _metrics_for(root: Path, partial: bool) -> pd.DataFrame:
    bundled = read_table("metrics", None)
    own = root / schema.resource("metrics")["path"]
    if own.exists() and root != resolve_data_dir(None):
        mine = read_table("metrics", root)
        return mine if not partial else pd.concat([bundled, mine], ignore_index=True)
    return bundled


def _folder_key(root: Path, partial: bool, merging: bool = True, records=None) -> str:
    passed = str(Path(records).expanduser().resolve()) if records else ""
    digest = hashlib.sha256(f"{partial}|{merging}|{code_hash()}|{passed}".encode())
    digest.update(schema.descriptor().__repr__().encode())
    for path in sorted(root.glob("*.csv")):
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"unreadable")  # the checks below say what is wrong with it
    for path in sorted(p for p in (root.iterdir() if root.is_dir() else []) if p.suffix.lower() in SPREADSHEETS):
        digest.update(f"spreadsheet:{path.name}".encode())  # a spreadsheet left beside the tables is refused
    return digest.hexdigest()


_VALID: set[str] = set()
_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "icbl-review" / "validated"


def _remember_valid(key: str) -> None:
    _VALID.add(key)
    try:
        _CACHE_DIR.mkdir(parents=True, exist_ok=True)
        (_CACHE_DIR / key).touch()
    except OSError:
        pass  # a read-only home only costs the next load a second check


def _known_valid(key: str) -> bool:
    if key in _VALID or (_CACHE_DIR / key).exists():
        _VALID.add(key)
        return True
    return False


def ensure_valid(folder: Path, partial: bool = False, merging: bool = True, records=None) -> None:
    """Refuse a folder with problems: one message naming the first, and how many more there are."""
    if _known_valid(_folder_key(folder, partial, merging, records)):
        return
    problems = validate_folder(folder, partial, merging, records)
    if problems:
        more = f" (and {len(problems) - 1} more: run `icbl-review validate`)" if len(problems) > 1 else ""
        raise DataError(f"{problems[0]}{more}")
