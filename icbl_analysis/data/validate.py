"""Checking a data folder: one path, one answer, for `icbl-review validate`, `annual`, `profiles` and the loaders.

Files must be plain UTF-8 tables inside the folder; Frictionless checks each table against the data
package (types, required cells, allowed values, keys, foreign keys); our own checks (schema.py, rules.py)
add metric units and places with did-you-mean hints, dates that exist and have happened, places that can
be parties, bounded magnitudes, and a researcher's rows against the data they join (`base`), exactly as
`load_data` merges them. A folder that passed is remembered by a fingerprint of everything the checks read:
its files, the data it joins, the bundled reference tables, the schema, this code and today's date.
"""

from __future__ import annotations

import csv
import hashlib
import os
import stat
import tempfile
import time
from datetime import date
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..core.errors import DataError
from ..core.paths import BUNDLED_DATA_DIR, real
from ..core.paths import data_dir as resolve_data_dir
from . import rules, schema
from .countries import did_you_mean, lookup_name
from .fingerprints import code_hash
from .read import check_header, merge, read_table
from .schema import USER_TABLES


def validate_folder(
    folder: str | Path | None = None,
    partial: bool = False,
    merging: bool = True,
    base: str | Path | None = None,
    records=None,
) -> list[DataError]:
    """Every problem in every table of a data folder (an empty list when all is well). With partial=True
    (a researcher's folder of extra rows) absent tables are fine, foreign keys may point at the tables of
    `base` (default: the bundled data), and (with `merging`, the default) a row contradicting one of `base`
    is a problem, as `load_data(base, folder)` would find. What passes here passes a review. `records`: a
    campaign records workbook kept in the folder and passed as such (records.py reads it; it is not refused
    as a stray spreadsheet)."""
    root = resolve_data_dir(folder)
    joined = resolve_data_dir(base) if partial and merging else None
    if not root.is_dir():
        return [DataError("the data folder does not exist, or is not a folder", file=str(root))]
    passed = real(records) if records else None
    key = _key("folder", partial, merging, _fingerprint(root), _fingerprint(joined) if joined else "", passed or "")
    if _known_valid(key):  # these very files passed these very checks before
        return []
    problems = _stray_files(root, passed)
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
    table_keys = {name: _table_key(root, name, partial, merging, joined) for name in present}
    todo = [name for name in present if not _known_valid(table_keys[name])]
    found = _in_our_words(schema.frictionless_problems(root, todo, joined or BUNDLED_DATA_DIR)) if todo else []
    problems += found
    broken = {str(p.file) for p in found}
    for name in [n for n in todo if str(root / schema.resource(n)["path"]) not in broken]:
        mine = _content_problems(name, root, partial, joined)
        problems += mine
        if not mine:
            _remember_valid(table_keys[name])
    if not problems:
        _remember_valid(key)
    return problems


def validate_rows(name: str, rows: list[dict], file: str, base: str | Path | None = None) -> list[DataError]:
    """A researcher's rows of one table that come from elsewhere than a CSV file (a workbook's sheet), checked
    by the same path as a folder; each problem names `file` and the row's own `_line` (else its position + 1).
    `rows` are dicts of the table's columns, cells as text or numbers; absent and empty cells are gaps."""
    columns = [f["name"] for f in schema.fields(name)]
    lines = [int(r.get("_line", i + 2)) for i, r in enumerate(rows)]
    with tempfile.TemporaryDirectory(prefix="icbl-rows-") as tmp:
        path = Path(tmp) / schema.resource(name)["path"]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([_cell(r.get(c)) for c in columns] for r in rows)
        found = validate_folder(tmp, partial=True, base=base)
    out = []
    for p in found:
        row = lines[p.row - 2] if isinstance(p.row, int) and 2 <= p.row < len(lines) + 2 else p.row
        out.append(DataError(p.reason, file=file, row=row, column=p.column, value=p.value))
    return out


def _cell(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value.isoformat() if hasattr(value, "isoformat") else value)


def ensure_valid(folder: Path, partial: bool = False, merging: bool = True, base=None, records=None) -> None:
    """Refuse a folder with problems: one message naming the first, and how many more there are."""
    problems = validate_folder(folder, partial, merging, base, records)
    if problems:
        more = f" (and {len(problems) - 1} more: run `icbl-review validate`)" if len(problems) > 1 else ""
        raise DataError(f"{problems[0]}{more}")


def _content_problems(name: str, root: Path, partial: bool, joined: Path | None) -> list[DataError]:
    """Our own checks of one table that Frictionless found sound: metrics, plausibility, dates, places, and
    (for a researcher's rows) contradictions with the data they join."""
    problems: list[DataError] = []
    try:
        frame = read_table(name, root)
        indicators = read_table("indicators", None)
        if name == "monitor_facts":
            schema.check_metrics(frame, _metrics_for(root, partial, joined), problems)
        if name == "researcher_indicators":  # first: a wrong unit or indicator explains what follows from it
            schema.check_researcher(frame, indicators, problems, date.today().year)
        if name in ("monitor_facts", "researcher_indicators"):
            schema.check_plausible(name, frame, _units(), problems, date.today().year)
        rules.check_table(name, frame, problems, date.today(), _units())
        if joined is not None and name in USER_TABLES and not problems:
            base = joined / schema.resource(name)["path"]
            merge(read_table(name, joined) if base.exists() else frame.iloc[0:0], frame, schema.resource(name))
    except DataError as exc:
        problems.append(exc)
    return problems


