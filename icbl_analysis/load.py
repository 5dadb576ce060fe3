"""Data folder -> validated, typed tables.

`load_data()` checks a folder once (schema.check_file, Frictionless, our own checks; the result is
remembered per content hash, so an unchanged folder is not checked again), then reads every table into a
typed frame: dates as `datetime.date`, empty cells as None, and `_line`, each row's line in its file.
A researcher's folder of extra rows (`user_dir`) is merged in; a row contradicting a bundled one is refused.
"""

from __future__ import annotations

import csv
import hashlib
import os
import pickle
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from . import schema
from .countries import known_codes, lookup_name
from .errors import DataError
from .paths import data_dir as resolve_data_dir

TABLES = [
    "treaty_events",
    "clearance_events",
    "stockpile_events",
    "retained_mines",
    "monitor_facts",
    "use_reports",
    "goals",
    "indicators",
    "objectives",
    "researcher_indicators",
    "meetings",
    "published_counts",
    "reconciliation_notes",
    "meeting_participation",
    "campaign_statements",
    "va_status",
]
USER_TABLES = [
    "monitor_facts",
    "metrics",
    "treaty_events",
    "clearance_events",
    "stockpile_events",
    "retained_mines",
    "use_reports",
    "researcher_indicators",
]


# --- reading -----------------------------------------------------------------------------------


def _country_columns(name: str) -> set[str]:
    return {
        fk["fields"]
        for fk in schema.resource(name)["schema"].get("foreignKeys", [])
        if fk["reference"]["resource"] == "countries" and isinstance(fk["fields"], str)
    }


def _typed(raw: str, kind: str, where: dict):
    if raw == "":
        return None
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
        if kind == "date":
            return date.fromisoformat(raw)
        return raw
    except ValueError:
        expected = {"integer": "a whole number", "number": "a number", "date": "a date YYYY-MM-DD"}[kind]
        raise DataError(f"expected {expected}", **where) from None


def read_table(name: str, folder: str | Path | None = None) -> pd.DataFrame:
    """Read one table of `folder` (default: the bundled data) into a typed frame.

    Country columns accept a name where a code is expected ("Lao PDR" -> LAO). The schema's
    constraints are checked by `validate_folder` (and so by `load_data`), not here.
    """
    res = schema.resource(name)
    path = resolve_data_dir(folder) / res["path"]
    if not path.exists():
        raise DataError(f"table {name!r} not found (expected the file {res['path']})", file=str(path))
    schema.check_file(path, path.parent)
    columns = schema.fields(name)
    kinds = {f["name"]: f["type"] for f in columns}
    countries = _country_columns(name)
    rows = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = [h.strip() for h in next(reader, [])]
            if not header:
                raise DataError("the file is empty (no header line)", file=str(path))
            _check_header(header, columns, path)
            for line, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    raise DataError(f"has {len(cells)} cells, the header has {len(header)}", file=str(path), row=line)
                record = {"_line": line}
                for col, raw in zip(header, cells, strict=True):
                    raw = raw.strip()
                    where = {"file": str(path), "row": line, "column": col, "value": raw}
                    if col in countries and raw and raw not in known_codes():
                        code = lookup_name(raw)
                        if code is None:
                            raise DataError(
                                "unknown country or area: neither a code nor a name in data/countries.csv", **where
                            )
                        raw = code
                    record[col] = _typed(raw, kinds[col], where)
                rows.append(record)
        except csv.Error as exc:
            raise DataError(f"malformed CSV ({exc})", file=str(path), row=reader.line_num) from None
    frame = pd.DataFrame(rows, columns=["_line"] + [f["name"] for f in columns])
    for f in columns:
        if f["type"] == "integer":
            frame[f["name"]] = frame[f["name"]].astype("Int64")
        elif f["type"] == "number":
            frame[f["name"]] = frame[f["name"]].astype("Float64")
    frame.attrs["source_file"] = str(path)
    return frame


