"""The engine's own count, and list of states, for each published measure on a date and a counting basis.

Measures (the names `published_counts.csv` and `published_lists.csv` use):
- clearance: `art5_obligation` / `art4_obligation` (States Parties still owing clearance),
  `states_parties_mine_affected` (the Monitor's "confirmed or suspected mine-affected": still owing clearance,
  or residual contamination reported since completion), `art5_states_with_extensions` (extended deadline in
  force), `art5_completed_cumulative` / `art4_...` (declared complete and not re-opened on that date: the
  secretariat counted Burundi as the 28th in 2014 after its 2011 declaration was re-opened), `..._in_year`,
  `art5_extension_requests_granted` (decisions in the year up to the date), `art5_states_ever_extended`;
- stockpiles: `stockpile_holding` (declared stocks still to destroy under a treaty deadline; stock found after
  a completion or after a declaration of none is `stockpile_found_after`, as the publishers list it apart),
  `stockpile_completed` (declared complete, including a
  completion later re-opened by stock found), `stockpile_completed_in_year` (the calendar year of the date),
  `stockpile_completed_since_meeting` (completions dated within the period since the treaty's previous formal
  meeting opened: what a statement at a meeting means by "the previous year" or "in recent weeks"),
  `stockpile_missed_outstanding`,
  `stockpile_never_held`;
- membership: `states_parties` (by deposit); use: counted per edition in `derive_use`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..data.countries import country_table
from . import obligations, treaties
from .obligations import COMPLETED, OPEN


@dataclass
class Derived:
    count: int | None  # None: the tables cannot derive this measure
    states: list[str] = field(default_factory=list)  # the states counted
    undetermined: list[str] = field(default_factory=list)  # states whose inclusion the record leaves open


def derive(data, measure: str, treaty: str | None, on: date, basis: str = "treaty") -> Derived:
    """The engine's count of `measure` for `treaty` on `on`, on `basis` ("treaty" or "monitor")."""
    treaty = treaty or "MBT"
    obligations.check_basis(basis)
    if measure == "states_parties":
        parties = treaties.states_parties(data.treaty_events, treaty, on)
        return Derived(len(parties), sorted(parties["iso3"]), treaties.undetermined(data.treaty_events, treaty, on))
    if measure in ("art5_obligation", "art4_obligation", "art5_states_with_extensions"):
        hist = obligations.history(data, treaty, "clearance", on, basis)
        return _from_status(hist, ("extended",) if measure == "art5_states_with_extensions" else OPEN)
    if measure == "states_parties_mine_affected":
        hist = obligations.history(data, treaty, "clearance", on, basis)
        affected = hist["status"].isin(OPEN) | hist["residual"].notna()
        return Derived(int(affected.sum()), sorted(hist.loc[affected, "iso3"]), _undetermined(hist))
    if measure.endswith(("_completed_cumulative", "_completed_in_year")) and measure.startswith("art"):
        return _completions(data, measure, treaty, on, basis)
    if measure in ("art5_states_ever_extended", "art5_obligation_ever_extended"):
        ext = obligations.extension_events(data.clearance_events, treaty, data.meetings, basis)
        ext = ext.dropna(subset=["decided"])
        ever = set(ext.loc[ext["decided"] <= on, "iso3"])
        if measure == "art5_obligation_ever_extended":
            hist = obligations.history(data, treaty, "clearance", on, basis)
            ever &= set(hist.loc[hist["status"].isin(OPEN), "iso3"])
        return Derived(len(ever), sorted(ever), [])
    if measure in ("art5_extensions_granted_cumulative", "art5_extension_requests_granted"):
        ext = obligations.extension_events(data.clearance_events, treaty, data.meetings, basis)
        dated = ext.dropna(subset=["decided"])
        if measure == "art5_extension_requests_granted":
            dated = dated.loc[dated["decided"].map(lambda d: d.year == on.year and d <= on).astype(bool)]
        else:
            dated = dated[dated["decided"] <= on]
        undated = sorted(set(ext.loc[ext["decided"].isna(), "iso3"]))
        return Derived(len(dated), sorted(dated["iso3"]), undated)
    if measure.startswith("stockpile_"):
        return _stockpiles(data, measure, treaty, on, basis)
    return Derived(None)