def _units() -> pd.DataFrame:
    return read_table("units", None)


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), [])
    if not header:
        raise DataError("the file is empty (no header line)", file=str(path))
    return [h.strip() for h in header]


SPREADSHEETS = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers", ".tsv", ".txt")
LOCK_FILES = ("~$", ".~lock.")  # Excel's and LibreOffice's marks that a file is open: not data


def _stray_files(root: Path, passed: Path | None = None) -> list[DataError]:
    """Files no table of the package is called: a misspelt name, a name in other capitals, a spreadsheet
    that was not saved as CSV. Each would otherwise be ignored without a word."""
    known = {r["path"] for r in schema.descriptor()["resources"]}
    by_lower = {k.lower(): k for k in known}
    problems = []
    for path in sorted(root.iterdir()):
        name, suffix = path.name, path.suffix.lower()
        if name in known or name.startswith(LOCK_FILES) or (passed is not None and real(path) == passed):
            continue
        if suffix in SPREADSHEETS:
            close = get_close_matches(path.stem + ".csv", sorted(known), n=1, cutoff=0.6)
            if close:
                problems.append(DataError(f"a spreadsheet, which is not read: save it as 'CSV UTF-8' named "
                                          f"{close[0]} (a campaign records workbook is passed as --records FILE)",
                                          file=str(path)))  # fmt: skip
        elif suffix == ".csv" and name.lower() in by_lower:
            problems.append(DataError(f"tables are read by their exact names: rename it {by_lower[name.lower()]}",
                                      file=str(path)))  # fmt: skip
        elif suffix == ".csv":
            close = get_close_matches(name, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else f"; the tables are: {', '.join(sorted(known))}"
            problems.append(DataError(f"not a table of the data package{hint}", file=str(path)))
    return problems


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


def _metrics_for(root: Path, partial: bool, joined: Path | None) -> pd.DataFrame:
    """The metrics a folder's figures may use: its own metrics.csv, with (for a researcher's folder) those of
    the data it joins."""
    reference = read_table("metrics", joined) if joined and (joined / "metrics.csv").exists() else read_table(
        "metrics", None
    )  # fmt: skip
    own = root / schema.resource("metrics")["path"]
    if own.exists() and root != resolve_data_dir(None):
        mine = read_table("metrics", root)
        return mine if not partial else pd.concat([reference, mine], ignore_index=True)
    return reference


# ---- what a remembered result is keyed by --------------------------------------------------------------


def _key(kind: str, *parts) -> str:
    """A check's fingerprint: its own parts, the bundled reference tables, the schema, this code, today."""
    digest = hashlib.sha256(f"{kind}|{code_hash()}|{date.today().isoformat()}".encode())
    digest.update(repr(schema.descriptor()).encode())
    digest.update(_fingerprint(BUNDLED_DATA_DIR).encode())
    for part in parts:
        digest.update(f"|{part}".encode())
    return f"{kind}-{digest.hexdigest()}"


def _fingerprint(folder: Path | None) -> str:
    """Every entry of a folder by name and kind, and every CSV file's content: an added spreadsheet, a renamed
    file or a changed cell makes another fingerprint. Never opens anything but a regular file (a named pipe
    would block)."""
    if folder is None:
        return ""
    digest = hashlib.sha256(str(folder).encode())
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return "unreadable"
    for path in entries:
        digest.update(f"|{path.name}:{_file_digest(path)}".encode())
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    try:
        info = path.stat()
    except (OSError, RuntimeError):
        return "unreadable"
    if not stat.S_ISREG(info.st_mode):
        return f"mode-{stat.S_IFMT(info.st_mode)}"
    if path.suffix.lower() not in (".csv", ".json"):
        return f"file-{info.st_size}"
    return _content_digest(str(real(path)), info.st_mtime_ns, info.st_size, info.st_ino)


@lru_cache(maxsize=512)
def _content_digest(path: str, mtime_ns: int, size: int, inode: int) -> str:
    """A file's hash, remembered while it keeps its modification time, size and inode."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def _table_key(root: Path, name: str, partial: bool, merging: bool, joined: Path | None) -> str:
    """The fingerprint of one table's checks: its file, the tables its foreign keys point at (here or in the
    data it joins), the table of the joined data its rows must not contradict."""
    inputs = {name} | {fk["reference"]["resource"] for fk in schema.resource(name)["schema"].get("foreignKeys", [])}
    if name in ("monitor_facts", "researcher_indicators"):
        inputs |= {"metrics", "units", "indicators"}
    parts = [name, partial, merging]
    for table in sorted(inputs):
        relative = schema.resource(table)["path"]
        for folder in (root, joined) if joined else (root,):
            parts.append(f"{folder == root}:{relative}:{_file_digest(folder / relative)}")
    return _key("table", *parts)


_VALID: set[str] = set()
_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "icbl-review" / "validated"


def _remember_valid(key: str) -> None:
    _VALID.add(key)
    try:
        _CACHE_DIR.mkdir(parents=True, exist_ok=True)
        (_CACHE_DIR / key).touch()
        if len(_VALID) == 1:  # once a process: forget what passed more than a week ago (keys hold the day)
            week_ago = time.time() - 7 * 86400
            for old in _CACHE_DIR.iterdir():
                if old.stat().st_mtime < week_ago:
                    old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home only costs the next load a second check


def _known_valid(key: str) -> bool:
    if key in _VALID or (_CACHE_DIR / key).exists():
        _VALID.add(key)
        return True
    return False
