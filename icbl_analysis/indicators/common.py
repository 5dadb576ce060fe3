"""Shared building blocks for the goal modules."""

from __future__ import annotations

from .. import facts as F
from . import rows_frame


def year_of_period(period: str) -> int:
    """'2012' -> 2012; a ban-policy period '2012-2013' belongs to its closing year 2013."""
    return int(str(period).split("-")[-1])


def from_facts(data, metric: str, years, vintage: str, place: str = "WLD"):
    """One row per year from a Monitor metric, with the edition and quote of each value."""
    facts = data.monitor_facts
    if metric not in set(facts["metric"]):
        return rows_frame([{"year": y, "value": None, "note": f"no {metric} figures in the data"} for y in years])
    found = F.series(facts, metric, place=place, vintage=vintage)
    found = found.assign(year=found["period"].map(year_of_period)).drop_duplicates("year", keep="last")
    rows = []
    for year in years:
        hit = found[found["year"] == year]
        if hit.empty:
            rows.append({"year": year, "value": None, "note": "not in the public record collected"})
            continue
        r = hit.iloc[0]
        rows.append(
            {
                "year": year,
                "value": float(r["value"]),
                "unit": r["unit"],
                "qualifier": r["qualifier"],
                "edition": r["edition"],
                "source_url": r["source_url"],
                "quote": r["quote"],
                "note": r["note"],
            }
        )
    return rows_frame(rows)
