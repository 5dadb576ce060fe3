"""Goal 2: a significant decrease in contaminated land."""

from __future__ import annotations

import pandas as pd

from .. import obligations
from . import indicator, rows_frame
from .common import from_facts


@indicator("G2.I02")
def land_released(data, years, vintage):
    released = from_facts(data, "land_released_km2", years, vintage).to_dict("records")
    cleared = from_facts(data, "land_cleared_km2", years, vintage).to_dict("records")
    rows = []
    for rel, clr in zip(released, cleared, strict=True):
        if pd.isna(rel["value"]) and not pd.isna(clr["value"]):
            clr["note"] = "land cleared only (no land-release total published for this year)"
            rows.append(clr)
        else:
            rows.append(rel)
    return rows_frame(rows)


def _completions(data, treaty: str, years):
    table = obligations.completions_by_year(data.clearance_events, treaty, years, data.meetings, data.treaty_events)
    return rows_frame(
        [
            {
                "year": r.year,
                "value": r.count,
                "unit": "states",
                "source_url": "clearance_events.csv",
                "note": ("declared: " + ", ".join(r.states)) if r.states else "none recorded",
            }
            for r in table.itertuples()
        ]
    )


@indicator("G2.I08")
def article5_completions(data, years, vintage):
    return _completions(data, "MBT", years)


@indicator("G2.I10")
def article4_completions(data, years, vintage):
    return _completions(data, "CCM", years)
