"""Reconcile the engine's derived counts with the counts the Monitor and the treaty secretariats published.

Each row of `published_counts.csv` is compared with the same count derived from the cited tables on the
same as-of date, from evidence dated on or before it. The outcome is
- **agreed**: the same number (or a number the published qualifier allows: "at least 86");
- **explained**: a row of `reconciliation_notes.csv` covers that measure, date and difference, or the
  difference is made only of states whose status on that date the record leaves undetermined;
- **open**: neither. Open differences are defects to fix in the data (or to explain with a cited note).
Measures the tables cannot derive completely (retained mines) are listed as "published only".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from . import obligations, treaties
from .obligations import COMPLETED, period_end

OUTCOMES = ["agreed", "explained", "open", "published only"]


@dataclass
class Derived:
    count: int | None  # None: the tables cannot derive this measure
    states: list[str]  # the states counted
    undetermined: list[str]  # states whose inclusion the record leaves open on that date


def derive(data, measure: str, treaty: str | None, on: date) -> Derived:
    """The engine's count of `measure` for `treaty` on `on`."""
    treaty = treaty or "MBT"
    if measure == "states_parties":
        parties = treaties.states_parties(data.treaty_events, treaty, on)
        return Derived(len(parties), sorted(parties["iso3"]), treaties.undetermined(data.treaty_events, treaty, on))
    if measure in ("art5_obligation", "art4_obligation", "art5_states_with_extensions"):
        hist = obligations.clearance_history(data.treaty_events, data.clearance_events, treaty, on, data.meetings)
        wanted = ("extended",) if measure == "art5_states_with_extensions" else ("pending", "extended", "missed_outstanding")
        return _from_status(hist, wanted)
    if measure in ("art5_completed_cumulative", "art4_completed_cumulative", "art5_completed_in_year"):
        table = obligations.completion_events(data.clearance_events, treaty, data.meetings)
        dated = table.dropna(subset=["declared"])
        if measure == "art5_completed_in_year":
            dated = dated[dated["declared"].map(lambda d: d.year == on.year and d <= on)]
        else:
            dated = dated[dated["declared"] <= on]
        undated = sorted(set(table.loc[table["declared"].isna(), "iso3"]) - set(dated["iso3"]))
        return Derived(dated["iso3"].nunique(), sorted(set(dated["iso3"])), undated)
    if measure in ("art5_extensions_granted_cumulative", "art5_extensions_granted"):
        ext = obligations.extension_events(data.clearance_events, treaty, data.meetings)
        dated = ext.dropna(subset=["decided"])
        if measure == "art5_extensions_granted":
            dated = dated[dated["decided"].map(lambda d: d.year == on.year and d <= on)]
        else:
            dated = dated[dated["decided"] <= on]
        undated = sorted(set(ext.loc[ext["decided"].isna(), "iso3"]))
        return Derived(len(dated), sorted(dated["iso3"]), undated)
    if measure in ("stockpile_completed", "stockpile_holding"):
        hist = obligations.stockpile_history(data.treaty_events, data.stockpile_events, treaty, on, data.meetings)
        wanted = COMPLETED if measure == "stockpile_completed" else ("pending", "extended", "missed_outstanding")
        return _from_status(hist, wanted)
    if measure == "stockpile_never_held":
        parties = set(treaties.states_parties(data.treaty_events, treaty, on)["iso3"])
        declared = sorted(set(obligations.no_stockpile(data.stockpile_events, treaty, on)) & parties)
        return Derived(len(declared), declared, [])
    if measure in ("use_governments_apm", "use_nsag_apm", "use_governments_cm"):
        return Derived(None, [], [])  # per-edition counts: compared by edition in `derive_use`
    return Derived(None, [], [])


def _from_status(hist: pd.DataFrame, wanted) -> Derived:
    if hist.empty:
        return Derived(0, [], [])
    return Derived(
        int(hist["status"].isin(wanted).sum()),
        sorted(hist.loc[hist["status"].isin(wanted), "iso3"]),
        sorted(hist.loc[hist["status"] == "undetermined", "iso3"]),
    )


