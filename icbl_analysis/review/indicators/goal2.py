"""Goal 2: a significant decrease in contaminated land."""

from __future__ import annotations

import pandas as pd

from ...data.countries import name_of
from ...engine import facts as F
from ...engine import obligations
from .common import from_facts
from .registry import indicator, rows_frame, year_of_period


@indicator("G2.I02")
def land_released(data, years, vintage, published_by=None):
    """Land released (clearance and survey) and, as its own measure, land cleared only: two definitions, never
    mixed in one series (a rating compares only values of the same measure)."""
    released = from_facts(data, "land_released_km2", years, vintage, published_by)
    cleared = from_facts(data, "land_cleared_km2", years, vintage, published_by)
    rows = []
    for rel, clr in zip(released.to_dict("records"), cleared.to_dict("records"), strict=True):
        if not pd.isna(rel["value"]) or pd.isna(clr["value"]):
            rows.append(rel)
        if not pd.isna(clr["value"]):
            rows.append(clr)
    return pd.DataFrame(rows, columns=released.columns)


def _completions(data, treaty: str, years):
    table = obligations.completions_by_year(data.clearance_events, treaty, years, data.meetings, data.treaty_events)
    return rows_frame(
        [
            {
                "year": r.year,
                "value": r.count,
                "unit": "states",
                "source_url": "clearance_events.csv",
                "note": (("declared: " + ", ".join(name_of(c) for c in r.states)) if r.states else "none recorded")
                + "; counted as the treaty secretariats count (declarations at the meetings)",
                "basis": "treaty",
            }
            for r in table.itertuples()
        ]
    )


@indicator("G2.I08")
def article5_completions(data, years, vintage, published_by=None):
    return _completions(data, "MBT", years)


@indicator("G2.I10")
def article4_completions(data, years, vintage, published_by=None):
    return _completions(data, "CCM", years)


def support_per_km2(data, year: int, vintage: str, published_by=None) -> pd.DataFrame:
    """States with both international support received and remaining contamination published for `year`:
    US$ thousand of support per km² still to clear."""
    facts = data.monitor_facts
    rows = []
    for place in sorted(set(facts.loc[facts["metric"] == "funding_by_recipient", "place"])):
        funding = F.value_for(_by_year(facts, "funding_by_recipient", place, vintage, published_by), year)
        area = F.value_for(_by_year(facts, "contaminated_area_km2", place, vintage, published_by), year)
        if funding and area and area["value"] > 0:
            rows.append(
                {
                    "iso3": place,
                    "year": year,
                    "support_usd_million": funding["value"],
                    "remaining_km2": area["value"],
                    "usd_thousand_per_km2": round(1000 * funding["value"] / area["value"], 1),
                    "editions": f"{funding['edition']} / {area['edition']}",
                }
            )
    return pd.DataFrame(
        rows, columns=["iso3", "year", "support_usd_million", "remaining_km2", "usd_thousand_per_km2", "editions"]
    )


def _by_year(facts, metric, place, vintage, published_by):
    found = F.series(facts, metric, place=place, vintage=vintage, published_by=published_by)
    return found.assign(period=found["period"].map(lambda p: str(year_of_period(p))))
