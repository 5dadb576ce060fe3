"""The Monitor's annual figures, read without mixing editions.

Every value stays with the edition that published it. A `vintage` picks which one a series shows:
"first" (as first published: judge the plan by what was known then), "latest" (latest edition:
trend charts) or a named edition such as "LM2013".
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pandas as pd

from ..core.errors import DataError

VINTAGES = ("first", "latest")
EDITION_PATTERN = re.compile(r"^(LM|CMM)(\d{4})$")
PREFERRED_DOMAIN = "the-monitor.org"


def edition_year(edition: str) -> int:
    match = EDITION_PATTERN.match(edition or "")
    if not match:
        raise DataError("an edition looks like LM2013 or CMM2016", column="edition", value=edition)
    return int(match.group(2))


def edition_label(edition: str) -> str:
    """'LM2013' -> 'Landmine Monitor 2013'."""
    family = {"LM": "Landmine Monitor", "CMM": "Cluster Munition Monitor"}[EDITION_PATTERN.match(edition).group(1)]
    return f"{family} {edition_year(edition)}"


def source_label(edition, source_url=None, as_of=None) -> str:
    """Where a figure comes from, in words: the Monitor edition, else the publishing site and date."""
    if isinstance(edition, str) and EDITION_PATTERN.match(edition):
        return edition_label(edition)
    site = urlparse(str(source_url or "")).netloc.removeprefix("www.") or "cited source"
    return f"{site}, {as_of}" if isinstance(as_of, str) and as_of else site


def published_year(row) -> int:
    """The year a figure was published: its edition's year; else the year of its as-of date; else its period's end."""
    edition = row.get("edition")
    if isinstance(edition, str) and EDITION_PATTERN.match(edition):
        return edition_year(edition)
    as_of = row.get("as_of")
    if isinstance(as_of, str) and as_of:
        return int(as_of[:4])
    return int(str(row["period"])[-4:])


def check_vintage(vintage: str) -> str:
    if vintage in VINTAGES or EDITION_PATTERN.match(str(vintage)):
        return vintage
    raise DataError("vintage must be 'first', 'latest' or an edition like 'LM2013'", column="vintage", value=vintage)


def _one_per_edition(rows: pd.DataFrame) -> pd.DataFrame:
    """One value per period and publication, oldest publication first. Within one edition the Monitor's own
    page wins over a press release quoting it, and a primary page (a secretariat, the campaign, the UN) over a
    secondary copy; a figure from another publisher is its own publication."""
    rows = rows.assign(
        _own=[(PREFERRED_DOMAIN not in str(u)) + (not primary_site(u)) for u in rows["source_url"]],
        _ed=[published_year(r) for r in rows.to_dict("records")],
        _pub=[
            e if isinstance(e, str) and e else f"{urlparse(u).netloc} {a or ''}"
            for e, u, a in zip(rows["edition"], rows["source_url"], rows.get("as_of", [None] * len(rows)), strict=True)
        ],
    )
    rows = rows.sort_values(["period", "_ed", "_pub", "_own", "source_url"])
    return rows.drop_duplicates(["period", "_pub"])


PRIMARY_SITES = (
    "the-monitor.org",
    "apminebanconvention.org",
    "clusterconvention.org",
    "un.org",
    "icbl.org",
    "icblcmc.org",
    "stopclustermunitions.org",
    "unog.ch",
    "ungeneva.org",
    "unoda.org",
    "hrw.org",
)
STATES_PARTIES_ONLY = re.compile(
    r"STATES PARTIES|States Parties only|context is States Parties|released by States Parties"
)


def primary_site(url) -> bool:
    """A page of the Monitor, the campaign, the treaty secretariats or the UN (else a secondary copy)."""
    site = urlparse(url).netloc.lower() if isinstance(url, str) and "://" in url else ""
    return any(site == p or site.endswith("." + p) for p in PRIMARY_SITES)


def coverage_of(note) -> str:
    """Which states a world total covers: "States Parties only" where the row's note says so, else the Monitor's
    usual "all states and areas" (its global totals before 2021 counted every mine action programme)."""
    return (
        "States Parties only" if isinstance(note, str) and STATES_PARTIES_ONLY.search(note) else "all states and areas"
    )


def caveat_of(note) -> str:
    """A caution on the row that changes what the value counts ("CAUTION: victim-assistance contributions
    only ..."), or ""."""
    if isinstance(note, str) and note.strip().upper().startswith("CAUTION"):
        return note.strip()[len("CAUTION") :].lstrip(" :").strip()
    return ""


def metric_labels(metrics: pd.DataFrame) -> dict[str, str]:
    """Each Monitor metric's name in people's words (the `label` column of data/metrics.csv)."""
    return {m: lab for m, lab in zip(metrics["metric"], metrics["label"], strict=True) if isinstance(lab, str)}


def revisions(facts: pd.DataFrame, metric: str, period, place: str = "WLD") -> pd.DataFrame:
    """Every edition's value for one metric, period and place, oldest edition first."""
    rows = facts[(facts["metric"] == metric) & (facts["period"] == str(period)) & (facts["place"] == place)]
    if rows.empty:
        return rows.drop(columns=["_line"], errors="ignore")
    rows = _one_per_edition(rows)
    return rows.drop(columns=["_line", "_own", "_ed", "_pub"], errors="ignore").reset_index(drop=True)


def series(
    facts: pd.DataFrame, metric: str, place: str = "WLD", vintage: str = "latest", published_by: int | None = None
) -> pd.DataFrame:
    """One value per period for a metric and place, chosen by `vintage`; with `published_by`, only figures
    published in or before that year (a review "as of" a date uses nothing published later).

    Columns: period, value, unit, qualifier, edition, as_of, source_url, quote, note. Periods the
    record does not cover are simply absent: see `missing_periods`.
    """
    check_vintage(vintage)
    if metric not in set(facts["metric"]):
        known = ", ".join(sorted(set(facts["metric"])))
        raise DataError(f"unknown metric; known metrics: {known}", column="metric", value=metric)
    cols = ["period", "value", "unit", "qualifier", "edition", "as_of", "source_url", "quote", "note"]
    rows = facts[(facts["metric"] == metric) & (facts["place"] == place)]
    if "as_of" not in rows:
        rows = rows.assign(as_of=None)
    if rows.empty:
        return rows.reindex(columns=cols).iloc[0:0]
    rows = _one_per_edition(rows)
    if published_by is not None:
        rows = rows[rows["_ed"] <= published_by]
    if vintage == "first":
        rows = rows.drop_duplicates("period", keep="first")
    elif vintage == "latest":
        rows = rows.drop_duplicates("period", keep="last")
    else:
        rows = rows[rows["edition"] == vintage]
    return rows[cols].sort_values("period").reset_index(drop=True)


def missing_periods(found: pd.DataFrame, years) -> list[str]:
    """The years in `years` for which a series has no value (a gap stays a gap)."""
    have = set(found["period"]) if len(found) else set()
    return [str(y) for y in years if str(y) not in have]


def value_for(found: pd.DataFrame, period) -> dict | None:
    """The row of a series for one period as a dict, or None when the record has no value."""
    rows = found[found["period"] == str(period)]
    return None if rows.empty else rows.iloc[0].to_dict()


def format_value(value, qualifier=None, unit: str = "") -> str:
    """'at least 3,628' style text for a value with its qualifier."""
    if value is None or pd.isna(value):
        return "no data"
    if unit == "yes_no":  # a campaign-records answer: 1 yes, 0 no
        return "yes" if value else "no"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit == "USD_thousand":
        number = f"US${number} thousand"
    elif unit == "USD_million":
        number = f"US${number} million"
    elif unit == "percent":
        number = f"{number}%"
    elif unit == "km2":
        number = f"{number} km²"
    return f"{qualifier} {number}" if qualifier and not pd.isna(qualifier) else number
