"""Stockpile destruction (MBT Art. 4, CCM Art. 3): each State Party's position on a date, on a basis.

The rules of obligations.py apply; in particular a State Party's own later report decides from its date:
- stock it reports holding after declaring completion re-opens the obligation from that report (Spain's
  cluster munitions found in 2012, Bosnia and Herzegovina's four in 2012); a later completion closes it;
- stock reported after a declaration that it held none is a previously unknown stockpile (Iraq 2009,
  Cote d'Ivoire 2012): no treaty deadline applies, it is destroyed as soon as possible;
- a completion reported before a recorded missed deadline was partial (Belarus destroyed its non-PFM mines
  in 2006, then missed its 2008 deadline): only completions after it count;
- a declaration of holding none, made after the state had reported stock (and with none reported since), ends the
  obligation from its date: there was nothing to destroy (Guinea-Bissau, 2020 and 2022).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from . import treaties
from .evidence import Evidence, StateRecord, _known, meeting_index, period_end, prepare
from .positions import HISTORY_COLUMNS, Position, bound_dates, history_row, position


def stockpile_history(
    events: pd.DataFrame,
    stockpile: pd.DataFrame,
    treaty: str,
    on,
    meetings: pd.DataFrame | None = None,
    basis: str = "treaty",
) -> pd.DataFrame:
    """Every State Party with a recorded stockpile under `treaty` and its destruction status on `on`, on
    `basis` ("treaty": from entry into force; "monitor": from the deposit of the instrument)."""
    on = treaties.as_date(on)
    bound = bound_dates(events, treaty, basis)
    index = meeting_index(meetings)
    rows = []
    for iso3, rec in prepare(stockpile, treaty, meetings, "destruction_completed", basis).items():
        if not (rec.completions or rec.extensions or any(r["event"] != "no_stockpile_declared" for r in rec.other)):
            continue
        if iso3 not in bound or bound[iso3][0] > on:
            continue
        eif = bound[iso3][1]
        if _none_held_since(rec, treaty, index, on):
            continue
        missed = [period_end(r["date"]) for r in rec.other if r["event"] == "deadline_missed" and r.get("date")]
        missed = [d for d in missed if d <= on]
        completions = rec.completions
        if missed:  # completions before a recorded missed deadline were partial
            completions = [e for e in completions if e.undated or e.known_from > max(missed)]
        _narrow(completions, rec.other, treaty, index)
        rec = StateRecord(
            rec.iso3, rec.extensions, completions, rec.quotes, rec.originals, rec.residual,
            _stock_reported_after(rec, completions, treaty, index), rec.other, basis,
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
        row = history_row(iso3, treaty, eif, original, pos, pos.reason, basis)
        # Mine Ban Treaty practice (11MSP/12MSP): stock found after a completion, or after a declaration of none,
        # is destroyed as soon as possible and listed apart; the CCM secretariat keeps it under Article 3
        found = treaty == "MBT" and (isinstance(unknown, Position) or (pos.reopened is not None and bool(rec.declared)))
        rows.append(row | {"quantity_destroyed": max(quantities) if quantities else None, "found_stock": found})
    columns = [*HISTORY_COLUMNS[:-4], "reason", "basis", "reopened", "quantity_destroyed", "found_stock"]
    return pd.DataFrame(rows, columns=columns)


def completed_since(
    events: pd.DataFrame,
    stockpile: pd.DataFrame,
    treaty: str,
    since: date,
    on,
    meetings: pd.DataFrame | None = None,
    basis: str = "treaty",
) -> list[str]:
    """States Parties that completed destruction within the period from `since` to `on` and are complete on `on`:
    a completion whose whole dating (its day, month, or year narrowed by reports of stock still held) falls in the
    period. A completion dated only to a year that may have come before `since` does not count (a campaign's
    undated list of states that no longer hold stocks, dated to the year, names no completion of that period)."""
    on = treaties.as_date(on)
    hist = stockpile_history(events, stockpile, treaty, on, meetings, basis)
    done = set(hist.loc[hist["status"].isin(("completed_on_time", "completed_late")), "iso3"]) if len(hist) else set()
    index = meeting_index(meetings)
    out = []
    for iso3, rec in prepare(stockpile, treaty, meetings, "destruction_completed", basis).items():
        if iso3 not in done:
            continue
        _narrow(rec.completions, rec.other, treaty, index)
        inside = [e for e in rec.completions if not e.undated and e.known_from <= on]
        if any(since <= (e.possible_from or e.known_from) for e in inside):
            out.append(iso3)
    return sorted(out)


def _narrow(completions: list[Evidence], other: list[dict], treaty: str, index: dict) -> None:
    """A completion dated only to a month or a year finished after any day inside that period on which a
    source shows the stock still held (Turkey, June 2011, still held stocks on 20 June): it may decide only
    from the day after."""
    for e in completions:
        if e.undated or e.possible_from is None or e.possible_from >= e.known_from:
            continue
        held = [_known(r, treaty, index)[0] for r in other if r["event"] == "remaining_stockpile" and r.get("date")]
        inside = [d for d in held if d is not None and e.possible_from <= d < e.known_from]
        if inside:
            e.possible_from = max(inside) + timedelta(days=1)


def _stock_reported_after(rec: StateRecord, completions: list[Evidence], treaty: str, index: dict) -> list[Evidence]:
    """The state's reports of stock still held, dated after its first dated completion: each re-opens the
    obligation from its date (a report of none held, or of zero, does not)."""
    dated = [e for e in completions if not e.undated]
    if not dated:
        return []
    found = []
    for r in rec.other:
        if r["event"] != "remaining_stockpile" or not r.get("date"):
            continue
        if r.get("quantity") is not None and not pd.isna(r["quantity"]) and int(r["quantity"]) == 0:
            continue
        known, possible = _known(r, treaty, index)
        when = possible or known
        before = [e for e in dated if e.known_from < when]
        # a completion its own sources restate after the report (a month or a day, not a year) stands: Chile
        # finished in July 2013 and announced it in September, after a Monitor profile still said "a plan"
        restated = [period_end(x["date"]) for e in before for x in e.rows if len(str(x.get("date") or "")) >= 7]
        if before and not any(d >= when for d in restated):
            found.append(Evidence("stock_reported", known, possible, rows=[r]))
    return found


def _none_held_since(rec: StateRecord, treaty: str, index: dict, on: date) -> date | None:
    """The date of a State Party's declaration that it holds no stockpile, made (by `on`) after it had reported
    stock and with no stock reported or destroyed since: the declaration ends the obligation, as a report of no
    mined areas ends a clearance one (Guinea-Bissau reported stocks in 2019; a review in January 2020 found none,
    and in May 2022 it clarified it has none). None when it does not apply."""
    stock = [_known(r, treaty, index)[0] for r in rec.other if r["event"] == "remaining_stockpile" and r.get("date")]
    stock = [d for d in stock if d is not None and d <= on]
    none = [_known(r, treaty, index)[0] for r in rec.other if r["event"] == "no_stockpile_declared" and r.get("date")]
    none = [d for d in none if d is not None and d <= on and stock and d > min(stock)]
    if not none:
        return None
    last = max(none)
    done = [e for e in rec.completions if not e.undated and last < e.known_from <= on]
    return None if done or any(d > last for d in stock) else last


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
    if done:  # the first completion; a later list of states holding none restates it
        return Position(
            None, 0, min(done), "completed_on_time",
            f"previously unknown stockpile (none declared on {declared:%d %B %Y}); destruction completed "
            f"{min(done):%d %B %Y}",
        )  # fmt: skip
    return Position(
        None, 0, None, "pending",
        f"previously unknown stockpile reported by {found:%d %B %Y} (none declared on {declared:%d %B %Y}); to be "
        "destroyed as soon as possible, no treaty deadline",
    )  # fmt: skip


def no_stockpile(stockpile: pd.DataFrame, treaty: str, on, basis: str = "treaty") -> list[str]:
    """States that declared they held no stockpile, by `on` (undated declarations included)."""
    on = treaties.as_date(on)
    rows = stockpile[(stockpile["treaty"] == treaty) & (stockpile["event"] == "no_stockpile_declared")]
    if "basis" in rows:
        rows = rows[rows["basis"].fillna(basis).isin([basis, ""])]
    return sorted({r.iso3 for r in rows.itertuples() if period_end(r.date) is None or period_end(r.date) <= on})


def retained_by_state(retained: pd.DataFrame, year: int) -> pd.DataFrame:
    """Mines each state declared retained for `year` (Monitor edition first where several sources)."""
    rows = retained[retained["year"] == year]
    rows = rows.sort_values(["iso3", "edition"], na_position="last").drop_duplicates("iso3")
    return rows[["iso3", "state", "year", "quantity", "qualifier", "edition", "source_url"]].reset_index(drop=True)
