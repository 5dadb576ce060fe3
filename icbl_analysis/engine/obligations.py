"""Obligation history: clearance (MBT Art. 5, CCM Art. 4) and stockpile destruction (MBT Art. 4,
CCM Art. 3) deadlines as they move with extensions, and their status on any date, on a counting basis.

Rules that keep a status "as of D" honest:
- **Nothing later.** Only evidence dated on or before D decides a status. A row dated only to a month
  or a year decides dates from the end of that period; inside the period it leaves the state
  `undetermined`. A row with no date at all never decides anything: where it could change the
  status, the state is `undetermined` with the reason, never "missed". A source published after D may
  document an event before D (the terms of a decision, the date of a declaration); an event after D never
  changes a status on D.
- **One decision, one event.** Extensions are granted, and completions declared, at a named meeting.
  Rows citing the same decision (same treaty, state and meeting) are one event that keeps all its
  citations; a row dated only to the year of a meeting is dated by that meeting (`data/meetings.csv`).
- **From the day the state became bound.** A clearance obligation runs from the state's entry into force
  where it declared mined areas under its original deadline: its record shows a declaration of mined areas,
  an extension, a quoted deadline or a completion that is not a later find (later evidence documents the
  earlier declaration). A state that first reported no mined areas (Cameroon, Gambia in 2002), or that
  declared an area only after its original deadline (Germany and Hungary, 2011), owes clearance from that
  declaration. A Monitor mention of residual contamination alone never creates or re-opens an obligation.
- **Counting bases.** `basis="treaty"` (the default) counts what the States Parties declared and the
  meetings decided, from entry into force, as the treaty secretariats count; `basis="monitor"` counts as the
  Monitor does: States Parties from the deposit of their instrument (the Monitor lists a state from its
  ratification), completions from the date the work finished, and the Monitor's own findings (rows marked
  `monitor`, e.g. a State Party it still counts as mine-affected after its declaration of completion).
- **Contradicting reports.** A state's later report that contradicts its earlier one is kept beside it and
  decides from its own date; nothing is rewritten backwards. Stock (or mined area) a State Party reports
  after declaring completion re-opens the obligation from that report, and a later completion closes it
  again; stock reported after a declaration of holding none is a previously unknown stockpile, destroyed as
  soon as possible (no treaty deadline applies to it).

The functions here return one row per state; `stockpiles.py` holds the stockpile rules and
`decisions.py` the tables of extension and completion decisions.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd

from . import treaties
from .decisions import completion_events, completions_by_year, extension_events  # noqa: F401
from .evidence import (  # noqa: F401  (period_start and period_end stay importable from here)
    BASES,
    BASIS_WORDS,
    Evidence,
    StateRecord,
    check_basis,
    fill_unknown_deadlines,
    meeting_index,
    period_end,
    period_start,
    prepare,
)
from .positions import (  # noqa: F401
    COMPLETED,
    HISTORY_COLUMNS,
    OBLIGATION_STATUSES,
    OPEN,
    Position,
    bound_dates,
    history_row,
    position,
)
from .stockpiles import completed_since, no_stockpile, retained_by_state, stockpile_history  # noqa: F401


def obliged_from(rec: StateRecord, bound: date, eif: date, original: date | None) -> date | None:
    """The day a state's clearance obligation began on its basis (`bound`: the day it counts as a State
    Party), or None when its record shows no declaration of mined areas."""
    none = [period_start(r["date"]) for r in rec.other if r["event"] == "no_mined_areas_reported" and r.get("date")]
    none_first = min(none) if none else None
    # a declaration of an area after the original deadline, or after a report of none, is a later find
    late = [
        e.possible_from
        for e in rec.declared
        if not e.undated
        and ((original is not None and e.possible_from > original) or (none_first and e.possible_from > none_first))
    ]
    first_late = min(late) if late else None
    evidence = [
        e
        for e in rec.extensions + rec.quotes + rec.completions + rec.declared
        if not (e.kind == "completion_declared" and not e.undated and e.known_from < eif)  # cleared before bound
    ]
    dated = sorted(e.possible_from or e.known_from for e in evidence if not e.undated)
    undated = any(e.undated for e in evidence)
    if none_first is not None and not any(d < none_first for d in dated):
        after = [d for d in dated if d >= none_first]
        return max(bound, min(after)) if after else None
    early = [d for d in dated if first_late is None or d < first_late]
    if early or (undated and first_late is None) or (rec.originals and first_late is None and none_first is None):
        return bound
    return max(bound, first_late) if first_late else None


def withdrawn_on(rec: StateRecord, on: date) -> date | None:
    """The date of a State Party's report of no mined areas that ends its obligation on `on`: a report made
    after its declaration, with no completion before it and no declaration or extension since (Palau told the
    11th Meeting it had no Article 5 obligation, after declaring mined areas that year); else None."""
    none = [period_start(r["date"]) for r in rec.other if r["event"] == "no_mined_areas_reported" and r.get("date")]
    for report in sorted((d for d in none if d <= on), reverse=True):
        before = [e for e in rec.extensions + rec.declared + rec.quotes if not e.undated and e.possible_from < report]
        since = [e for e in rec.extensions + rec.declared if not e.undated and report < e.possible_from <= on]
        done = [e for e in rec.completions if e.decides(report)]
        if before and not since and not done:
            return report
        if since:
            return None
    return None


def history(data, treaty: str, kind: str, on, basis: str = "treaty") -> pd.DataFrame:
    """Every `kind` ("clearance" or "stockpile") obligation under `treaty` and its position on `on` on
    `basis` ("treaty" or "monitor"), from the tables of `data` (a ReviewData), computed once per date."""
    check_basis(basis)
    func, table = (
        (clearance_history, data.clearance_events)
        if kind == "clearance"
        else (stockpile_history, data.stockpile_events)
    )
    return data.cached(
        ("history", treaty, kind, on, basis),
        partial(func, data.treaty_events, table, treaty, on, data.meetings, basis=basis),
    )


def clearance_history(
    events: pd.DataFrame,
    clearance: pd.DataFrame,
    treaty: str,
    on,
    meetings: pd.DataFrame | None = None,
    basis: str = "treaty",
) -> pd.DataFrame:
    """Every state with a clearance obligation under `treaty` and its position on date `on`, from evidence
    dated on or before `on`, on `basis`.

    Columns: iso3, state, treaty, entry_into_force, original_deadline, deadline, extensions, completed,
    status, days_to_deadline, reason, basis.
    """
    on = treaties.as_date(on)
    bound = bound_dates(events, treaty, basis)
    rows = []
    for iso3, rec in prepare(clearance, treaty, meetings, "completion_declared", basis).items():
        if iso3 not in bound or bound[iso3][0] > on:
            continue
        since, eif = bound[iso3]
        original = treaties.clearance_deadline(treaty, eif)
        start = obliged_from(rec, since, eif, original)
        if start is None or start > on or withdrawn_on(rec, on):
            continue
        pos = position(rec, original, on, "clearance")
        reason = pos.reason
        residual = [
            e.known_from
            for e in rec.residual
            if e.decides(on) and (pos.completed is None or e.known_from > pos.completed)
        ]
        if residual:
            reason += f"; residual or new contamination reported ({max(residual):%Y})"
        row = history_row(iso3, treaty, eif, original, pos, reason, basis)
        days = (pos.deadline - on).days if pos.deadline and not pos.completed else None
        rows.append(row | {"days_to_deadline": days, "residual": max(residual) if residual else None})
    return pd.DataFrame(rows, columns=[*HISTORY_COLUMNS, "residual"])
