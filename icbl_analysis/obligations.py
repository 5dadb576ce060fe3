"""Obligation history: clearance (MBT Art. 5, CCM Art. 4) and stockpile destruction
(MBT Art. 4, CCM Art. 3) deadlines as they move with extensions, and their status on any date."""

from __future__ import annotations

import calendar
from datetime import date

import pandas as pd

from . import treaties

OBLIGATION_STATUSES = [
    "not_applicable",
    "pending",
    "extended",
    "completed_on_time",
    "completed_late",
    "missed_outstanding",
]


def period_end(text: str | None) -> date | None:
    """'2002' -> 31 Dec 2002, '2002-04' -> 30 Apr 2002, '2002-04-11' -> that day."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    if isinstance(text, date):
        return text
    parts = [int(p) for p in str(text).split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts)


def _prepared(frame: pd.DataFrame, treaty: str) -> dict[str, list[dict]]:
    """Rows of one treaty per state, dates parsed (partial dates to the end of their period), remembered
    per table so that a review asking for many dates parses them once."""
    key = (id(frame), treaty)
    hit = _PREPARED.get(key)
    if hit is not None and hit[0] is frame:
        return hit[1]
    by_state: dict[str, list[dict]] = {}
    for row in treaties._records(frame[frame["treaty"] == treaty]):
        raw = row.get("deadline")
        row["_precision"] = len(raw) if isinstance(raw, str) else 0
        row["when"] = period_end(row.get("date"))
        row["deadline"] = period_end(raw)
        by_state.setdefault(row["iso3"], []).append(row)
    if len(_PREPARED) > 16:
        _PREPARED.clear()
    _PREPARED[key] = (frame, by_state)
    return by_state


_PREPARED: dict = {}


def _deadline_in_force(original: date | None, evidence: list[dict], on: date) -> tuple[date | None, int]:
    """The deadline in force on `on`: the newest dated evidence (an extension granted, or a source
    quoting the deadline in force) on or before `on`, else the original deadline. Also returns the
    number of extensions granted by then (at least one when the deadline has moved)."""
    known = [r for r in evidence if r["when"] is not None and r["when"] <= on]
    dated = [r for r in known if r["deadline"] is not None]
    deadline = original
    if dated:  # same day: the most precise deadline wins
        deadline = max(dated, key=lambda r: (r["when"], r["_precision"], r["deadline"]))["deadline"]
    n_ext = len({r["when"] for r in known if r["event"] == "extension_granted"})
    if deadline is not None and original is not None and deadline > original:
        n_ext = max(n_ext, 1)
    return deadline, n_ext


def _completion(hist: list[dict], evidence: list[dict], on: date) -> tuple[date | None, date | None]:
    """(completion date in force on `on`, or None; an earlier completion later re-opened, or None)."""
    done = [
        r["when"] for r in hist if r["event"] == "completion_declared" and r["when"] is not None and r["when"] <= on
    ]
    if not done:
        return None, None
    completed = max(done)
    later = [r for r in evidence if r["when"] is not None and completed < r["when"] <= on and r["deadline"] is not None]
    if any(r["deadline"] > completed for r in later):
        return None, completed
    return completed, None


def clearance_history(events: pd.DataFrame, clearance: pd.DataFrame, treaty: str, on) -> pd.DataFrame:
    """Every state with a clearance obligation under `treaty` and its position on date `on`.

    Columns: iso3, state, treaty, entry_into_force, original_deadline, deadline, extensions,
    completed, status, days_to_deadline, reason.
    """
    on = treaties.as_date(on)
    eifs = _entry_into_force(events, treaty)
    rows = []
    for iso3, hist in sorted(_prepared(clearance, treaty).items()):
        eif = eifs.get(iso3)
        if eif is None or eif > on:
            continue
        original = treaties.clearance_deadline(treaty, eif)
        evidence = [r for r in hist if r["event"] in ("extension_granted", "deadline_in_force_quoted")]
        deadline, n_ext = _deadline_in_force(original, evidence, on)
        completed, reopened = _completion(hist, evidence, on)
        status, reason = _status(completed, deadline, n_ext, on, "clearance")
        if reopened:
            reason += f"; declared complete on {reopened:%d %B %Y}, re-opened by a later extension"
        residual = [
            r["when"]
            for r in hist
            if r["event"] == "residual_contamination_reported"
            and r["when"] is not None
            and r["when"] <= on
            and (completed is None or r["when"] > completed)
        ]
        if residual:
            reason += f"; residual or new contamination reported ({max(residual):%Y})"
        row = _history_row(iso3, treaty, eif, original, deadline, n_ext, completed, status, reason)
        rows.append(row | {"days_to_deadline": (deadline - on).days if deadline and not completed else None})
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def _history_row(iso3, treaty, eif, original, deadline, n_ext, completed, status, reason) -> dict:
    from .countries import name_of

    return {
        "iso3": iso3,
        "state": name_of(iso3),
        "treaty": treaty,
        "entry_into_force": eif,
        "original_deadline": original,
        "deadline": deadline,
        "extensions": n_ext,
        "completed": completed,
        "status": status,
        "reason": reason,
    }


def _entry_into_force(events: pd.DataFrame, treaty: str) -> dict[str, date]:
    members = treaties.membership(events, treaty)
    return {r.iso3: r.entry_into_force for r in members.itertuples() if r.entry_into_force is not None}


HISTORY_COLUMNS = [
    "iso3",
    "state",
    "treaty",
    "entry_into_force",
    "original_deadline",
    "deadline",
    "extensions",
    "completed",
    "status",
    "days_to_deadline",
    "reason",
]


def _status(completed: date | None, deadline: date | None, n_ext: int, on: date, what: str) -> tuple[str, str]:
    if completed is not None:
        if deadline is None or completed <= deadline:
            return "completed_on_time", f"{what} completed {completed:%d %B %Y}, deadline {deadline:%d %B %Y}"
        return "completed_late", f"{what} completed {completed:%d %B %Y}, after the deadline of {deadline:%d %B %Y}"
    if deadline is None:
        return "not_applicable", f"no {what} deadline"
    if deadline < on:
        return "missed_outstanding", f"{what} deadline {deadline:%d %B %Y} passed without completion"
    days = (deadline - on).days
    if n_ext:
        return "extended", f"{what} deadline {deadline:%d %B %Y} after {n_ext} extension(s); {days} days left"
    return "pending", f"{what} deadline {deadline:%d %B %Y}; {days} days left"


def stockpile_history(events: pd.DataFrame, stockpile: pd.DataFrame, treaty: str, on) -> pd.DataFrame:
    """Every State Party with a recorded stockpile under `treaty` and its destruction status on `on`.

    A completion reported before a recorded missed deadline was partial (Belarus destroyed its
    non-PFM mines in 2006, then missed its 2008 deadline): only completions after it count.
    """
    on = treaties.as_date(on)
    eifs = _entry_into_force(events, treaty)
    rows = []
    for iso3, hist in sorted(_prepared(stockpile, treaty).items()):
        if all(r["event"] == "no_stockpile_declared" for r in hist):
            continue
        eif = eifs.get(iso3)
        if eif is None or eif > on:
            continue
        original = treaties.stockpile_deadline(treaty, eif)
        deadline, n_ext = _deadline_in_force(original, [r for r in hist if r["event"] == "extension_granted"], on)
        dated = [r for r in hist if r["when"] is not None and r["when"] <= on]
        missed = [r["when"] for r in dated if r["event"] == "deadline_missed"]
        after = max(missed) if missed else date.min
        done = [r for r in dated if r["event"] == "destruction_completed" and r["when"] > after]
        completed = min(r["when"] for r in done) if done else None
        quantities = [r["quantity"] for r in done if r["quantity"] is not None and not pd.isna(r["quantity"])]
        status, reason = _status(completed, deadline, n_ext, on, "stockpile destruction")
        row = _history_row(iso3, treaty, eif, original, deadline, n_ext, completed, status, reason)
        rows.append(row | {"quantity_destroyed": max(quantities) if quantities else None})
    return pd.DataFrame(rows)


def completions_by_year(frame: pd.DataFrame, event: str, treaty: str, years, date_column: str = "date") -> pd.DataFrame:
    """Number of distinct states with `event` (e.g. completion_declared) in each year."""
    hist = frame[(frame["treaty"] == treaty) & (frame["event"] == event)].copy()
    hist["year"] = hist[date_column].map(lambda d: period_end(d).year if period_end(d) is not None else None)
    first = hist.dropna(subset=["year"]).sort_values("year").drop_duplicates("iso3")
    rows = []
    for year in years:
        names = sorted(first.loc[first["year"] == year, "iso3"])
        rows.append(
            {"year": year, "count": len(names), "states": names, "cumulative": int((first["year"] <= year).sum())}
        )
    return pd.DataFrame(rows)


def retained_by_state(retained: pd.DataFrame, year: int) -> pd.DataFrame:
    """Mines each state declared retained for `year` (Monitor edition first where several sources)."""
    rows = retained[retained["year"] == year]
    rows = rows.sort_values(["iso3", "edition"], na_position="last").drop_duplicates("iso3")
    return rows[["iso3", "state", "year", "quantity", "qualifier", "edition", "source_url"]].reset_index(drop=True)
