"""Rules on a table's rows that a schema cannot state: dates that exist and have happened, places that can
be parties, web addresses without spaces or markup, bounded magnitudes, and two values for one figure only
when a note says why. (A researcher's indicators keep the catalogue's unit: schema.check_researcher.)

Each rule takes a typed frame (read.read_table: `_line` holds each row's line) and adds a DataError naming
file, row, column and value to `problems`. `check_table` runs them all; validate.py calls it for every table.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from ..core.errors import DataError
from . import schema
from .countries import country_table

KIND_WORDS = {"territory": "a territory", "other_area": "an area that is not a state", "organization":
              "an organisation", "world": "the world as a whole", "state": "a state"}  # fmt: skip
# the kinds of place each table's place column may name (countries.csv, column kind)
PLACE_KINDS = {
    "treaty_events": ("iso3", {"state"}, "only a state can join a treaty"),
    "clearance_events": ("iso3", {"state"}, "only a state can be party to a treaty and hold its obligations"),
    "stockpile_events": ("iso3", {"state"}, "only a state can be party to a treaty and hold its obligations"),
    "retained_mines": ("iso3", {"state"}, "only a state party retains mines under Article 3"),
    "va_status": ("iso3", {"state"}, "the Monitor assesses victim assistance by state"),
    "use_reports": ("place", {"state", "other_area", "territory"}, "use happens in a state or an area"),
}
# date columns that may lie after today: deadlines, and an entry into force quoted ahead of the day
FUTURE_ALLOWED = {"deadline", "quoted_entry_into_force"}
# where a table keeps one magnitude, and the unit that bounds it (a column name, or a unit itself)
MAGNITUDES = {
    "monitor_facts": ("value", "unit"),
    "researcher_indicators": ("value", "unit"),
    "stockpile_events": ("quantity", "unit"),
    "retained_mines": ("quantity", "=mines"),
}
ANY_MAXIMUM = 1e12  # no count or sum this review deals with comes near; a larger value is a slip
# one figure: rows agreeing on these are the same figure (from different sources); different values need a note
ONE_FIGURE = {
    "monitor_facts": ["metric", "period", "place", "edition", "as_of"],
    "retained_mines": ["iso3", "year", "edition"],
}
URL_COLUMNS = ("source_url",)


def check_table(name: str, frame: pd.DataFrame, problems: list, today: date, units=None) -> None:
    """Every rule of this module on one table's rows."""
    check_dates(name, frame, problems, today)
    check_years(name, frame, problems, today.year)
    check_places(name, frame, problems)
    check_urls(frame, problems)
    check_magnitudes(name, frame, problems, units)
    check_one_value(name, frame, problems)


def _where(frame: pd.DataFrame, row: dict, column: str) -> dict:
    value = row.get(column)
    return {"file": frame.attrs.get("source_file"), "row": int(row["_line"]), "column": column,
            "value": value.isoformat() if isinstance(value, date) else value}  # fmt: skip


def _date_columns(name: str) -> list[str]:
    return [
        f["name"]
        for f in schema.fields(name)
        if f["type"] == "date" or f.get("constraints", {}).get("pattern") == schema.DATE_PATTERN
    ]


def check_dates(name: str, frame: pd.DataFrame, problems: list, today: date) -> None:
    """Dates must exist (no 30 February, no month 13) and, except deadlines, must not lie after today: a
    record reports what has happened, and a review as of a date uses nothing later."""
    columns = [c for c in _date_columns(name) if c in frame.columns]
    for row in frame.to_dict("records"):
        for column in columns:
            value = row.get(column)
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == "":
                continue
            problem = schema.day_problem_of(value, today, column in FUTURE_ALLOWED)
            if problem:
                problems.append(DataError(problem, **_where(frame, row, column)))


def check_years(name: str, frame: pd.DataFrame, problems: list, this_year: int) -> None:
    """Years, periods and editions of every table lie between 1997 (1999 and 2010 for the Monitors' first
    editions) and this year: a figure for a year to come is a slip. (schema.check_plausible and
    check_researcher say the same for monitor_facts and researcher_indicators.)"""
    if name in ("monitor_facts", "researcher_indicators"):
        return
    for row in frame.to_dict("records"):
        problem = None
        year = row.get("year") if "year" in frame.columns else None
        if not _missing(year) and isinstance(year, int | float) and year > this_year:
            problem = "year", f"a year after this one ({this_year}): the record can only hold what has happened"
        elif name not in ("monitor_facts", "researcher_indicators"):
            period = row.get("period")
            if isinstance(period, int) and period > this_year:
                problem = "period", f"a year after this one ({this_year}): the record can only hold what has happened"
            problem = problem or schema._period_problem(period if isinstance(period, str) else None, this_year)
            problem = problem or schema._edition_problem(row.get("edition"), this_year)
        if problem:
            problems.append(DataError(problem[1], **_where(frame, row, problem[0])))


