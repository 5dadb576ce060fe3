"""Reconcile the engine with what the Monitor and the treaty secretariats published: counts and named lists.

Each published count (`published_counts.csv`) and each published list (`published_lists.csv`, one row per
state named) is compared with the engine's own count and list for the same measure, on the same as-of date
and the same counting basis (the publisher's: `treaty` for the secretariats, `monitor` for the Monitor and
the campaigns quoting it), from evidence dated on or before that date (derive.py). The outcome is
- **agreed**: the same states (or, for a count, the same number or one the qualifier allows: "at least 86");
- **explained**: every difference is a state named by a row of `reconciliation_notes.csv` for that measure,
  date and basis, with its source: `-XXX` a state the engine counts and the publisher does not, `+XXX` one
  the publisher counts and the engine does not;
- **open**: neither. An open difference is a defect: fix the data, or explain it with a cited, named note.
A list that names fewer states than it counts (an ordinal, "the 24th State Party to do so") is checked
both ways: each state it names, and its count. Measures the tables cannot derive are "published only".
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from . import obligations, treaties
from .derive import Derived, derive, derive_use  # noqa: F401  (derive stays importable from here)
from .evidence import check_basis
from .obligations import period_end

OUTCOMES = ["agreed", "explained", "open", "published only"]
COLUMNS = [
    "measure", "treaty", "basis", "as_of", "dated_by", "publisher", "published", "qualifier", "derived",
    "difference", "outcome", "states", "explanation", "source_url", "derived_states",
]  # fmt: skip
LIST_COLUMNS = [
    "list_id", "measure", "treaty", "basis", "as_of", "publisher", "published", "named", "derived", "difference",
    "outcome", "states", "explanation", "source_url",
]  # fmt: skip
STATE_COLUMNS = ["list_id", "as_of", "basis", "iso3", "published", "derived", "outcome", "explanation", "source_url"]


def basis_of(row: dict) -> str:
    """The counting basis of a published row: its own, else the secretariats' for a secretariat."""
    given = row.get("basis") or ("treaty" if (row.get("publisher") or "") in ("ISU", "CCM-ISU", "UN") else "monitor")
    return check_basis(given)


def _notes_for(notes: pd.DataFrame, measure: str, treaty: str | None, on: date, basis: str) -> list[dict]:
    """The notes that apply to a measure, treaty, as-of date and basis (a note without a basis: any)."""
    if notes is None or notes.empty:
        return []
    hit = notes[(notes["measure"] == measure) & (notes["treaty"].fillna("") == (treaty or ""))]
    return [
        r
        for r in treaties._records(hit)
        if obligations.period_start(r["from"]) <= on <= period_end(r["to"]) and (r.get("basis") or basis) == basis
    ]


def _named(notes: list[dict]) -> dict[str, dict]:
    """'+XXX' / '-XXX' -> the note that names that state with that sign."""
    out = {}
    for note in notes:
        for code in (note.get("states") or "").split():
            out.setdefault(code, note)
    return out


def _applied(got: Derived, notes: list[dict]) -> tuple[list[str], list[dict]]:
    """The signed codes of the notes that change the engine's list (a note's `-XXX` for a state the engine
    counts, `+XXX` for one it does not), and the notes they come from."""
    codes, used = [], []
    for code, note in _named(notes).items():
        if (code[0] == "-") == (code[1:] in got.states):
            codes.append(code)
            if note not in used:
                used.append(note)
    return codes, used


def _adjusted(got: Derived, notes: list[dict]) -> set[str]:
    """The engine's states as the publisher counts, by the notes: `-XXX` a state the publisher leaves out,
    `+XXX` one it counts that the tables do not (yet) hold as counted on that date."""
    states = set(got.states)
    for code in _named(notes):
        (states.discard if code.startswith("-") else states.add)(code[1:])
    return states


def _allowed(qualifier: str, diff: int) -> bool:
    """Does the published figure, with its qualifier, allow the derived one? (diff = published - derived)"""
    return {
        "": diff == 0,
        "at least": diff <= 0,
        "more than": diff < 0,
        "fewer than": diff > 0,
        "about": abs(diff) <= 1,
        "up to": diff >= 0,
    }.get(qualifier, diff == 0)


