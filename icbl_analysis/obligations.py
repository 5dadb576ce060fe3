"""Obligation history: clearance (MBT Art. 5, CCM Art. 4) and stockpile destruction
(MBT Art. 4, CCM Art. 3) deadlines as they move with extensions, and their status on any date."""

from __future__ import annotations

import calendar
from datetime import date

import pandas as pd

from . import treaties
from .errors import DataError

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


def _deadline_in_force(original: date | None, evidence: pd.DataFrame, on: date) -> tuple[date | None, int]:
    """The deadline in force on `on`: the newest dated evidence (an extension granted, or a source
    quoting the deadline in force) on or before `on`, else the original deadline. Also returns the
    number of extensions granted by then (at least one when the deadline has moved)."""
    mask = evidence["date"].map(lambda d: d is not None and d <= on).astype(bool)
    known = evidence.loc[mask].dropna(subset=["deadline"])
    deadline = original
    if not known.empty:
        order = ["date", "_precision", "deadline"] if "_precision" in known else ["date", "deadline"]
        newest = known.sort_values(order).iloc[-1]  # same day: the most precise deadline wins
        deadline = newest["deadline"]
    granted = evidence.loc[mask & (evidence["event"] == "extension_granted")]
    n_ext = granted["date"].nunique()
    if deadline is not None and original is not None and deadline > original:
        n_ext = max(n_ext, 1)
    return deadline, n_ext


def clearance_history(events: pd.DataFrame, clearance: pd.DataFrame, treaty: str, on) -> pd.DataFrame:
    """Every state with a clearance obligation under `treaty` and its position on date `on`.

    Columns: iso3, state, treaty, entry_into_force, original_deadline, deadline, extensions,
    completed, status, days_to_deadline, reason.
    """
    from .countries import name_of

    on = treaties.as_date(on)
    members = treaties.membership(events, treaty).set_index("iso3")
    rows = []
    for iso3, hist in clearance[clearance["treaty"] == treaty].groupby("iso3"):
        eif = members.at[iso3, "entry_into_force"] if iso3 in members.index else None
        if eif is None or eif > on:
            continue
        original = treaties.clearance_deadline(treaty, eif)
        hist = hist.assign(
            date=hist["date"].map(period_end),
            deadline=hist["deadline"].map(period_end),
            _precision=hist["deadline"].map(lambda d: len(d) if isinstance(d, str) else 0),
        )
        evidence = hist[hist["event"].isin(["extension_granted", "deadline_in_force_quoted"])]
        deadline, n_ext = _deadline_in_force(original, evidence, on)
        completed, reopened = _completion(hist, evidence, on)
        status, reason = _status(completed, deadline, n_ext, on, "clearance")
        if reopened:
            reason += f"; declared complete on {reopened:%d %B %Y}, re-opened by a later extension"
        rows.append(
            {
                "iso3": iso3,
                "state": name_of(iso3),
                "treaty": treaty,
                "entry_into_force": eif,
                "original_deadline": original,
                "deadline": deadline,
                "extensions": n_ext,
                "completed": completed,
                "status": status,
                "days_to_deadline": (deadline - on).days if deadline and not completed else None,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


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


def _completion(hist: pd.DataFrame, evidence: pd.DataFrame, on: date) -> tuple[date | None, date | None]:
    """(completion date in force on `on`, or None; an earlier completion later re-opened, or None)."""
    before = hist["date"].map(lambda d: d is not None and d <= on).astype(bool)
    done = hist.loc[before & (hist["event"] == "completion_declared"), "date"]
    if done.empty:
        return None, None
    completed = done.max()
    later = evidence.loc[evidence["date"].map(lambda d: d is not None and completed < d <= on).astype(bool)]
    later = later.dropna(subset=["deadline"])
    if len(later) and (later["deadline"] > completed).any():
        return None, completed
    return completed, None


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
    """Every State Party with a recorded stockpile under `treaty` and its destruction status on `on`."""
    from .countries import name_of

    on = treaties.as_date(on)
    members = treaties.membership(events, treaty).set_index("iso3")
    rows = []
    for iso3, hist in stockpile[stockpile["treaty"] == treaty].groupby("iso3"):
        if (hist["event"] == "no_stockpile_declared").all():
            continue
        eif = members.at[iso3, "entry_into_force"] if iso3 in members.index else None
        if eif is None or eif > on:
            continue
        original = treaties.stockpile_deadline(treaty, eif)
        hist = hist.assign(
            deadline=hist["deadline"].map(period_end),
            _precision=hist["deadline"].map(lambda d: len(d) if isinstance(d, str) else 0),
        )
        ext = hist.assign(date=hist["date"].map(period_end))
        ext = ext[ext["event"] == "extension_granted"]
        deadline, n_ext = _deadline_in_force(original, ext, on)
        when = hist["date"].map(period_end)
        missed = when[(hist["event"] == "deadline_missed") & when.map(lambda d: d is not None and d <= on).astype(bool)]
        # A completion reported before a recorded missed deadline was partial: only later ones count.
        after = missed.max() if len(missed) else date.min
        hist = hist.assign(when=when)
        done = hist[hist["event"] == "destruction_completed"]
        done = done.loc[done["when"].map(lambda d, after=after: d is not None and after < d <= on).astype(bool)]
        completed = done["when"].min() if len(done) else None
        quantity = done["quantity"].dropna().max() if len(done) else None
        status, reason = _status(completed, deadline, n_ext, on, "stockpile destruction")
        rows.append(
            {
                "iso3": iso3,
                "state": name_of(iso3),
                "treaty": treaty,
                "entry_into_force": eif,
                "original_deadline": original,
                "deadline": deadline,
                "extensions": n_ext,
                "completed": completed,
                "quantity_destroyed": quantity,
                "status": status,
                "reason": reason,
            }
        )
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


def retained_totals(retained: pd.DataFrame, years) -> pd.DataFrame:
    """Mines retained by States Parties per year, as the Monitor totals them (rows for WLD)."""
    world = retained[retained["iso3"] == "WLD"]
    rows = []
    for year in years:
        hit = world[world["year"] == year].sort_values("edition", na_position="first")
        if hit.empty:
            rows.append({"year": year, "value": None, "qualifier": None, "source_url": None, "edition": None})
        else:
            r = hit.iloc[-1]
            rows.append(
                {
                    "year": year,
                    "value": int(r["quantity"]),
                    "qualifier": r["qualifier"],
                    "source_url": r["source_url"],
                    "edition": r["edition"],
                }
            )
    return pd.DataFrame(rows)


def retained_by_state(retained: pd.DataFrame, year: int) -> pd.DataFrame:
    """Mines each state declared retained for `year` (Monitor edition first where several sources)."""
    rows = retained[(retained["year"] == year) & (retained["iso3"] != "WLD")]
    rows = rows.sort_values(["iso3", "edition"], na_position="last").drop_duplicates("iso3")
    return rows[["iso3", "state", "year", "quantity", "qualifier", "edition", "source_url"]].reset_index(drop=True)


def check_treaty(treaty: str) -> None:
    if treaty not in treaties.RULES:
        raise DataError(f"unknown treaty; use one of {sorted(treaties.RULES)}", column="treaty", value=treaty)
