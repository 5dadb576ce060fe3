"""The decisions behind obligations, one row each: extensions granted and completions declared, with the
meeting and day that date them, on a counting basis (see evidence.py)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from . import treaties
from .evidence import fill_unknown_deadlines, prepare


def _entry_into_force(events: pd.DataFrame, treaty: str) -> dict[str, date]:
    members = treaties.membership(events, treaty)
    return {r.iso3: r.entry_into_force for r in members.itertuples() if r.entry_into_force is not None}


def extension_events(
    clearance: pd.DataFrame, treaty: str, meetings: pd.DataFrame | None = None, basis: str = "treaty"
) -> pd.DataFrame:
    """Every extension decision, one row per (state, decision), with its date, meeting, new deadline and
    how many source rows cite it."""
    rows = []
    for iso3, rec in prepare(clearance, treaty, meetings, "completion_declared", basis).items():
        fill_unknown_deadlines(rec)
        for e in rec.extensions:
            rows.append(
                {
                    "iso3": iso3,
                    "treaty": treaty,
                    "meeting": e.meeting,
                    "decided": e.known_from,
                    "new_deadline": e.deadline,
                    "citations": len(e.rows),
                    "note": e.deadline_note,
                }
            )
    return pd.DataFrame(rows, columns=["iso3", "treaty", "meeting", "decided", "new_deadline", "citations", "note"])


def completion_events(
    clearance: pd.DataFrame,
    treaty: str,
    meetings: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    basis: str = "treaty",
) -> pd.DataFrame:
    """Every completion declaration, one row per (state, declaration): date (None when undated), meeting, and
    whether it counts as a new declaration (a repeat counts only after the obligation was re-opened by the
    state's own declaration of mined areas or an extension). With the treaty `events`, a clearance finished
    before the treaty bound the state (El Salvador, 1994) is no Article 5 completion and is left out."""
    eifs = _entry_into_force(events, treaty) if events is not None else {}
    rows = []
    for iso3, rec in prepare(clearance, treaty, meetings, "completion_declared", basis).items():
        previous = None
        for e in rec.completions:
            if e.known_from is not None and iso3 in eifs and e.known_from < eifs[iso3]:
                continue
            reopened = previous is not None and any(
                not x.undated and previous < x.known_from <= (e.known_from or date.max)
                for x in rec.declared + rec.extensions
            )
            rows.append(
                {
                    "iso3": iso3,
                    "treaty": treaty,
                    "declared": e.known_from,
                    "meeting": e.meeting,
                    "counts": previous is None or reopened,
                    "citations": len(e.rows),
                }
            )
            if e.known_from is not None:
                previous = e.known_from
    return pd.DataFrame(rows, columns=["iso3", "treaty", "declared", "meeting", "counts", "citations"])


def completions_by_year(
    clearance: pd.DataFrame,
    treaty: str,
    years,
    meetings: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    basis: str = "treaty",
) -> pd.DataFrame:
    """States that declared completion in each year: a state's first declaration, and a new one after its
    obligation was re-opened (Burundi 2011 and 2014); a formal declaration repeating an earlier one is not
    counted again. `cumulative`: states that ever declared completion by the year's end."""
    table = completion_events(clearance, treaty, meetings, events, basis).dropna(subset=["declared"])
    table = table.assign(year=table["declared"].map(lambda d: d.year))
    counted = table[table["counts"]]
    ever = table.sort_values("declared").drop_duplicates("iso3")
    rows = []
    for year in years:
        names = sorted(set(counted.loc[counted["year"] == year, "iso3"]))
        rows.append(
            {"year": year, "count": len(names), "states": names, "cumulative": int((ever["year"] <= year).sum())}
        )
    return pd.DataFrame(rows)