def _stockpiles(data, measure: str, treaty: str, on: date, basis: str) -> Derived:
    hist = obligations.history(data, treaty, "stockpile", on, basis)
    if measure == "stockpile_completed":  # the Monitor keeps counting a completion that found stock re-opened
        done = hist["status"].isin(COMPLETED) | (hist["reopened"].notna() & (basis == "monitor"))
        return Derived(int(done.sum()), sorted(hist.loc[done, "iso3"]), _undetermined(hist))
    if measure == "stockpile_holding":  # declared stocks under a treaty deadline; stock found later apart
        return _from_status(hist[~hist["found_stock"].astype(bool)] if len(hist) else hist, OPEN)
    if measure == "stockpile_found_after":
        return _from_status(hist[hist["found_stock"].astype(bool)] if len(hist) else hist, OPEN)
    if measure == "stockpile_missed_outstanding":
        return _from_status(hist, ("missed_outstanding",))
    if measure == "stockpile_completed_in_year":
        year = hist[hist["completed"].map(lambda d: d is not None and not pd.isna(d) and d.year == on.year)]
        return Derived(len(year), sorted(year["iso3"]), [])
    if measure == "stockpile_completed_since_meeting":
        since = previous_meeting_start(data.meetings, treaty, on)
        if since is None:
            return Derived(None)
        states = obligations.completed_since(
            data.treaty_events, data.stockpile_events, treaty, since, on, data.meetings, basis
        )
        return Derived(len(states), states, [])
    if measure == "stockpile_never_held":
        since = obligations.bound_dates(data.treaty_events, treaty, basis)
        parties = {iso3 for iso3, (start, _) in since.items() if start <= on}
        parties &= set(treaties.states_parties(data.treaty_events, treaty, on)["iso3"])
        declared = set(obligations.no_stockpile(data.stockpile_events, treaty, on, basis)) & parties
        held = hist["status"].isin(COMPLETED + OPEN) | hist["reopened"].notna()  # a stock on record since
        declared = sorted(declared - set(hist.loc[held, "iso3"]))
        return Derived(len(declared), declared, [])
    return Derived(None)


def previous_meeting_start(meetings, treaty: str, on: date) -> date | None:
    """The opening day of the last formal meeting of `treaty` that ended before `on` (a meeting under way on
    `on` is the one speaking, not the previous one); None when the meetings table has none."""
    ended = [m for (t, _), m in obligations.meeting_index(meetings).items() if t == treaty and m.end < on]
    return max(ended, key=lambda m: m.end).start if ended else None


def _completions(data, measure: str, treaty: str, on: date, basis: str) -> Derived:
    if measure.endswith("_cumulative"):  # declared complete and not re-opened since (Burundi 2013, Jordan 2014)
        hist = obligations.history(data, treaty, "clearance", on, basis)
        return _from_status(hist, COMPLETED)
    table = obligations.completion_events(data.clearance_events, treaty, data.meetings, data.treaty_events, basis)
    dated = table.dropna(subset=["declared"])
    if measure.endswith("_in_year"):
        in_year = dated["declared"].map(lambda d: d.year == on.year and d <= on)
        dated = dated.loc[(dated["counts"] & in_year).astype(bool)]
    else:
        dated = dated[dated["declared"] <= on]
    undated = sorted(set(table.loc[table["declared"].isna(), "iso3"]) - set(dated["iso3"]))
    return Derived(dated["iso3"].nunique(), sorted(set(dated["iso3"])), undated)


def _undetermined(hist: pd.DataFrame) -> list[str]:
    return sorted(hist.loc[hist["status"] == "undetermined", "iso3"]) if len(hist) else []


def _from_status(hist: pd.DataFrame, wanted) -> Derived:
    if hist.empty:
        return Derived(0, [], [])
    chosen = hist["status"].isin(wanted)
    if "pending" in wanted:  # an extension whose new deadline the record lacks: still owing, whatever the date
        chosen |= (hist["status"] == "undetermined") & hist["reason"].str.contains("new deadline is not in the data")
    return Derived(int(chosen.sum()), sorted(hist.loc[chosen, "iso3"]), _undetermined(hist))


def derive_use(data, measure: str, edition: str | None) -> Derived:
    """Users named by one Monitor edition (use_reports.csv), counted like the edition counts them."""
    if not edition:
        return Derived(None)
    weapon = "cm" if measure.endswith("_cm") else "apm"
    actor = "nsag" if "nsag" in measure else "government"
    use = data.use_reports
    rows = use[(use["edition"] == edition) & (use["weapon"] == weapon) & (use["actor_type"] == actor)]
    if rows.empty:
        return Derived(None)
    confirmed = rows[rows["confirmed"].fillna("confirmed") == "confirmed"]
    if actor == "government":  # the Monitor counts states; forces of an other area (Nagorno-Karabakh) apart
        kinds = country_table().set_index("iso3")["kind"]
        confirmed = confirmed[confirmed["place"].map(kinds) == "state"]
    places = sorted(set(confirmed["place"]))
    return Derived(len(places), places, sorted(set(rows["place"]) - set(places)))
