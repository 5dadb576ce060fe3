"""The plan's indicators, computed per year from the loaded data.

An indicator that is one Monitor metric names it in data/indicators.csv (`monitor_metric`) and is read
with the chosen vintage; any other public indicator has one function in its goal's module, registered
with `@indicator("G1.I01")`.
Every function takes (data, years, vintage) and returns one row per year with the columns in
`COLUMNS`; a year the record does not cover has value None (a gap stays a gap).
Indicators the public record cannot answer are read from the researcher's own table.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

COLUMNS = ["year", "value", "unit", "qualifier", "edition", "source_url", "quote", "note"]
REGISTRY: dict[str, Callable] = {}


def indicator(indicator_id: str):
    """Register a function as the computation of one indicator."""

    def wrap(func):
        REGISTRY[indicator_id] = func
        return func

    return wrap


def rows_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def _researcher_values(data, indicator_id: str, years) -> pd.DataFrame:
    table = data.researcher_indicators
    mine = table[table["indicator_id"] == indicator_id]
    rows = []
    for year in years:
        hit = mine[mine["year"] == year]
        if hit.empty:
            rows.append({"year": year, "value": None, "note": "no data supplied"})
        else:
            r = hit.iloc[0]
            rows.append(
                {
                    "year": year,
                    "value": float(r["value"]),
                    "unit": r["unit"],
                    "source_url": r["source"],
                    "note": r["note"] if isinstance(r["note"], str) else "researcher's own records",
                }
            )
    return rows_frame(rows)


def compute(data, years, vintage: str = "first", ids=None) -> pd.DataFrame:
    """Every indicator (or those in `ids`) for every year: one long table with the catalogue's
    goal, objective and text, and how the value was answered ('public', 'researcher', 'none')."""
    from . import goal1, goal2  # noqa: F401  (registers the functions)
    from .common import from_facts

    years = list(years)
    frames = []
    for entry in data.indicators.itertuples():
        if ids is not None and entry.id not in ids:
            continue
        if entry.id in REGISTRY:
            frame = REGISTRY[entry.id](data, years, vintage)
        elif entry.answered_by == "monitor_metric" and isinstance(entry.metric, str) and entry.metric:
            frame = from_facts(data, entry.metric, years, vintage)
        else:
            frame = _researcher_values(data, entry.id, years)
        frame = frame.copy()
        frame.insert(0, "indicator_id", entry.id)
        frame.insert(1, "goal", entry.goal)
        frame.insert(2, "objective", entry.objective)
        frame.insert(3, "indicator", entry.text)
        frame["answerable_from"] = "researcher" if entry.answered_by == "researcher" else "public"
        frame["plan"] = entry.plan == "yes"
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def coverage(values: pd.DataFrame) -> pd.DataFrame:
    """Which years each public indicator has a value for: one row per indicator, one column per year.

    A cell holds the Monitor edition the value comes from, "derived" for a value computed from the
    cited tables (treaty events, obligations), or "" where the record has no value (a gap).
    """
    public = values[values["answerable_from"] == "public"]

    def label(row) -> str:
        if row["value"] is None or pd.isna(row["value"]):
            return ""
        return row["edition"] if isinstance(row["edition"], str) and row["edition"] else "derived"

    cells = public.assign(cell=public.apply(label, axis=1))
    table = cells.pivot_table(index="indicator_id", columns="year", values="cell", aggfunc="first", sort=False)
    table = table.fillna("")
    table.columns = [int(c) for c in table.columns]
    table.insert(0, "indicator", cells.drop_duplicates("indicator_id").set_index("indicator_id")["indicator"])
    return table.reset_index()
