"""The evidence behind an obligation, merged and dated, on one counting basis.

Rows of clearance_events.csv and stockpile_events.csv become dated facts: a row dated only to a month or a
year is certain from the end of that period; a decision taken at a Meeting of States Parties is dated by the
meeting (data/meetings.csv, the dates most sources give); rows citing the same decision (same treaty, state
and meeting) are one event that keeps all its citations. `position()` in positions.py reads these facts.

Counting bases (the `basis` column of a row; empty: the row holds on both):
- **treaty**: what the States Parties declared and the meetings decided, as the treaty secretariats count. A
  completion is dated by the meeting that recorded it, or by the state's own dated declaration; a report
  dated only to a month or a year dates it only where nothing more precise is on record.
- **monitor**: as the Monitor counts in its editions. A completion is dated by the earliest date a source
  gives for the clearance (or destruction) finishing; rows marked `monitor` are the Monitor's own findings
  (a State Party it still counts as mine-affected after its declaration, a finish date only it reports).

Terms of a decision: an extension whose sources give its new deadline only as a year ("until 2022") or a
month takes the day and month from any source that states that deadline in full (a source published later
documents the earlier decision's terms; it never moves the date from which the decision counts).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..core.errors import DataError
from . import treaties

BASES = ("treaty", "monitor")
BASIS_WORDS = {
    "treaty": "as the treaty secretariats count (States Parties' declarations and the meetings' decisions)",
    "monitor": "as the Monitor counts (its own assessment in each edition)",
}

BASIS_SHORT = {"treaty": "as the treaty secretariats count", "monitor": "as the Monitor counts"}


def check_basis(basis: str) -> str:
    if basis not in BASES:
        raise DataError(
            "basis must be 'treaty' (the States Parties' declarations and the meetings' decisions, as the "
            "secretariats count) or 'monitor' (as the Monitor counts)",
            column="basis",
            value=basis,
        )
    return basis


def on_basis(row: dict, basis: str) -> bool:
    """Does a row hold on `basis`? Rows without a basis hold on both."""
    return (row.get("basis") or basis) == basis


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
    finished: date | None = None  # a completion: the earliest date a source gives for the work finishing

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


def _events(rows: list[dict], treaty: str, meetings: dict, kind: str, basis: str = "treaty") -> list[Evidence]:
    """Rows of one kind for one state, merged into events: one per meeting; else one per stated date;
    an undated row joins a dated event that states the same deadline (the same decision, cited again).
    Completions are one event a year (a national announcement and the formal declaration), dated by basis."""
    groups: dict[tuple, list[tuple[dict, date, date, str]]] = {}
    loose: list[dict] = []
    for row in rows:
        possible, known, code = _dated(row, treaty, meetings)
        if known is None:
            loose.append(row)
            continue
        if kind == "completion_declared":
            key = (known.year,)
        else:
            key = ("meeting", code) if code else ("date", row.get("date"))
        groups.setdefault(key, []).append((row, possible, known, code))
    events = [_merged(kind, dated, basis) for dated in groups.values()]
    for row in loose:
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


def _merged(kind: str, dated: list[tuple[dict, date, date, str]], basis: str) -> Evidence:
    """One event from the dated rows citing it. A completion on the treaty basis counts from the meeting that
    recorded it or the state's own dated declaration where the record has one; on the monitor basis from the
    earliest date any source gives. Other events count from their earliest date."""
    chosen = dated
    if kind == "completion_declared" and basis == "treaty":
        formal = [d for d in dated if d[3] or (isinstance(d[0].get("date"), str) and len(d[0]["date"]) == 10)]
        chosen = formal or dated
    first = min(chosen, key=lambda d: d[2])
    code = first[3] or next((d[3] for d in dated if d[3]), "")
    finished = min(d[2] for d in dated) if kind == "completion_declared" else None
    return Evidence(kind, first[2], first[1], meeting=code, rows=[d[0] for d in dated], finished=finished)


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
    basis: str = "treaty"


def prepare(
    frame: pd.DataFrame, treaty: str, meetings: pd.DataFrame | None, completion_event: str, basis: str = "treaty"
):
    """Every state's merged evidence on `basis`, remembered per table (a review asks for many dates)."""
    check_basis(basis)
    key = (id(frame), id(meetings), treaty, completion_event, basis)
    hit = PREPARED_CACHE.get(key)
    if hit is not None and hit[0] is frame and hit[1] is meetings:
        return hit[2]
    index = meeting_index(meetings)
    by_state: dict[str, list[dict]] = {}
    for row in treaties._records(frame[frame["treaty"] == treaty]):
        if on_basis(row, basis):
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
        extensions = _events(of("extension_granted"), treaty, index, "extension_granted")
        residual = [
            Evidence("residual_contamination_reported", *_known(r, treaty, index), rows=[r])
            for r in of("residual_contamination_reported")
        ]
        records[iso3] = StateRecord(
            iso3,
            extensions,
            _events(of(completion_event), treaty, index, "completion_declared", basis),
            quotes,
            of("original_deadline"),
            residual,
            [
                Evidence("contamination_declared", *_known(r, treaty, index), rows=[r])
                for r in of("contamination_declared")
            ],
            [r for r in rows if r["event"] not in ("extension_granted", completion_event)],
            basis,
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
    """Complete each dated extension's new deadline (idempotent; the reason says where it came from):
    - none stated by its own rows: the first deadline a source quotes as in force after the decision and
      before the next one;
    - stated only as a year or a month ("until 2022"): the day and month from a source dated after the
      decision that states that deadline in full (the one most sources give; on a tie the earliest)."""
    dated = [e for e in rec.extensions if not e.undated]
    for i, event in enumerate(dated):
        until = dated[i + 1].known_from if i + 1 < len(dated) else date.max
        if event.deadline is None:
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
        elif event.deadline_precision < 10:
            _full_terms(event, rec.quotes)


def _full_terms(event: Evidence, quotes: list[Evidence]) -> None:
    """A year- or month-only deadline made exact from the quotes that state it in full."""
    stated = f"{event.deadline:%Y}" if event.deadline_precision == 4 else f"{event.deadline:%Y-%m}"
    full = [
        q
        for q in quotes
        if not q.undated
        and q.deadline_precision == 10
        and f"{q.deadline:%Y-%m-%d}".startswith(stated)
        and (q.possible_from or q.known_from) >= (event.possible_from or event.known_from)
    ]
    if not full:
        return
    votes: dict[date, list[Evidence]] = {}
    for q in full:
        votes.setdefault(q.deadline, []).append(q)
    best = max(votes, key=lambda d: (len(votes[d]), -min(q.known_from for q in votes[d]).toordinal()))
    first = min(votes[best], key=lambda q: q.known_from)
    event.deadline, event.deadline_precision = best, 10
    note = (
        f'the {event.meeting or "decision"} set the deadline "{stated}"; the day and month from a source of '
        f"{first.known_from:%d %B %Y} ({first.rows[0].get('source_url')})"
    )
    event.deadline_note = "; ".join(n for n in (event.deadline_note, note) if n)
