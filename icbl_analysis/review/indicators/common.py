"""Reading one Monitor metric as yearly indicator rows."""

from __future__ import annotations

import pandas as pd

from ...engine import facts as F
from .registry import rows_frame, year_of_period


def from_facts(data, metric: str, years, vintage: str, published_by: int | None = None, place: str = "WLD"):
    """One row per year from a Monitor metric, with the edition and quote of each value; with `published_by`
    only figures published by then (a review as of its date uses nothing published later)."""
    facts = data.monitor_facts
    if metric not in set(facts["metric"]):
        return rows_frame([{"year": y, "value": None, "note": f"no {metric} figures in the data"} for y in years])
    found = F.series(facts, metric, place=place, vintage=vintage, published_by=published_by)
    found = found.assign(year=found["period"].map(year_of_period)).drop_duplicates("year", keep="last")
    stated = facts[(facts["metric"] == metric) & (facts["place"] == place)]
    if published_by is not None:
        keep = [F.published_year(r) <= published_by for r in stated.to_dict("records")]
        stated = stated[pd.Series(keep, index=stated.index, dtype=bool)]
    stated_by_period: dict[str, set] = {}
    primary_pages: dict[tuple, tuple] = {}  # (period, value) -> a primary page stating it: (url, edition)
    for e, period, v, url in zip(stated["edition"], stated["period"], stated["value"], stated["source_url"],
                                 strict=True):  # fmt: skip
        stated_by_period.setdefault(period, set()).add((e if isinstance(e, str) else "", float(v)))
        if F.primary_site(url):
            primary_pages.setdefault((period, float(v)), (url, e if isinstance(e, str) else ""))
    first = {  # the figure each period had as first published (within `published_by`)
        r["period"]: (r["edition"], float(r["value"]))
        for r in F.series(facts, metric, place=place, vintage="first", published_by=published_by).to_dict("records")
    }
    by_year = {int(r["year"]): r for r in found.to_dict("records")}
    rows = []
    for year in years:
        r = by_year.get(year)
        if r is None:
            rows.append({"year": year, "value": None, "note": "not in the public record collected", "measure": metric})
            continue
        edition = r["edition"] if isinstance(r["edition"], str) and r["edition"] else ""
        rows.append(
            {
                "year": year,
                "value": float(r["value"]),
                "unit": r["unit"],
                "qualifier": r["qualifier"],
                "edition": edition or None,
                "source_url": r["source_url"],
                "quote": r["quote"],
                "note": r["note"]
                if not (isinstance(r.get("as_of"), str) and r["as_of"])
                else "; ".join(x for x in (f"as of {r['as_of']}", r["note"]) if isinstance(x, str) and x),
                "measure": metric,
                "coverage": F.coverage_of(r["note"]) if place == "WLD" else "",
                "caveat": F.caveat_of(r["note"]),
                "source_kind": "Monitor",
                "revised": any(
                    e != edition and v != float(r["value"]) for e, v in stated_by_period.get(r["period"], ())
                ),
                "confirmed_url": None
                if F.primary_site(r["source_url"])
                else primary_pages.get((r["period"], float(r["value"])), (None, None))[0],
                "confirmed_edition": None
                if F.primary_site(r["source_url"])
                else primary_pages.get((r["period"], float(r["value"])), (None, None))[1],
                "first_value": first.get(r["period"], (None, None))[1],
                "first_edition": first.get(r["period"], (None, None))[0],
            }
        )
    return rows_frame(rows)