def _as_of(r: dict) -> tuple[date | None, str]:
    on, dated_by = period_end(r.get("as_of")), "as of"
    if on is None and r.get("edition"):  # no date printed: the edition's year end
        on, dated_by = date(int(r["edition"][-4:]), 12, 31), "edition year"
    return on, dated_by


def reconcile(data, first_year: int | None = None, last_year: int | None = None) -> pd.DataFrame:
    """Every published count against the derived one on its basis: outcome, difference, the states it is
    made of."""
    rows = []
    for r in treaties._records(data.published_counts):
        on, dated_by = _as_of(r)
        if on is None or (first_year and on.year < first_year) or (last_year and on.year > last_year):
            continue
        treaty, basis = r.get("treaty"), basis_of(r)
        if r["measure"].startswith("use_"):
            got = derive_use(data, r["measure"], r.get("edition"))
        else:
            got = derive(data, r["measure"], treaty, on, basis)
        row = {
            "measure": r["measure"], "treaty": treaty or "", "basis": basis, "as_of": on, "dated_by": dated_by,
            "publisher": r["publisher"] + (f" {r['edition']}" if r.get("edition") else ""),
            "published": r["value"], "qualifier": r.get("qualifier") or "", "derived": got.count,
            "difference": None, "outcome": "published only", "states": "",
            "explanation": "the cited tables do not hold a complete list for this count",
            "source_url": r["source_url"], "derived_states": "",
        }  # fmt: skip
        if got.count is not None:
            listed = sorted((r.get("states") or "").split())
            row["difference"] = int(r["value"]) - got.count
            row |= _judge_count(r, got, listed, _notes_for(data.reconciliation_notes, r["measure"], treaty, on, basis))
            row["derived_states"] = " ".join(got.states)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _judge_count(r: dict, got: Derived, listed: list[str], notes: list[dict]) -> dict:
    """agreed / explained / open for one published count. Where the publisher names the states, the sets must
    match too. `states` says what the difference is made of, as the publisher counts."""
    qualifier, value = r.get("qualifier") or "", int(r["value"])
    if _allowed(qualifier, value - got.count) and (not listed or set(listed) == set(got.states)):
        return {"outcome": "agreed", "explanation": "", "states": ""}
    if listed:
        extra, missing = sorted(set(got.states) - set(listed)), sorted(set(listed) - set(got.states))
        states = " ".join([*(f"-{c}" for c in extra), *(f"+{c}" for c in missing)])
    else:
        states = " ".join(got.undetermined)
    if notes and listed:  # a count that names its states: each state that differs needs its own note
        named = _named(notes)
        if states and all(code in named for code in states.split()):
            used = list({id(named[c]): named[c] for c in states.split()}.values())
            return {"outcome": "explained", "explanation": " ".join(n["explanation"] for n in used), "states": states}
    if notes and not listed:
        adjusted = _adjusted(got, notes)
        if _allowed(qualifier, value - len(adjusted)):
            codes, used = _applied(got, notes)
            return {
                "outcome": "explained",
                "explanation": " ".join(n["explanation"] for n in used),
                "states": " ".join(codes),
            }
    return {"outcome": "open", "explanation": "", "states": states}


def reconcile_lists(data, first_year: int | None = None, last_year: int | None = None):
    """Every published list against the engine's list on its date and basis.

    Returns (lists, states): one row per list (outcome, published and derived counts, the differences) and
    one row per state named by either side (agreed, explained with its note, or open)."""
    lists, states = [], []
    published = data.published_lists
    for list_id, group in published.groupby("list_id", sort=False):
        rows = treaties._records(group)
        r = rows[0]
        on, _ = _as_of(r)
        if on is None or (first_year and on.year < first_year) or (last_year and on.year > last_year):
            continue
        basis = basis_of(r)
        named = sorted({x["iso3"] for x in rows if x.get("iso3")})
        if _partial(list_id, r):  # a partial list may name signatories too: only States Parties are compared
            since = obligations.bound_dates(data.treaty_events, r["treaty"], basis)
            named = [c for c in named if c in since and since[c][0] <= on]
        count = int(r["count"]) if r.get("count") not in (None, "") and not pd.isna(r["count"]) else None
        got = derive(data, r["measure"], r.get("treaty"), on, basis)
        notes = _notes_for(data.reconciliation_notes, r["measure"], r.get("treaty"), on, basis)
        row, per_state = _judge_list(list_id, r, on, basis, named, count, got, notes)
        lists.append(row)
        states.extend(per_state)
    return pd.DataFrame(lists, columns=LIST_COLUMNS), pd.DataFrame(states, columns=STATE_COLUMNS)