def check_places(name: str, frame: pd.DataFrame, problems: list) -> None:
    """Only a state can join a treaty or hold its obligations: the World (WLD), the European Union (EUU) or a
    territory (GIB) cannot, whatever a row says. The kinds come from data/countries.csv."""
    if name not in PLACE_KINDS or frame.empty:
        return
    column, allowed, why = PLACE_KINDS[name]
    kinds = dict(zip(country_table()["iso3"], country_table()["kind"], strict=True))
    for row in frame.to_dict("records"):
        kind = kinds.get(row.get(column))
        if kind is not None and kind not in allowed:
            problems.append(DataError(f"{row[column]} is {KIND_WORDS.get(kind, kind)} in data/countries.csv: {why}",
                                      **_where(frame, row, column)))  # fmt: skip


def check_urls(frame: pd.DataFrame, problems: list) -> None:
    """A web address has no spaces, tabs, line breaks, quotes or angle brackets (percent-encode them: %20)."""
    for column in [c for c in URL_COLUMNS if c in frame.columns]:
        for row in frame.to_dict("records"):
            value = row.get(column)
            if isinstance(value, str) and schema.URL_BAD.search(value):
                problems.append(DataError(schema.URL_WORDS, **_where(frame, row, column)))


def check_magnitudes(name: str, frame: pd.DataFrame, problems: list, units=None) -> None:
    """A figure above its unit's maximum in units.csv (or above a trillion for a unit without one) is a slip
    (1e30 visits, a sum typed twice), not a finding: refused."""
    if name not in MAGNITUDES or frame.empty:
        return
    column, unit_from = MAGNITUDES[name]
    maxima = {}
    if units is not None:
        maxima = {r.unit: float(r.maximum) for r in units.itertuples() if not _missing(r.maximum)}
    for row in frame.to_dict("records"):
        value = row.get(column)
        if _missing(value) or not math.isfinite(float(value)):
            continue  # a gap, or a value schema.check_plausible already refuses
        unit = unit_from[1:] if unit_from.startswith("=") else row.get(unit_from)
        if unit in maxima and name in ("monitor_facts", "researcher_indicators"):
            continue  # schema.check_plausible holds these to their unit's range
        most = maxima.get(unit, ANY_MAXIMUM)
        if float(value) > most:
            what = f"a {unit} figure" if unit in maxima else "any figure of this review"
            problems.append(DataError(f"above the most {what} can be ({most:,.0f}): a typo or a unit mix-up?",
                                      **_where(frame, row, column)))  # fmt: skip


def check_one_value(name: str, frame: pd.DataFrame, problems: list) -> None:
    """Two rows of one figure (two sources) with different values: both are kept only when each says why in
    its note, as the bundled data does; otherwise one of them would be dropped without a word."""
    if name not in ONE_FIGURE or frame.empty:
        return
    key = [k for k in ONE_FIGURE[name] if k in frame.columns]
    column = "value" if "value" in frame.columns else "quantity"
    seen: dict[tuple, dict] = {}
    for row in frame.to_dict("records"):
        figure = tuple("" if _missing(row.get(k)) else str(row.get(k)) for k in key)
        first = seen.setdefault(figure, row)
        if first is row or _same_number(first.get(column), row.get(column)):
            continue
        if _missing(row.get("note")) or _missing(first.get("note")) or not row["note"] or not first["note"]:
            named = ", ".join(v for v in figure if v)
            problems.append(DataError(
                f"row {first['_line']} gives {_shown(first.get(column))} for the same figure ({named}) from another "
                "source: keep both only with a note on each row saying why they differ, or remove one",
                **_where(frame, row, column)))  # fmt: skip


def _same_number(a, b) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    return float(a) == float(b)


def _shown(value) -> str:
    return "nothing" if _missing(value) else f"{float(value):g}"


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
