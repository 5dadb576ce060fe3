"""Text alternatives for charts: the chart's title and what it shows, in words and numbers, read from the data
the chart was drawn from. Reports, slides and the explorers give it to screen readers (the `alt` of the image);
`charts.save` keeps it inside the PNG (its Description), so whatever shows a saved chart can read it back."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from .words import STATUS_WORDS, number

QUALIFIERS = {"at least": "at least ", "more than": "more than ", "about": "about ", "fewer than": "fewer than "}
TREATY_NAMES = {"MBT": "Mine Ban Treaty", "CCM": "Convention on Cluster Munitions"}
UNITS = {"USD_million": "US${} million", "km2": "{} km²", "percent": "{}%"}  # others read as plain numbers
LONGEST = 900  # characters: a text alternative is read aloud, not scanned


def alt_text(fig, data: pd.DataFrame | None) -> str:
    """'Title. What it shows.' for a chart `fig` drawn from `data` (the frame the chart function returned)."""
    title = _title(fig)
    finding = _finding(fig, data if data is not None else pd.DataFrame())
    text = ". ".join(part.rstrip(".") for part in (title, finding) if part) + "."
    return text if len(text) <= LONGEST else text[: LONGEST - 1].rsplit(" ", 1)[0] + "…"


def png_description(path) -> str | None:
    """The text alternative `charts.save` stored in a PNG, or None."""
    from PIL import Image

    with Image.open(path) as image:
        return image.text.get("Description") if hasattr(image, "text") else None


def _title(fig) -> str:
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            if ax.get_title(loc):
                return " ".join(ax.get_title(loc).split())
    suptitle = getattr(fig, "_suptitle", None)
    return suptitle.get_text() if suptitle is not None else "Chart"


def _finding(fig, data: pd.DataFrame) -> str:
    cols = set(data.columns)
    if data.empty:
        return ""
    if {"iso3", "category"} <= cols:  # the world map: its legend counts the states
        return "; ".join(_legend(fig)) or _counts(data["category"])
    if {"status", "indicator_id"} <= cols:
        return _board(data)
    if {"period", "first_published", "latest"} <= cols:
        return _revisions(data)
    if {"year", "treaty", "states_parties"} <= cols:
        return _parties(data)
    if {"year", "governments", "armed_groups"} <= cols:
        return "; ".join(f"{r.year}: {_n(r.governments)} governments, {_n(r.armed_groups)} armed groups"
                         for r in data.itertuples())  # fmt: skip
    if {"state", "status", "deadline"} <= cols:
        words = data["status"].map(lambda s: STATUS_WORDS.get(s, s) if isinstance(s, str) else "no status")
        return f"{len(data)} states: " + _counts(words)
    if {"year", "value", "country"} <= cols:
        return _by_country(data)
    if {"year", "value"} <= cols:
        unit = next((u for u in data.get("unit", []) if isinstance(u, str) and u), "")
        return "; ".join(f"{r['year']}: {_value(r, unit)}" for r in data.to_dict("records"))
    if {"indicator_id", "indicator"} <= cols:  # the coverage grid: indicators by year
        years = [c for c in data.columns if str(c).isdigit()]
        held = [f"{y}: {data[y].fillna('').astype(str).str.strip().ne('').sum()}" for y in years]
        return f"{len(data)} indicators; with a cited value in " + ", ".join(held)
    if {"date", "what"} <= cols:  # a state's time line
        dated = data.dropna(subset=["date"])
        if dated.empty:
            return "no dated event"
        first, last = dated.iloc[0], dated.iloc[-1]
        return (f"{len(dated)} dated events from {first['date']:%Y} ({first['what']}) to {last['date']:%Y} "
                f"({last['what']})")  # fmt: skip
    return "The chart's data is in the CSV file saved beside it"


def _legend(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]


def _counts(values) -> str:
    return ", ".join(f"{k}: {v}" for k, v in Counter(values).most_common())


def _n(value) -> str:
    return number(value) or "no data"


def _value(row: dict, unit: str = "") -> str:
    if pd.isna(row.get("value")):
        return "no data"
    return QUALIFIERS.get(row.get("qualifier"), "") + UNITS.get(unit, "{}").format(number(row["value"], unit))


def _board(data: pd.DataFrame) -> str:
    parts = []
    for status, rows in data.groupby("status", sort=False):
        ids = ", ".join(f"{r.indicator_id} {r.short_name}" if "short_name" in data else r.indicator_id
                        for r in rows.itertuples())  # fmt: skip
        parts.append(f"{status} ({len(rows)}): {ids}" if len(rows) <= 12 else f"{status}: {len(rows)} indicators")
    return "; ".join(parts)


def _revisions(data: pd.DataFrame) -> str:
    stated = data.dropna(subset=["first_published"])
    if stated.empty:
        return "no figure published"
    text = "As first published: " + ", ".join(f"{r.period} {_n(r.first_published)}" for r in stated.itertuples())
    revised = [r for r in data.itertuples() if pd.notna(r.latest) and r.latest != r.first_published]
    if not revised:
        return text + "; no year revised since"
    changes = ", ".join(f"{r.period} {_n(r.first_published)} to {_n(r.latest)}" for r in revised)
    return f"{text}; revised in the latest edition: {changes}"


def _parties(data: pd.DataFrame) -> str:
    parts = []
    for treaty, rows in data.groupby("treaty", sort=False):
        first, last = rows.iloc[0], rows.iloc[-1]
        parts.append(f"{TREATY_NAMES.get(treaty, treaty)}: {_n(first['states_parties'])} States Parties at the end "
                     f"of {first['year']}, {_n(last['states_parties'])} at the end of {last['year']}")  # fmt: skip
    return "; ".join(parts)


def _by_country(data: pd.DataFrame) -> str:
    parts = []
    for country, rows in data.dropna(subset=["value"]).groupby("country", sort=True):
        last = rows.sort_values("year").iloc[-1]
        parts.append(f"{country} {_n(last['value'])} in {last['year']}")
    return "Latest value: " + "; ".join(parts) if parts else "no value"