def _judge_list(list_id, r: dict, on: date, basis: str, named: list[str], count, got: Derived, notes: list[dict]):
    base = {
        "list_id": list_id, "measure": r["measure"], "treaty": r.get("treaty") or "", "basis": basis, "as_of": on,
        "publisher": r["publisher"] + (f" {r['edition']}" if r.get("edition") else ""),
        "published": count if count is not None else len(named), "named": len(named), "derived": got.count,
        "source_url": r["source_url"],
    }  # fmt: skip
    if got.count is None:
        return base | {"difference": None, "outcome": "published only", "states": "", "explanation": ""}, []
    partial = _partial(list_id, r)
    complete = not partial and (count is None or count == len(named))
    by_code = _named(notes)
    per_state, used = [], []
    derived = set(got.states)
    shown = sorted(set(named) | (derived if complete and named else set()))
    for iso3 in shown:
        in_pub, in_der = iso3 in named, iso3 in derived
        outcome, note = "agreed", None
        if in_pub != in_der:
            note = by_code.get(("-" if in_der else "+") + iso3)
            outcome = "explained" if note else "open"
            if note:
                used.append(note)
        per_state.append(
            {"list_id": list_id, "as_of": on, "basis": basis, "iso3": iso3, "published": in_pub, "derived": in_der,
             "outcome": outcome, "explanation": note["explanation"] if note else "",
             "source_url": note["source_url"] if note else ""}
        )  # fmt: skip
    open_states = [s["iso3"] for s in per_state if s["outcome"] == "open"]
    diff_codes = [("-" if s["derived"] else "+") + s["iso3"] for s in per_state if s["outcome"] != "agreed"]
    difference = base["published"] - got.count
    count_open = False
    if not partial and (not complete or not named):  # the count itself: by the notes' named states
        qualifier = r.get("qualifier") or ""
        if not _allowed(qualifier, difference):
            adjusted = _adjusted(got, notes)
            count_open = not _allowed(qualifier, base["published"] - len(adjusted))
            if not count_open:
                diff_codes, applied = _applied(got, notes)
                used.extend(n for n in applied if n not in used)
            else:
                diff_codes.extend(f"?{c}" for c in got.undetermined)
    outcome = "open" if open_states or count_open else ("explained" if used else "agreed")
    explanation = " ".join(dict.fromkeys(n["explanation"] for n in used))
    return base | {"difference": difference, "outcome": outcome, "states": " ".join(diff_codes),
                   "explanation": explanation}, per_state  # fmt: skip


def _partial(list_id: str, r: dict) -> bool:
    """A list that names only part of its set: the states that took the floor at a meeting (its id ends in
    "-partial", or its note begins "PARTIAL"). Each state it names must be on the engine's list; the engine's
    other states are no difference."""
    return list_id.endswith("-partial") or re.match(r"(possibly )?partial\b", r.get("note") or "", re.I) is not None


def summary(table: pd.DataFrame) -> str:
    counts = table["outcome"].value_counts()
    return ", ".join(f"{counts.get(o, 0)} {o}" for o in OUTCOMES if counts.get(o, 0)) or "no published counts"


def by_year_and_basis(lists: pd.DataFrame) -> pd.DataFrame:
    """Lists reconciled per as-of year and basis: how many agreed, explained, open."""
    if lists.empty:
        return pd.DataFrame(columns=["year", "basis", *OUTCOMES])
    table = lists.assign(year=lists["as_of"].map(lambda d: d.year))
    out = table.groupby(["year", "basis", "outcome"]).size().unstack("outcome", fill_value=0)
    return out.reindex(columns=OUTCOMES, fill_value=0).reset_index()
