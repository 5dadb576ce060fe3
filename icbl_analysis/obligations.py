"""Obligation history: clearance (MBT Art. 5, CCM Art. 4) and stockpile destruction (MBT Art. 4,
CCM Art. 3) deadlines as they move with extensions, and their status on any date.

Three rules keep a status "as of D" honest:
- **Nothing later.** Only evidence dated on or before D decides a status. A row dated only to a month
  or a year decides dates from the end of that period; inside the period it leaves the state
  `undetermined`. A row with no date at all never decides anything: where it could change the
  status, the state is `undetermined` with the reason, never "missed".
- **One decision, one event.** Extensions are granted, and completions declared, at a named meeting.
  Rows citing the same decision (same treaty, state and meeting) are one event that keeps all its
  citations; a row dated only to the year of a meeting is dated by that meeting (`data/meetings.csv`).
- **Obligations follow treaty practice.** A clearance obligation comes from the state's declaration of
  mined areas (an original deadline on record), an extension or a completion; a Monitor mention of
  residual or new contamination alone never creates or re-opens one (it is kept as context).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

import pandas as pd

from . import treaties
from .countries import name_of
from .evidence import (  # noqa: F401  (period_start and period_end stay importable from here)
    Evidence,
    StateRecord,
    fill_unknown_deadlines,
    meeting_index,
    period_end,
    period_start,
    prepare,
)

OBLIGATION_STATUSES = [
    "not_applicable",
    "pending",
    "extended",
    "completed_on_time",
    "completed_late",
    "missed_outstanding",
    "undetermined",
]
COMPLETED = ("completed_on_time", "completed_late")

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


@dataclass
class Position:
    """Where one obligation stands on a date."""

    deadline: date | None
    extensions: int
    completed: date | None
    status: str
    reason: str


def _recency(e: Evidence) -> tuple:
    """Order of evidence in time. A decision counts from when it was taken; a quote of the deadline in
    force counts from the start of the period it is dated to (a source dated "2008" may predate the
    November 2008 decision, and must not undo it)."""
    when = e.known_from if e.kind == "extension_granted" else (e.possible_from or e.known_from)
    return (when, e.kind == "extension_granted", e.deadline_precision)


def _deadline_on(original: date | None, rec: StateRecord, on: date) -> tuple[date | None, Evidence | None]:
    """The deadline in force on `on`: the newest decided evidence (an extension, or a source quoting the
    deadline then in force), else the original deadline. Also the evidence it comes from."""
    decided = [e for e in rec.extensions + rec.quotes if e.decides(on)]
    if not decided:
        return original, None
    newest = max(decided, key=_recency)
    if newest.deadline is None:  # an extension whose new deadline no source states
        return None, newest
    return newest.deadline, newest


def position(rec: StateRecord, original: date | None, on: date, what: str) -> Position:
    """The status of one obligation on `on`, from decided evidence only, with a reason in words."""
    fill_unknown_deadlines(rec)
    deadline, source = _deadline_on(original, rec, on)
    n_ext = sum(1 for e in rec.extensions if e.decides(on))
    if n_ext == 0 and deadline is not None and original is not None and deadline > original:
        n_ext = 1  # a deadline in force beyond the original one was extended, even if the decision is undated
    done = [e for e in rec.completions if e.decides(on)]
    completed, reopened = None, None
    if done:
        last = max(done, key=lambda e: e.known_from)
        moved = [
            e
            for e in rec.extensions + rec.quotes
            if e.decides(on) and _recency(e)[0] > last.known_from and e.deadline and e.deadline > last.known_from
        ]
        found = [e for e in rec.declared if e.decides(on) and (e.possible_from or e.known_from) > last.known_from]
        if moved or found:
            reopened = last.known_from
        else:
            completed = last.known_from
    notes = []
    if source is not None and source.deadline_note:
        notes.append(source.deadline_note)
    if reopened:
        by = "a later extension" if moved else f"mined areas the state declared on {found[0].known_from:%d %B %Y}"
        notes.append(f"declared complete on {reopened:%d %B %Y}, re-opened by {by}")
    if completed is not None:
        at_completion, _ = _deadline_on(original, rec, completed)
        at_completion = at_completion or deadline
        late_find = _found_after_deadline(rec, at_completion, completed)
        if late_find is not None:
            reason = (
                f"previously unknown mined area declared on {late_find:%d %B %Y}, after the deadline of "
                f"{at_completion:%d %B %Y}, cleared and declared complete {completed:%d %B %Y}"
            )
            return Position(None, n_ext, completed, "completed_on_time", "; ".join([reason, *notes]))
        if at_completion is None or completed <= at_completion:
            status = "completed_on_time"
            reason = f"{what} completed {completed:%d %B %Y}" + (
                f", deadline {at_completion:%d %B %Y}" if at_completion else ""
            )
        else:
            status = "completed_late"
            reason = f"{what} completed {completed:%d %B %Y}, after the deadline of {at_completion:%d %B %Y}"
        return Position(at_completion, n_ext, completed, status, "; ".join([reason, *notes]))
    late_find = _found_after_deadline(rec, deadline, on)
    if late_find is not None:
        reason = (
            f"previously unknown mined area declared on {late_find:%d %B %Y}, after the {what} deadline of "
            f"{deadline:%d %B %Y}: to be cleared as soon as possible (decision of the 11th Meeting of the States "
            "Parties), no new deadline yet"
        )
        return Position(None, n_ext, None, "pending", "; ".join([reason, *notes]))
    pending_facts = [e for e in rec.extensions + rec.completions if e.may_decide(on)]
    if deadline is None and source is not None:
        reason = f"{what} deadline extended at {source.when_text()}; the new deadline is not in the data"
        return Position(None, n_ext, None, "undetermined", "; ".join([reason, *notes]))
    if deadline is None:
        return Position(None, n_ext, None, "not_applicable", f"no {what} deadline")
    if deadline < on and pending_facts:
        undated = [e for e in pending_facts if e.undated]
        what_is = "; ".join(
            f"{'an undated ' if e.undated else 'a '}{e.kind.replace('_', ' ')}"
            + ("" if e.undated else f" dated only to {e.rows[0].get('date')}")
            + f" ({e.rows[0].get('source_url')})"
            for e in (undated or pending_facts)[:2]
        )
        reason = (
            f"{what} deadline {deadline:%d %B %Y} passed; the record holds {what_is}, "
            "so the status on this date is open"
        )
        return Position(deadline, n_ext, None, "undetermined", "; ".join([reason, *notes]))
    if deadline < on:
        reason = f"{what} deadline {deadline:%d %B %Y} passed without completion"
        return Position(deadline, n_ext, None, "missed_outstanding", "; ".join([reason, *notes]))
    days = (deadline - on).days
    if n_ext:
        reason = f"{what} deadline {deadline:%d %B %Y} after {n_ext} extension(s); {days} days left"
        return Position(deadline, n_ext, None, "extended", "; ".join([reason, *notes]))
    return Position(
        deadline, 0, None, "pending", "; ".join([f"{what} deadline {deadline:%d %B %Y}; {days} days left", *notes])
    )


def _found_after_deadline(rec: StateRecord, deadline: date | None, on: date) -> date | None:
    """The date a State Party declared a previously unknown mined area after its deadline had passed, when no
    extension has been decided since (Germany and Hungary, 2011); else None."""
    if deadline is None or deadline >= on:
        return None
    found = [e.possible_from or e.known_from for e in rec.declared if e.decides(on)]
    found = [d for d in found if d > deadline]
    if not found:
        return None
    since = [e for e in rec.extensions if e.decides(on) and e.known_from >= min(found)]
    return None if since else min(found)


def _has_clearance_obligation(rec: StateRecord, on: date) -> bool:
    """A declaration of mined areas (an original deadline on record), or an extension, completion or quoted
    deadline dated on or before `on` (or undated); residual-contamination mentions alone do not count, and a
    state that reported no mined areas (Cameroon, Mali) has none unless it later declared some."""
    none_reported = [r for r in rec.other if r["event"] == "no_mined_areas_reported"]
    if rec.originals and not none_reported:
        return True
    for e in rec.extensions + rec.completions + rec.declared + ([] if none_reported else rec.quotes):
        if e.undated or e.possible_from is None or e.possible_from <= on:
            return True
    return False


def history(data, treaty: str, kind: str, on) -> pd.DataFrame:
    """Every `kind` ("clearance" or "stockpile") obligation under `treaty` and its position on `on`, from the
    tables of `data` (a ReviewData), computed once per date."""
    func, table = (
        (clearance_history, data.clearance_events)
        if kind == "clearance"
        else (stockpile_history, data.stockpile_events)
    )
    return data.cached(
        ("history", treaty, kind, on), partial(func, data.treaty_events, table, treaty, on, data.meetings)
    )


def clearance_history(
    events: pd.DataFrame, clearance: pd.DataFrame, treaty: str, on, meetings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every state with a clearance obligation under `treaty` and its position on date `on`, from evidence
    dated on or before `on`.

    Columns: iso3, state, treaty, entry_into_force, original_deadline, deadline, extensions, completed,
    status, days_to_deadline, reason.
    """
    on = treaties.as_date(on)
    eifs = _entry_into_force(events, treaty)
    rows = []
    for iso3, rec in prepare(clearance, treaty, meetings, "completion_declared").items():
        eif = eifs.get(iso3)
        if eif is None or eif > on or not _has_clearance_obligation(rec, on):
            continue
        original = treaties.clearance_deadline(treaty, eif)
        pos = position(rec, original, on, "clearance")
        reason = pos.reason
        residual = [
            e.known_from
            for e in rec.residual
            if e.decides(on) and (pos.completed is None or e.known_from > pos.completed)
        ]
        if residual:
            reason += f"; residual or new contamination reported ({max(residual):%Y})"
        row = _history_row(iso3, treaty, eif, original, pos, reason)
        rows.append(
            row | {"days_to_deadline": (pos.deadline - on).days if pos.deadline and not pos.completed else None}
        )
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def _history_row(iso3, treaty, eif, original, pos: Position, reason: str) -> dict:
    return {
        "iso3": iso3,
        "state": name_of(iso3),
        "treaty": treaty,
        "entry_into_force": eif,
        "original_deadline": original,
        "deadline": pos.deadline,
        "extensions": pos.extensions,
        "completed": pos.completed,
        "status": pos.status,
        "reason": reason,
    }


