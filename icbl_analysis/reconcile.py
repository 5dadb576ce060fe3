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
from .countries import country_table
from .obligations import COMPLETED, period_end

OUTCOMES = ["agreed", "explained", "open", "published only"]
COLUMNS = [
    "measure", "treaty", "as_of", "dated_by", "publisher", "published", "qualifier", "derived", "difference",
    "outcome", "states", "explanation", "source_url", "derived_states",
]  # fmt: skip


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
        hist = obligations.history(data, treaty, "clearance", on)
        wanted = (
            ("extended",) if measure == "art5_states_with_extensions" else ("pending", "extended", "missed_outstanding")
        )
        return _from_status(hist, wanted)
    if measure in (
        "art5_completed_cumulative",
        "art4_completed_cumulative",
        "art5_completed_in_year",
        "art4_completed_in_year",
    ):
        table = obligations.completion_events(data.clearance_events, treaty, data.meetings, data.treaty_events)
        dated = table.dropna(subset=["declared"])
        if measure.endswith("_in_year"):
            dated = dated.loc[
                (dated["counts"] & dated["declared"].map(lambda d: d.year == on.year and d <= on)).astype(bool)
            ]
        else:
            dated = dated[dated["declared"] <= on]
        undated = sorted(set(table.loc[table["declared"].isna(), "iso3"]) - set(dated["iso3"]))
        return Derived(dated["iso3"].nunique(), sorted(set(dated["iso3"])), undated)
    if measure in ("art5_states_ever_extended", "art5_obligation_ever_extended"):
        ext = obligations.extension_events(data.clearance_events, treaty, data.meetings).dropna(subset=["decided"])
        ever = set(ext.loc[ext["decided"] <= on, "iso3"])
        if measure == "art5_obligation_ever_extended":
            hist = obligations.history(data, treaty, "clearance", on)
            open_now = set(hist.loc[hist["status"].isin(["pending", "extended", "missed_outstanding"]), "iso3"])
            ever &= open_now
        return Derived(len(ever), sorted(ever), [])
    if measure in ("art5_extensions_granted_cumulative", "art5_extension_requests_granted"):
        ext = obligations.extension_events(data.clearance_events, treaty, data.meetings)
        dated = ext.dropna(subset=["decided"])
        if measure == "art5_extension_requests_granted":
            dated = dated.loc[dated["decided"].map(lambda d: d.year == on.year and d <= on).astype(bool)]
        else:
            dated = dated[dated["decided"] <= on]
        undated = sorted(set(ext.loc[ext["decided"].isna(), "iso3"]))
        return Derived(len(dated), sorted(dated["iso3"]), undated)
    if measure in ("stockpile_completed", "stockpile_holding"):
        hist = obligations.history(data, treaty, "stockpile", on)
        wanted = COMPLETED if measure == "stockpile_completed" else ("pending", "extended", "missed_outstanding")
        return _from_status(hist, wanted)
    if measure == "stockpile_missed_outstanding":
        hist = obligations.history(data, treaty, "stockpile", on)
        return _from_status(hist, ("missed_outstanding",))
    if measure in ("stockpile_completed_before_treaty_in_force", "stockpile_completed_since_treaty_in_force"):
        hist = obligations.history(data, treaty, "stockpile", on)
        done = hist[hist["status"].isin(COMPLETED)] if len(hist) else hist
        before = done["completed"].map(lambda d: d < treaties.rules(treaty).in_force) if len(done) else []
        chosen = done[before] if measure.endswith("before_treaty_in_force") else done[[not b for b in before]]
        return Derived(len(chosen), sorted(chosen["iso3"]), [])
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
    confirmed = rows[rows["confirmed"].fillna("confirmed") == "confirmed"]
    if actor == "government":  # the Monitor counts states; forces of an other area (Nagorno-Karabakh) apart
        kinds = country_table().set_index("iso3")["kind"]
        confirmed = confirmed[confirmed["place"].map(kinds) == "state"]
    places = sorted(set(confirmed["place"]))
    return Derived(len(places), places, sorted(set(rows["place"]) - set(places)))


def _notes_for(notes: pd.DataFrame, measure: str, treaty: str | None, on: date) -> list[dict]:
    """The notes that apply to a measure, treaty and as-of date."""
    if notes is None or notes.empty:
        return []
    hit = notes[(notes["measure"] == measure) & (notes["treaty"].fillna("") == (treaty or ""))]
    return [r for r in treaties._records(hit) if obligations.period_start(r["from"]) <= on <= period_end(r["to"])]


def _adjusted(got: Derived, notes: list[dict]) -> tuple[int, set[str]]:
    """The derived count as the publisher counts, by the notes: `-XXX` a state the publisher leaves out,
    `+XXX` one it counts that the tables do not (yet) hold as counted on that date."""
    states, unnamed = set(got.states), 0
    for note in notes:
        for code in (note.get("states") or "").split():
            if code[1:].isdigit():  # states the publisher counts without naming them
                unnamed += int(code) if code.startswith("+") else -int(code[1:])
            elif code.startswith("-"):
                states.discard(code[1:])
            elif code.startswith("+"):
                states.add(code[1:])
    return len(states) + unnamed, states


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
            "derived_states": "",
        }
        if got.count is not None:
            diff = int(r["value"]) - got.count
            row["difference"] = diff
            row |= _judge(r, got, diff, listed, data.reconciliation_notes, on)
            row["derived_states"] = " ".join(got.states)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _judge(r: dict, got: Derived, diff: int, listed: list[str], notes: pd.DataFrame, on: date) -> dict:
    """agreed / explained / open for one published count. Where the publisher names the states, the sets must
    match too. `states` says what the difference is made of, as the publisher counts: -XXX derived but not
    counted by the publisher, +XXX counted by the publisher but not derived."""
    qualifier = r.get("qualifier") or ""
    same_states = not listed or set(listed) == set(got.states)
    if _allowed(qualifier, diff) and same_states:
        return {"outcome": "agreed", "explanation": "", "states": ""}
    if listed:
        extra, missing = sorted(set(got.states) - set(listed)), sorted(set(listed) - set(got.states))
        states = " ".join([*(f"-{c}" for c in extra), *(f"+{c}" for c in missing)])
    else:
        states = " ".join(got.undetermined)
    applicable = _notes_for(notes, r["measure"], r.get("treaty"), on)
    if applicable:
        count, adjusted = _adjusted(got, applicable)
        if _allowed(qualifier, int(r["value"]) - count) and (not listed or adjusted == set(listed)):
            return {
                "outcome": "explained",
                "explanation": " ".join(n["explanation"] for n in applicable),
                "states": " ".join(n["states"] for n in applicable),
            }
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
