"""All tables of one data folder, loaded and validated once."""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .datasets import load
from .paths import data_dir as resolve_data_dir

TABLES = [
    "treaty_events",
    "clearance_events",
    "stockpile_events",
    "retained_mines",
    "monitor_facts",
    "use_reports",
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


@dataclass
class ReviewData:
    """The validated tables a review works from."""

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
    return ReviewData(Path(folder), Path(user_dir) if user_dir else None, tables)


def load_data(data_dir=None, user_dir=None) -> ReviewData:
    """Load and validate every table of `data_dir` (default: the bundled data), plus a
    researcher's `user_dir` of extra rows in the same shape. Cached per folder.

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
