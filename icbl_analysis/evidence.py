"""The evidence behind an obligation, merged and dated.

Rows of clearance_events.csv and stockpile_events.csv become dated facts: a row dated only to a month or a
year is certain from the end of that period; a decision taken at a Meeting of States Parties is dated by the
meeting (data/meetings.csv, the dates most sources give); rows citing the same decision (same treaty, state
and meeting) are one event that keeps all its citations. `position()` in obligations.py reads these facts.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from . import treaties


def period_start(text) -> date | None:
    """'2002' -> 1 Jan 2002, '2002-04' -> 1 Apr 2002, '2002-04-11' -> that day."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text == "":
        return None
    if isinstance(text, date):
        return text
    parts = [int(p) for p in str(text).split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def period_end(text) -> date | None:
    """'2002' -> 31 Dec 2002, '2002-04' -> 30 Apr 2002, '2002-04-11' -> that day."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text == "":
        return None
    if isinstance(text, date):
        return text
    parts = [int(p) for p in str(text).split("-")]
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts)


# --- meetings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    treaty: str
    code: str
    start: date
    end: date
    name: str = ""


def meeting_index(meetings: pd.DataFrame | None) -> dict[tuple[str, str], Meeting]:
    """(treaty, code) -> Meeting. Where sources disagree on a meeting's dates, the dates most sources give
    win; a span of more than three weeks is a typo (the ISU calendar's "18 September - 22 November 2007");
    on a tie the later end (a decision is certain only once the meeting closed)."""
    out: dict[tuple[str, str], Meeting] = {}
    if meetings is None or meetings.empty:
        return out
    votes: dict[tuple[str, str], dict[tuple[date, date], int]] = {}
    names: dict[tuple[str, str], str] = {}
    for row in treaties._records(meetings):
        start, end = period_start(row.get("start")), period_end(row.get("end") or row.get("start"))
        if start is None or end is None or end < start or (end - start).days > 21:
            continue
        key = (row["treaty"], row["meeting"])
        votes.setdefault(key, {}).setdefault((start, end), 0)
        votes[key][(start, end)] += 1
        names.setdefault(key, row.get("name") or "")
    for key, counted in votes.items():
        start, end = max(counted, key=lambda span: (counted[span], span[1]))
        out[key] = Meeting(key[0], key[1], start, end, names[key])
    return out


def _meeting_in(meetings: dict, treaty: str, first: date, last: date) -> Meeting | None:
    """The one formal meeting of `treaty` held within [first, last], or None (none, or several)."""
    found = [m for (t, _), m in meetings.items() if t == treaty and first <= m.start and m.end <= last]
    return found[0] if len(found) == 1 else None


# --- evidence ----------------------------------------------------------------------------------


@dataclass
class Evidence:
    """One fact after merging the rows that cite it: what it says and from when it is certain."""

    kind: str  # extension_granted, completion_declared, deadline_in_force_quoted, ...
    known_from: date | None  # from this date on the fact is in force; None: undated
    possible_from: date | None  # before this date it is certainly not; None: undated
    deadline: date | None = None
    deadline_precision: int = 0
    meeting: str = ""
    deadline_note: str = ""
    rows: list[dict] = field(default_factory=list)

    @property
    def undated(self) -> bool:
        return self.known_from is None

    def decides(self, on: date) -> bool:
        return self.known_from is not None and self.known_from <= on

    def may_decide(self, on: date) -> bool:
        """Undated, or dated to a period that contains `on`: it may or may not apply on that day."""
        if self.known_from is None:
            return True
        return self.possible_from is not None and self.possible_from <= on < self.known_from

    def when_text(self) -> str:
        if self.known_from is None:
            return "undated"
        label = f"{self.known_from:%d %B %Y}"
        return f"the {self.meeting} ({label})" if self.meeting else label


def _dated(row: dict, treaty: str, meetings: dict) -> tuple[date | None, date | None, str]:
    """(possible_from, known_from, meeting code) of one row: a day, a meeting, or a period."""
    raw, code = row.get("date"), row.get("meeting") or ""
    exact = raw if isinstance(raw, str) and len(raw) == 10 else None
    meeting = meetings.get((treaty, code)) if code else None
    if meeting is None and not code and row["event"] == "extension_granted" and raw:
        meeting = _meeting_in(meetings, treaty, period_start(raw), period_end(raw))  # decided at that year's meeting
        code = meeting.code if meeting else ""
    if exact:
        day = period_end(exact)
        return day, day, code
    if meeting is not None:
        return meeting.start, meeting.end, code
    return period_start(raw), period_end(raw), code


def _rank(row: dict) -> int:
    return treaties._source_rank(row.get("source_url") or "")


def _merge_deadline(event: Evidence) -> None:
    """The new deadline an event set: the most precise stated one; the treaty secretariat wins a tie."""
    stated = [r for r in event.rows if r.get("deadline")]
    if not stated:
        return
    best = max(stated, key=lambda r: (len(r["deadline"]), -_rank(r)))
    event.deadline, event.deadline_precision = period_end(best["deadline"]), len(best["deadline"])
    others = sorted({r["deadline"] for r in stated if len(r["deadline"]) == len(best["deadline"])} - {best["deadline"]})
    if others:
        event.deadline_note = f"sources differ on the new deadline ({', '.join(others)}); used {best['deadline']}"


def _events(rows: list[dict], treaty: str, meetings: dict, kind: str) -> list[Evidence]:
    """Rows of one kind for one state, merged into events: one per meeting; else one per stated date;
    an undated row joins a dated event that states the same deadline (the same decision, cited again)."""
    groups: dict[tuple, Evidence] = {}
    loose: list[tuple[dict, date | None, date | None]] = []
    for row in rows:
        possible, known, code = _dated(row, treaty, meetings)
        if known is None:
            loose.append((row, possible, known))
            continue
        if kind == "completion_declared":
            key = (known.year,)  # one completion a year: the national announcement and the formal declaration
        else:
            key = ("meeting", code) if code else ("date", row.get("date"))
        event = groups.get(key)
        if event is None:
            groups[key] = Evidence(kind, known, possible, meeting=code, rows=[row])
        else:
            event.rows.append(row)
            if known < event.known_from:
                event.known_from, event.possible_from = known, possible
            event.meeting = event.meeting or code
    events = list(groups.values())
    for row, _possible, _known in loose:
        same = [e for e in events if row.get("deadline") and _same_deadline(e, row["deadline"])]
        if kind == "completion_declared" and events and not same:
            same = events[-1:]  # an undated mention of a completion that is on record with a date
        if same:
            same[0].rows.append(row)
        else:
            events.append(Evidence(kind, None, None, rows=[row]))
    for event in events:
        _merge_deadline(event)
    return sorted(events, key=lambda e: (e.known_from is None, e.known_from or date.min))


def _same_deadline(event: Evidence, deadline: str) -> bool:
    """An undated row naming a deadline within a year of one an event set cites the same decision
    ("from 2010 to 2019" for the extension to 1 January 2020)."""
    years = {int(r["deadline"][:4]) for r in event.rows if r.get("deadline")}
    return any(abs(y - int(deadline[:4])) <= 1 for y in years)


@dataclass
class StateRecord:
    """One state's evidence under one treaty, merged and dated."""

    iso3: str
    extensions: list[Evidence]
    completions: list[Evidence]
    quotes: list[Evidence]
    originals: list[dict]
    residual: list[Evidence]
    declared: list[Evidence]  # a State Party's own declaration of mined areas (re-opens an obligation)
    other: list[dict]


def prepare(frame: pd.DataFrame, treaty: str, meetings: pd.DataFrame | None, completion_event: str):
    """Every state's merged evidence, remembered per table (a review asks for many dates)."""
    key = (id(frame), id(meetings), treaty, completion_event)
    hit = PREPARED_CACHE.get(key)
    if hit is not None and hit[0] is frame and hit[1] is meetings:
        return hit[2]
    index = meeting_index(meetings)
    by_state: dict[str, list[dict]] = {}
    for row in treaties._records(frame[frame["treaty"] == treaty]):
        by_state.setdefault(row["iso3"], []).append(row)
    records = {}
    for iso3, rows in sorted(by_state.items()):

        def of(kind, rows=rows):
            return [r for r in rows if r["event"] == kind]

        quotes = [
            Evidence("deadline_in_force_quoted", *_known(r, treaty, index), rows=[r])
            for r in of("deadline_in_force_quoted")
            if r.get("deadline")
        ]
        for q in quotes:
            _merge_deadline(q)
        residual = [
            Evidence("residual_contamination_reported", *_known(r, treaty, index), rows=[r])
            for r in of("residual_contamination_reported")
        ]
        records[iso3] = StateRecord(
            iso3,
            _events(of("extension_granted"), treaty, index, "extension_granted"),
            _events(of(completion_event), treaty, index, "completion_declared"),
            quotes,
            of("original_deadline"),
            residual,
            [
                Evidence("contamination_declared", *_known(r, treaty, index), rows=[r])
                for r in of("contamination_declared")
            ],
            [r for r in rows if r["event"] not in ("extension_granted", completion_event)],
        )
    if len(PREPARED_CACHE) > 16:
        PREPARED_CACHE.clear()
    PREPARED_CACHE[key] = (frame, meetings, records)
    return records


def _known(row: dict, treaty: str, meetings: dict) -> tuple[date | None, date | None]:
    possible, known, _ = _dated(row, treaty, meetings)
    return known, possible


PREPARED_CACHE: dict = {}


def fill_unknown_deadlines(rec: StateRecord) -> None:
    """An extension whose own rows give no new deadline takes the first deadline a source quotes as
    in force after the decision and before the next one (the reason says so)."""
    dated = [e for e in rec.extensions if not e.undated]
    for i, event in enumerate(dated):
        if event.deadline is not None:
            continue
        until = dated[i + 1].known_from if i + 1 < len(dated) else date.max
        later = [
            q for q in rec.quotes if not q.undated and event.known_from <= (q.possible_from or q.known_from) < until
        ]
        if later:
            first = min(later, key=lambda q: q.known_from)
            event.deadline, event.deadline_precision = first.deadline, first.deadline_precision
            event.deadline_note = (
                f"new deadline of the {event.meeting or 'decision'} taken from a source quoting it in force on "
                f"{first.known_from:%d %B %Y}"
            )