def derive_use(data, measure: str, edition: str | None) -> Derived:
    """Users named by one Monitor edition (use_reports.csv), counted like the edition counts them."""
    if not edition:
        return Derived(None, [], [])
    weapon = "cm" if measure.endswith("_cm") else "apm"
    actor = "nsag" if "nsag" in measure else "government"
    use = data.use_reports
    rows = use[(use["edition"] == edition) & (use["weapon"] == weapon) & (use["actor_type"] == actor)]
    if rows.empty:
        return Derived(None, [], [])
    places = sorted(set(rows["place"]))
    return Derived(len(places), places, [])


def _notes_for(notes: pd.DataFrame, measure: str, treaty: str | None, on: date, difference: int) -> pd.DataFrame:
    if notes is None or notes.empty:
        return notes
    hit = notes[(notes["measure"] == measure) & (notes["treaty"].fillna("") == (treaty or "")) & (notes["difference"] == difference)]
    return hit[
        hit.apply(lambda r: obligations.period_start(r["from"]) <= on <= period_end(r["to"]), axis=1).astype(bool)
    ] if len(hit) else hit


def reconcile(data, first_year: int | None = None, last_year: int | None = None) -> pd.DataFrame:
    """Every published count against the derived one: outcome, difference, the states it is made of."""
    published = data.published_counts
    rows = []
    for r in treaties._records(published):
        on, dated_by = period_end(r.get("as_of")), "as of"
        if on is None and r.get("edition"):  # no date printed: the edition's year end
            on, dated_by = date(int(r["edition"][-4:]), 12, 31), "edition year"
        if on is None:
            continue
        if (first_year and on.year < first_year) or (last_year and on.year > last_year):
            continue
        treaty = r.get("treaty")
        if r["measure"].startswith("use_"):
            got = derive_use(data, r["measure"], r.get("edition"))
        else:
            got = derive(data, r["measure"], treaty, on)
        listed = sorted((r.get("states") or "").split())
        row = {
            "measure": r["measure"],
            "treaty": treaty or "",
            "as_of": on,
            "dated_by": dated_by,
            "publisher": r["publisher"] + (f" {r['edition']}" if r.get("edition") else ""),
            "published": r["value"],
            "qualifier": r.get("qualifier") or "",
            "derived": got.count,
            "difference": None,
            "outcome": "published only",
            "states": "",
            "explanation": "the cited tables do not hold a complete list for this count",
            "source_url": r["source_url"],
        }
        if got.count is not None:
            diff = int(r["value"]) - got.count
            row["difference"] = diff
            row |= _judge(r, got, diff, listed, data.reconciliation_notes, on)
        rows.append(row)
    return pd.DataFrame(rows, columns=[
        "measure", "treaty", "as_of", "dated_by", "publisher", "published", "qualifier", "derived", "difference", "outcome",
        "states", "explanation", "source_url",
    ])  # fmt: skip


def _judge(r: dict, got: Derived, diff: int, listed: list[str], notes: pd.DataFrame, on: date) -> dict:
    if _allowed(r.get("qualifier") or "", diff):
        return {"outcome": "agreed", "explanation": "", "states": ""}
    if listed:
        extra, missing = sorted(set(got.states) - set(listed)), sorted(set(listed) - set(got.states))
        states = " ".join([*(f"+{c}" for c in extra), *(f"-{c}" for c in missing)])
    else:
        states = " ".join(got.undetermined)
    note = _notes_for(notes, r["measure"], r.get("treaty"), on, diff)
    if note is not None and len(note):
        n = note.iloc[0]
        return {"outcome": "explained", "explanation": n["explanation"], "states": n["states"] or states}
    if 0 < diff <= len(got.undetermined) and not listed:
        return {
            "outcome": "explained",
            "explanation": f"{diff} of the {len(got.undetermined)} states whose status on this date the record leaves "
            "open (undated evidence) would close the gap",
            "states": states,
        }
    return {"outcome": "open", "explanation": "", "states": states}


def _allowed(qualifier: str, diff: int) -> bool:
    """Does the published figure, with its qualifier, allow the derived one? (diff = published - derived)"""
    return {
        "": diff == 0,
        "at least": diff <= 0,
        "more than": diff < 0,
        "fewer than": diff > 0,
        "about": abs(diff) <= 1,
    }.get(qualifier, diff == 0)


def summary(table: pd.DataFrame) -> str:
    counts = table["outcome"].value_counts()
    return ", ".join(f"{counts.get(o, 0)} {o}" for o in OUTCOMES if counts.get(o, 0)) or "no published counts"
