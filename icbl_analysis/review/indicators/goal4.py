"""Goal 4: ICBL-CMC and the Monitor as the authoritative voice."""

from __future__ import annotations

from ...engine import facts as F
from ...engine.evidence import meeting_index
from .registry import indicator, rows_frame


@indicator("G4.I07")
def article7_reporting(data, years, vintage, published_by=None):
    """Share of MBT States Parties that had submitted the Article 7 report due in the year (reports cover the
    previous calendar year and are due by 30 April): the earliest figure published in the year, so that years
    compare at the same point of the reporting cycle."""
    facts = data.monitor_facts
    rows = facts[(facts["metric"] == "article7_reporting_rate") & (facts["place"] == "WLD")]
    out = []
    for year in years:
        due = rows[rows["period"] == str(year - 1)]
        dated = [r for r in due.to_dict("records") if F.published_year(r) <= (published_by or 9999)]
        in_year = [r for r in dated if isinstance(r.get("as_of"), str) and r["as_of"].startswith(str(year))]
        pick = min(in_year, key=lambda r: r["as_of"]) if in_year else None
        if pick is None:
            out.append({"year": year, "value": None, "note": f"no figure published in {year} on the reports due then"})
            continue
        out.append(
            {
                "year": year,
                "value": float(pick["value"]),
                "unit": "percent",
                "qualifier": pick["qualifier"],
                "edition": pick["edition"] if isinstance(pick["edition"], str) and pick["edition"] else None,
                "source_url": pick["source_url"],
                "quote": pick["quote"],
                "note": f"reports on {year - 1}, as of {pick['as_of']}",
            }
        )
    return rows_frame(out)


@indicator("G4.I06")
def states_parties_at_meetings(data, years, vintage, published_by=None):
    """Mine Ban Treaty States Parties at the year's Meeting of States Parties or Review Conference."""
    meetings = meeting_index(data.meetings)
    part = data.meeting_participation
    out = []
    for year in years:
        codes = [m.code for (t, _), m in meetings.items() if t == "MBT" and m.start.year == year]
        at = part[(part["treaty"] == "MBT") & part["meeting"].isin(codes)]
        direct = at[at["group"] == "states_parties"]
        total, others = at[at["group"] == "total_states"], at[at["group"] == "states_not_party"]
        if len(direct):
            r = direct.iloc[0]
            value, qualifier, note = float(r["count"]), r["qualifier"], r["meeting"]
        elif len(total) and len(others):
            r, o = total.iloc[0], others.iloc[0]
            value, qualifier = float(r["count"] - o["count"]), r["qualifier"]
            note = f"{r['meeting']}: {r['count']} states took part, {o['count']} of them not party ({o['source_url']})"
        else:
            note = f"no published count for {', '.join(codes) or 'a meeting'}"
            out.append({"year": year, "value": None, "note": note})
            continue
        out.append(
            {
                "year": year,
                "value": value,
                "unit": "states",
                "qualifier": qualifier if isinstance(qualifier, str) and qualifier else None,
                "source_url": r["source_url"],
                "quote": r["quote"],
                "note": note,
            }
        )
    return rows_frame(out)
