"""Data folder -> validated, typed tables: `load_data()` is the one entry point.

It checks the folder (validate.py), reads every table (read.py), merges a researcher's folder of extra rows
(a row contradicting a bundled one is refused), and remembers the result per folder.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..core.errors import DataError
from ..core.paths import data_dir as resolve_data_dir
from ..core.paths import real, user_path
from . import schema
from .read import empty_table, merge, read_table
from .records import records_rows, told_by_cell
from .schema import TABLES, USER_TABLES  # noqa: F401  (imported from here by callers)
from .validate import ensure_valid, validate_folder  # noqa: F401


def load(name: str, data_dir=None, user_dir=None, mode: str = "merge", records=None) -> pd.DataFrame:
    """One validated table of `data_dir` (default: the bundled data), with a researcher's `user_dir`
    rows added (mode="merge": a row that contradicts a bundled one is refused) or instead (mode="replace").
    `records`: the campaign records workbook, when it lies in one of these folders (it is not refused there)."""
    if mode not in ("merge", "replace"):
        raise DataError("mode must be 'merge' or 'replace'", column="mode", value=mode)
    folder = resolve_data_dir(data_dir)
    ensure_valid(folder, records=records)
    res = schema.resource(name)
    frame = read_table(name, folder) if (folder / res["path"]).exists() else empty_table(name)
    if user_dir is not None:
        user_root = user_path(user_dir)
        if not user_root.is_dir():
            raise DataError("the researcher's data folder does not exist", file=str(user_root))
        ensure_valid(user_root, partial=True, merging=mode == "merge", base=folder, records=records)
        if (user_root / res["path"]).exists():
            user = read_table(name, user_root)
            frame = user if mode == "replace" else merge(frame, user, res)
    return frame.reset_index(drop=True)


READ: set[str] = set()  # the tables read since forget_reads(): what a notebook's results depend on


def forget_reads() -> None:
    READ.clear()


def tables_read() -> list[str]:
    return sorted(READ)


@dataclass
class ReviewData:
    """The validated tables a review works from (`data.monitor_facts`, `data.treaty_events`, ...).

    Each table read is noted in READ (a value computed once and reused notes the tables it was computed
    from), so the runner can tell which notebooks a changed table touches."""

    folder: Path
    user_dir: Path | None
    tables: dict[str, pd.DataFrame] = field(repr=False)
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    memo_reads: dict = field(default_factory=dict, repr=False, compare=False)
    records: Path | None = None  # the campaign records workbook whose rows researcher_indicators holds

    def cached(self, key: tuple, compute):
        """`compute()` once per key for these tables (statuses on a date are asked for again and again);
        a copy each time, so a caller may change what it gets. The tables themselves are read-only."""
        if key not in self.memo:
            outer = set(READ)
            READ.clear()
            try:
                self.memo[key] = compute()
            finally:
                self.memo_reads[key] = set(READ)
                READ.update(outer)
        READ.update(self.memo_reads[key])
        found = self.memo[key]
        return found.copy() if hasattr(found, "copy") else found

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            READ.add(name)
            return tables[name]
        raise AttributeError(name)


@lru_cache(maxsize=8)
def _load_cached(folder: str, user_dir: str | None, records: str | None = None, stamp=None) -> ReviewData:
    tables = {name: load(name, folder, user_dir, records=records) for name in TABLES}
    if user_dir:
        metrics = load("metrics", folder, user_dir, records=records)
    else:
        metrics = load("metrics", folder, records=records)
    schema.check_metrics(tables["monitor_facts"], metrics)
    tables["metrics"] = metrics
    if records:
        tables["researcher_indicators"] = with_records(tables["researcher_indicators"], records)
    book = Path(records) if records else None
    return ReviewData(Path(folder), Path(user_dir) if user_dir else None, tables, records=book)


def with_records(table: pd.DataFrame, records: str) -> pd.DataFrame:
    """The researcher_indicators rows with the campaign records workbook's rows added (checked as any
    researcher's rows; a row contradicting one already there is refused, by sheet and cell)."""
    rows = records_rows(records)
    try:
        return merge(table, rows, schema.resource("researcher_indicators")).reset_index(drop=True)
    except DataError as exc:
        raise told_by_cell(exc, Path(rows.attrs["records_folder"])) from None


def load_data(data_dir=None, user_dir=None, records=None) -> ReviewData:
    """Load and validate every table of `data_dir` (default: the bundled data), plus a researcher's
    `user_dir` of extra rows in the same shape, plus the campaign's `records` (a filled workbook from
    `icbl-review records`, or a researcher_indicators CSV). Cached per folder and workbook.

    During a review run, the runner validates the data once and leaves the tables in the file named
    by $ICBL_DATA_CACHE; notebooks of that run read them from there.
    """
    folder = str(resolve_data_dir(data_dir))
    user = str(real(user_dir)) if user_dir else None
    book = str(real(records)) if records else None
    cached = _from_run_cache(folder, user, book)
    if cached is not None:
        return cached
    stamp = Path(book).stat().st_mtime_ns if book and Path(book).exists() else None  # a workbook saved again
    return _load_cached(folder, user, book, stamp)


_RUN_CACHE: dict[tuple, ReviewData] = {}


def _from_run_cache(folder: str, user: str | None, records: str | None = None) -> ReviewData | None:
    """The run's tables, read once per kernel: the notebooks a warm kernel runs one after the other share
    them and what was computed from them."""
    path = os.environ.get("ICBL_DATA_CACHE")
    if not path or not Path(path).exists():
        return None
    stat = Path(path).stat()
    key = (path, stat.st_mtime_ns, stat.st_size, folder, user, records)
    if key not in _RUN_CACHE:
        with open(path, "rb") as fh:
            saved = pickle.load(fh)
        if saved["folder"] != folder or saved["user_dir"] != user or saved.get("records") != records:
            return None
        _RUN_CACHE.clear()  # one run at a time
        _RUN_CACHE[key] = ReviewData(
            Path(folder), Path(user) if user else None, saved["tables"], records=Path(records) if records else None
        )
    return _RUN_CACHE[key]
