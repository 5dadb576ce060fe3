"""Where one obligation stands on a date: the status rules, applied to one state's merged evidence.

`position()` decides pending, extended, completed (on time or late), missed or undetermined from the
evidence dated on or before the date only (see obligations.py for the rules and evidence.py for the dating).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..data.countries import name_of
from . import treaties
from .evidence import Evidence, StateRecord, fill_unknown_deadlines

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
OPEN = ("pending", "extended", "missed_outstanding")

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
    "basis",
    "reopened",
]


@dataclass
class Position:
    """Where one obligation stands on a date."""

    deadline: date | None
    extensions: int
    completed: date | None
    status: str
    reason: str
    reopened: date | None = None  # a declared completion that later evidence re-opened (still counts as declared)


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


def _completion(rec: StateRecord, on: date) -> tuple[date | None, date | None, list, list]:
    """(completed, re-opened completion, extensions moving the deadline since, reports of work left since)
    from the completions decided by `on`."""
    done = [e for e in rec.completions if e.decides(on)]
    if not done:
        return None, None, [], []
    last = max(done, key=lambda e: e.known_from)
    # a later extension re-opens it (a source quoting the old deadline after a completion does not: the
    # Monitor's deadline boxes outlive completions; its own findings of work left are rows marked monitor)
    moved = [
        e
        for e in rec.extensions
        if e.decides(on) and _recency(e)[0] > last.known_from and e.deadline and e.deadline > last.known_from
    ]
    found = [e for e in rec.declared if e.decides(on) and (e.possible_from or e.known_from) > last.known_from]
    if moved or found:
        return None, last.known_from, moved, found
    # the obligation was met by the first completion since it was last opened; later rows restating that it is
    # done (a campaign's list of states that no longer hold stocks) do not move the date
    opened = [e.possible_from or e.known_from for e in rec.declared if e.decides(on)]
    opened = [d for d in opened if d <= last.known_from]
    since = max(opened) if opened else None
    first = min((e for e in done if since is None or e.known_from > since), key=lambda e: e.known_from)
    return first.known_from, None, [], []


def position(rec: StateRecord, original: date | None, on: date, what: str) -> Position:
    """The status of one obligation on `on`, from decided evidence only, with a reason in words."""
    pos = _position(rec, original, on, what)
    pos.reopened = _completion(rec, on)[1]
    return pos


def _position(rec: StateRecord, original: date | None, on: date, what: str) -> Position:
    fill_unknown_deadlines(rec)
    deadline, source = _deadline_on(original, rec, on)
    n_ext = sum(1 for e in rec.extensions if e.decides(on))
    if n_ext == 0 and deadline is not None and original is not None and deadline > original:
        n_ext = 1  # a deadline in force beyond the original one was extended, even if the decision is undated
    completed, reopened, moved, found = _completion(rec, on)
    notes = []
    if source is not None and source.deadline_note:
        notes.append(source.deadline_note)
    reopened_by = ""
    if reopened:
        if moved:
            reopened_by = "a later extension"
        else:
            reopened_by = _reopened_by(found[0], what)
    if reopened_by:
        notes.append(f"declared complete on {reopened:%d %B %Y}, re-opened by {reopened_by}")
    if completed is not None:
        at_completion, _ = _deadline_on(original, rec, completed)
        at_completion = at_completion or deadline
        late_find = _found_after_deadline(rec, at_completion, completed) if what == "clearance" else None
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
    late_find = _found_after_deadline(rec, deadline, on) if what == "clearance" else None
    if late_find is None and reopened and deadline is not None and deadline < on:
        if not any(e.decides(on) and e.known_from > reopened for e in rec.extensions):
            reason = (
                f"declared complete on {reopened:%d %B %Y}; re-opened by {reopened_by} after the {what} deadline "
                f"of {deadline:%d %B %Y}: to be finished as soon as possible, no new deadline yet"
            )
            return Position(None, n_ext, None, "pending", "; ".join([reason, *notes[:-1]]))
    if late_find is not None:
        reason = (
            f"previously unknown mined area declared on {late_find:%d %B %Y}, after the {what} deadline of "
            f"{deadline:%d %B %Y}: to be cleared as soon as possible (decision of the 11th Meeting of the States "
            "Parties), no new deadline yet"
        )
        return Position(None, n_ext, None, "pending", "; ".join([reason, *notes]))
    # an extension decided later in a period that contains `on` does not apply yet (the old deadline stands
    # until the meeting decides); an undated one, or a completion that may already have happened, leaves it open
    pending_facts = [e for e in rec.extensions if e.undated] + [e for e in rec.completions if e.may_decide(on)]
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
    if deadline < on and what == "clearance" and not rec.extensions:
        silent = _silent_since(rec, deadline, on)
        if silent is not None:
            reason = (
                f"{what} deadline {deadline:%d %B %Y} passed; no extension was requested and the record holds "
                f"nothing on the state's mined areas since {silent:%d %B %Y}, so whether it was met is not on record"
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


def _silent_since(rec: StateRecord, deadline: date, on: date) -> date | None:
    """The date of the last evidence on a state's mined areas, when none is dated after its deadline (and by
    `on`): a record that stops before the deadline cannot say the deadline was missed (Malawi declared
    suspected areas in 2003; nothing later is on record). None when the record speaks after the deadline."""
    dated = [
        e.possible_from or e.known_from
        for e in rec.quotes + rec.declared + rec.residual + rec.completions
        if not e.undated and (e.possible_from or e.known_from) <= on
    ]
    if any(d > deadline for d in dated) or not dated:
        return None
    return max(dated)


def _reopened_by(found: Evidence, what: str) -> str:
    when = f"{found.possible_from or found.known_from:%d %B %Y}"
    if found.rows and found.rows[0].get("basis") == "monitor":
        return f"the Monitor's finding of {when} that work remains"
    if what == "clearance":
        return f"mined areas the state declared on {when}"
    return f"stock the state reported holding on {when}"


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


def history_row(iso3, treaty, eif, original, pos: Position, reason: str, basis: str) -> dict:
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
        "basis": basis,
        "reopened": pos.reopened,
    }


def bound_dates(events, treaty: str, basis: str) -> dict[str, tuple[date, date]]:
    """iso3 -> (the day a state counts as a State Party on `basis`, its entry into force). The treaty basis
    counts from entry into force, as the law does. The Cluster Munition Monitor lists a CCM State Party from its
    ratification or accession (the deposit of its instrument); the Landmine Monitor's lists count a State Party
    once bound (the ICBL's list of January 2018 leaves out Sri Lanka and Palestine, which joined in December
    2017)."""
    members = treaties.membership(events, treaty)
    out = {}
    for r in members.itertuples():
        if r.entry_into_force is None or pd.isna(r.entry_into_force):
            continue
        since = r.entry_into_force
        if basis == "monitor" and treaty == "CCM" and r.deposit is not None and not pd.isna(r.deposit):
            since = min(r.deposit, r.entry_into_force)
        out[r.iso3] = (since, r.entry_into_force)
    return out