def _check_header(header: list[str], columns: list[dict], path: Path) -> None:
    names = [f["name"] for f in columns]
    missing = [f["name"] for f in columns if f.get("constraints", {}).get("required") and f["name"] not in header]
    if missing:
        raise DataError(f"missing required column(s) {missing}; the header is {header}", file=str(path), row=1)
    unknown = [h for h in header if h not in names]
    if unknown:
        raise DataError(f"unknown column(s) {unknown}; expected {names}", file=str(path), row=1)


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=["_line"] + [f["name"] for f in schema.fields(name)])


# --- checking ----------------------------------------------------------------------------------


def validate_folder(folder: str | Path | None = None, partial: bool = False) -> list[DataError]:
    """Every problem in every table of a data folder (an empty list when all is well). With partial=True
    (a researcher's folder of extra rows) absent tables are fine and foreign keys may point at the bundled
    tables. The same checks run before every review, so what passes here passes there."""
    root = resolve_data_dir(folder)
    if not root.is_dir():
        return [DataError("the data folder does not exist", file=str(root))]
    key = _folder_key(root, partial)
    if key in _VALID:
        return []
    problems: list[DataError] = []
    present = []
    for res in schema.descriptor()["resources"]:
        path = root / res["path"]
        if not path.exists() and not path.is_symlink():
            if not (partial or res.get("optional")):
                problems.append(DataError(f"table {res['name']!r} not found", file=str(path)))
            continue
        try:
            schema.check_file(path, root)
            _check_header(_header(path), schema.fields(res["name"]), path)
            present.append(res["name"])
        except DataError as exc:
            problems.append(exc)
    found = _in_our_words(schema.frictionless_problems(root, present))
    problems += found
    if "monitor_facts" in present and not any("monitor_facts" in str(p.file) for p in found):
        try:
            schema.check_metrics(read_table("monitor_facts", root), _metrics_for(root, partial), problems)
        except DataError as exc:
            problems.append(exc)
    if not problems:
        _remember_valid(key)
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
        if p.column in COUNTRY_COLUMNS and isinstance(p.value, str):
            if lookup_name(p.value):
                continue
            if (p.file, p.row, p.column) in seen:
                continue
            seen.add((p.file, p.row, p.column))
            p = DataError(
                "unknown country or area: neither a code nor a name in data/countries.csv",
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


def _folder_key(root: Path, partial: bool) -> str:
    digest = hashlib.sha256(f"{partial}|{_code_version()}".encode())
    digest.update(schema.descriptor().__repr__().encode())
    for path in sorted(root.glob("*.csv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _code_version() -> str:
    try:
        return metadata.version("icbl-analysis")
    except metadata.PackageNotFoundError:
        return "dev"


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


def ensure_valid(folder: Path, partial: bool = False) -> None:
    """Refuse a folder with problems: one message naming the first, and how many more there are."""
    if _known_valid(_folder_key(folder, partial)):
        return
    problems = validate_folder(folder, partial)
    if problems:
        more = f" (and {len(problems) - 1} more: run `icbl-review validate`)" if len(problems) > 1 else ""
        raise DataError(f"{problems[0]}{more}")


# --- loading and merging -----------------------------------------------------------------------


def load(name: str, data_dir=None, user_dir=None, mode: str = "merge") -> pd.DataFrame:
    """One validated table of `data_dir` (default: the bundled data), with a researcher's `user_dir`
    rows added (mode="merge": a row that contradicts a bundled one is refused) or instead (mode="replace")."""
    if mode not in ("merge", "replace"):
        raise DataError("mode must be 'merge' or 'replace'", column="mode", value=mode)
    folder = resolve_data_dir(data_dir)
    ensure_valid(folder)
    res = schema.resource(name)
    frame = read_table(name, folder) if (folder / res["path"]).exists() else empty_table(name)
    if user_dir is not None:
        user_root = Path(user_dir).expanduser()
        if not user_root.is_dir():
            raise DataError("the researcher's data folder does not exist", file=str(user_root))
        ensure_valid(user_root, partial=True)
        if (user_root / res["path"]).exists():
            user = read_table(name, user_root)
            frame = user if mode == "replace" else _merge(frame, user, res)
    return frame.reset_index(drop=True)


def _same(a, b) -> bool:
    """Cells compare equal when both are empty (None or NaN) or equal as text."""
    empty_a, empty_b = a is None or (isinstance(a, float) and a != a), b is None or (isinstance(b, float) and b != b)
    if empty_a or empty_b:
        return empty_a and empty_b
    return str(a) == str(b)


def _merge(base: pd.DataFrame, user: pd.DataFrame, res: dict) -> pd.DataFrame:
    """Add a researcher's rows to the bundled ones; refuse rows that contradict them (an identical restatement
    of a bundled row is accepted and kept once)."""
    key = [k for k in res["schema"].get("primaryKey", []) if k not in ("source_url",)]
    value_cols = [
        f["name"]
        for f in res["schema"]["fields"]
        if f["name"] not in key and f["name"] not in ("source_url", "quote", "note", "state")
    ]
    if key and value_cols and len(base):
        joined = user.merge(base, on=key, how="inner", suffixes=("", "_bundled"))
        for col in value_cols:
            for row in joined.to_dict("records"):
                if not _same(row[col], row[f"{col}_bundled"]):
                    raise DataError(
                        f"contradicts the bundled data, which has {row[f'{col}_bundled']} for "
                        f"{', '.join(f'{k}={row[k]}' for k in key)} (use mode='replace' to replace the bundled table)",
                        file=user.attrs.get("source_file"),
                        row=int(row["_line"]),
                        column=col,
                        value=row[col],
                    )
    merged = pd.concat([base, user], ignore_index=True) if len(base) else user.copy()
    if res["schema"].get("primaryKey"):
        merged = merged.drop_duplicates(subset=res["schema"]["primaryKey"], keep="first")
    merged.attrs["source_file"] = user.attrs.get("source_file")
    return merged


@dataclass
class ReviewData:
    """The validated tables a review works from (`data.monitor_facts`, `data.treaty_events`, ...)."""

    folder: Path
    user_dir: Path | None
    tables: dict[str, pd.DataFrame] = field(repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)


@lru_cache(maxsize=8)
def _load_cached(folder: str, user_dir: str | None) -> ReviewData:
    tables = {name: load(name, folder, user_dir) for name in TABLES}
    if user_dir:
        metrics = load("metrics", folder, user_dir)
    else:
        metrics = load("metrics", folder)
    schema.check_metrics(tables["monitor_facts"], metrics)
    tables["metrics"] = metrics
    return ReviewData(Path(folder), Path(user_dir) if user_dir else None, tables)


def load_data(data_dir=None, user_dir=None) -> ReviewData:
    """Load and validate every table of `data_dir` (default: the bundled data), plus a researcher's
    `user_dir` of extra rows in the same shape. Cached per folder.

    During a review run, the runner validates the data once and leaves the tables in the file named
    by $ICBL_DATA_CACHE; notebooks of that run read them from there.
    """
    folder = str(resolve_data_dir(data_dir))
    user = str(Path(user_dir).expanduser().resolve()) if user_dir else None
    cached = _from_run_cache(folder, user)
    return cached if cached is not None else _load_cached(folder, user)


def _from_run_cache(folder: str, user: str | None) -> ReviewData | None:
    path = os.environ.get("ICBL_DATA_CACHE")
    if not path or not Path(path).exists():
        return None
    with open(path, "rb") as fh:
        saved = pickle.load(fh)
    if saved["folder"] != folder or saved["user_dir"] != user:
        return None
    return ReviewData(Path(folder), Path(user) if user else None, saved["tables"])