def _entry_into_force(events: pd.DataFrame, treaty: str) -> dict[str, date]:
    members = treaties.membership(events, treaty)
    return {r.iso3: r.entry_into_force for r in members.itertuples() if r.entry_into_force is not None}


def stockpile_history(
    events: pd.DataFrame, stockpile: pd.DataFrame, treaty: str, on, meetings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every State Party with a recorded stockpile under `treaty` and its destruction status on `on`.

    A completion reported before a recorded missed deadline was partial (Belarus destroyed its
    non-PFM mines in 2006, then missed its 2008 deadline): only completions after it count.
    """
    on = treaties.as_date(on)
    eifs = _entry_into_force(events, treaty)
    rows = []
    for iso3, rec in prepare(stockpile, treaty, meetings, "destruction_completed").items():
        if not (rec.completions or rec.extensions or any(r["event"] != "no_stockpile_declared" for r in rec.other)):
            continue
        eif = eifs.get(iso3)
        if eif is None or eif > on:
            continue
        missed = [period_end(r["date"]) for r in rec.other if r["event"] == "deadline_missed" and r.get("date")]
        missed = [d for d in missed if d <= on]
        if missed:  # completions before a recorded missed deadline were partial
            rec = StateRecord(
                rec.iso3, rec.extensions, [e for e in rec.completions if e.undated or e.known_from > max(missed)],
                rec.quotes, rec.originals, rec.residual, rec.declared, rec.other,
            )  # fmt: skip
        original = treaties.stockpile_deadline(treaty, eif)
        unknown = _previously_unknown(rec, on)
        if unknown == "not yet known":
            continue
        pos = unknown if isinstance(unknown, Position) else position(rec, original, on, "stockpile destruction")
        quantities = [
            r["quantity"]
            for e in rec.completions
            if e.decides(on)
            for r in e.rows
            if r.get("quantity") is not None and not pd.isna(r["quantity"])
        ]
        row = _history_row(iso3, treaty, eif, original, pos, pos.reason)
        rows.append(row | {"quantity_destroyed": max(quantities) if quantities else None})
    return pd.DataFrame(rows, columns=[*HISTORY_COLUMNS[:-2], "reason", "quantity_destroyed"])


def _previously_unknown(rec: StateRecord, on: date):
    """A stockpile found after the state declared it had none (Iraq 2009, Cote d'Ivoire 2012): the original
    deadline does not apply; it is destroyed as soon as possible. Returns "not yet known" before the first
    evidence of the stock, a Position once it is known, or None when the case does not apply."""
    none_declared = [
        period_end(r["date"]) for r in rec.other if r["event"] == "no_stockpile_declared" and r.get("date")
    ]
    if not none_declared or min(none_declared) > on:
        return None
    declared = min(none_declared)
    evidence = [e.known_from for e in rec.completions if not e.undated] + [
        period_end(r["date"]) for r in rec.other if r["event"] == "remaining_stockpile" and r.get("date")
    ]
    later = [d for d in evidence if d > declared]
    if not later:
        return None
    found = min(later)
    if found > on:
        return "not yet known"
    done = [e.known_from for e in rec.completions if e.decides(on) and e.known_from > declared]
    if done:
        return Position(
            None, 0, max(done), "completed_on_time",
            f"previously unknown stockpile (none declared on {declared:%d %B %Y}); destruction completed "
            f"{max(done):%d %B %Y}",
        )  # fmt: skip
    return Position(
        None, 0, None, "pending",
        f"previously unknown stockpile reported by {found:%d %B %Y} (none declared on {declared:%d %B %Y}); to be "
        "destroyed as soon as possible, no treaty deadline",
    )  # fmt: skip


def no_stockpile(stockpile: pd.DataFrame, treaty: str, on) -> list[str]:
    """States that declared they held no stockpile, by `on` (undated declarations included)."""
    on = treaties.as_date(on)
    rows = stockpile[(stockpile["treaty"] == treaty) & (stockpile["event"] == "no_stockpile_declared")]
    return sorted({r.iso3 for r in rows.itertuples() if period_end(r.date) is None or period_end(r.date) <= on})


def extension_events(clearance: pd.DataFrame, treaty: str, meetings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every extension decision, one row per (state, decision), with its date, meeting, new deadline and
    how many source rows cite it."""
    rows = []
    for iso3, rec in prepare(clearance, treaty, meetings, "completion_declared").items():
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
    clearance: pd.DataFrame, treaty: str, meetings: pd.DataFrame | None = None, events: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every completion declaration, one row per (state, declaration): date (None when undated), meeting, and
    whether it counts as a new declaration (a repeat counts only after the obligation was re-opened by the
    state's own declaration of mined areas or an extension). With the treaty `events`, a clearance finished
    before the treaty bound the state (El Salvador, 1994) is no Article 5 completion and is left out."""
    eifs = _entry_into_force(events, treaty) if events is not None else {}
    rows = []
    for iso3, rec in prepare(clearance, treaty, meetings, "completion_declared").items():
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
) -> pd.DataFrame:
    """States that declared completion in each year: a state's first declaration, and a new one after its
    obligation was re-opened (Burundi 2011 and 2014); a formal declaration repeating an earlier one is not
    counted again. `cumulative`: states that ever declared completion by the year's end."""
    table = completion_events(clearance, treaty, meetings, events).dropna(subset=["declared"])
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


def retained_by_state(retained: pd.DataFrame, year: int) -> pd.DataFrame:
    """Mines each state declared retained for `year` (Monitor edition first where several sources)."""
    rows = retained[retained["year"] == year]
    rows = rows.sort_values(["iso3", "edition"], na_position="last").drop_duplicates("iso3")
    return rows[["iso3", "state", "year", "quantity", "qualifier", "edition", "source_url"]].reset_index(drop=True)
