"""The obligation engine: treaty rules applied to dated membership events.

Nothing stores "is party": every status, date and deadline is derived here from the events in
`treaty_events.csv` and the rules of the treaty texts (MBT Art. 4, 5, 17, 20; CCM Art. 3, 4, 17, 20).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..core.errors import DataError


@dataclass(frozen=True)
class TreatyRules:
    name: str
    in_force: date  # the treaty's own entry into force
    threshold_deposit: date  # deposit of the instrument that triggered it (MBT 40th, CCM 30th)
    stockpile_years: int  # MBT Art. 4 / CCM Art. 3(2)
    clearance_years: int  # MBT Art. 5(1) / CCM Art. 4(1)(a)
    withdrawal_months: int = 6  # Art. 20(2)-(3) of both


RULES = {
    "MBT": TreatyRules("Mine Ban Treaty", date(1999, 3, 1), date(1998, 9, 16), 4, 10),
    "CCM": TreatyRules("Convention on Cluster Munitions", date(2010, 8, 1), date(2010, 2, 16), 8, 10),
}

STATUSES = ["not_party", "signatory", "deposited", "in_force", "withdrawing", "withdrawn", "undetermined"]
PARTY_STATUSES = {"deposit": {"deposited", "in_force", "withdrawing"}, "entry_into_force": {"in_force", "withdrawing"}}

# Where sources give different dates for one event: a deposit date consistent with the entry into force
# the same source quotes wins; then the most authoritative source; then the earlier date.
SOURCE_RANK = ["treaties.un.org", "apminebanconvention.org", "clusterconvention.org", "the-monitor.org"]


def rules(treaty: str) -> TreatyRules:
    if treaty not in RULES:
        raise DataError(f"unknown treaty; use one of {sorted(RULES)}", column="treaty", value=treaty)
    return RULES[treaty]


def as_date(value) -> date:
    """Accept a date, a datetime, a pandas Timestamp or an ISO string."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value if type(value) is date else date(value.year, value.month, value.day)
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DataError("expected a date YYYY-MM-DD", column="date", value=value) from None


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clipped to the month's end (31 Aug + 6 -> 28/29 Feb)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def entry_into_force(treaty: str, deposit: date) -> date:
    """Art. 17: the treaty's own date for early depositors, else the first day of the sixth
    month after the month of deposit (Oman 20 Aug 2014 -> 1 Feb 2015)."""
    r = rules(treaty)
    deposit = as_date(deposit)
    if deposit <= r.threshold_deposit:
        return r.in_force
    sixth = add_months(date(deposit.year, deposit.month, 1), 6)
    return sixth


def stockpile_deadline(treaty: str, entry_into_force_date: date) -> date:
    """MBT Art. 4: 4 years; CCM Art. 3(2): 8 years after entry into force for the state."""
    return add_years(as_date(entry_into_force_date), rules(treaty).stockpile_years)


def clearance_deadline(treaty: str, entry_into_force_date: date) -> date:
    """Original deadline, MBT Art. 5(1) / CCM Art. 4(1)(a): 10 years after entry into force."""
    return add_years(as_date(entry_into_force_date), rules(treaty).clearance_years)


def withdrawal_effective(treaty: str, notice: date) -> date:
    """Art. 20: six months after the notice (Estonia 27 Jun 2025 -> 27 Dec 2025)."""
    return add_months(as_date(notice), rules(treaty).withdrawal_months)


def _source_rank(url: str) -> int:
    for i, domain in enumerate(SOURCE_RANK):
        if domain in (url or ""):
            return i
    return len(SOURCE_RANK)


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts, missing cells as None (the engine's loops are faster on these than on pandas)."""
    return [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
        for row in frame.to_dict("records")
    ]


def _pick(rows: list[dict]) -> tuple[dict | None, str]:
    """The row to use for one event, and a note on any disagreement between sources."""
    if not rows:
        return None, ""

    def inconsistent(row) -> bool:
        """A deposit whose own quoted entry into force contradicts Art. 17 is probably a domestic date."""
        quoted = row.get("quoted_entry_into_force")
        if row["event"] != "deposit" or quoted is None or row.get("instrument") == "succession":
            return False
        return entry_into_force(row["treaty"], row["date"]) != quoted

    ranked = sorted(rows, key=lambda r: (inconsistent(r), _source_rank(r["source_url"]), r["date"]))
    chosen = ranked[0]
    others = sorted({r["date"] for r in ranked if r["date"] != chosen["date"]})
    note = ""
    if others:
        note = (
            f"{chosen['event']}: sources differ ({', '.join(str(d) for d in others)}); "
            f"used {chosen['date']} from {chosen['source_url']}"
        )
    return chosen, note


_MEMBERSHIP_CACHE: dict[tuple[int, str], tuple[pd.DataFrame, pd.DataFrame]] = {}


def membership(events: pd.DataFrame, treaty: str) -> pd.DataFrame:
    """`_membership`, remembered per events table (the tables are never modified after loading)."""
    key = (id(events), treaty)
    hit = _MEMBERSHIP_CACHE.get(key)
    if hit is None or hit[0] is not events:
        if len(_MEMBERSHIP_CACHE) > 16:
            _MEMBERSHIP_CACHE.clear()
        hit = (events, _membership(events, treaty))
        _MEMBERSHIP_CACHE[key] = hit
    return hit[1].copy()


def _membership(events: pd.DataFrame, treaty: str) -> pd.DataFrame:
    """One row per state that ever signed or joined `treaty`, with every derived date.

    Columns: iso3, state, signature, deposit, instrument, entry_into_force, quoted_entry_into_force,
    stockpile_deadline, clearance_deadline, withdrawal_notice, withdrawal_effective,
    withdrawal_pending (Art. 20(3) delay recorded), conflicts.
    """
    rules(treaty)
    by_state: dict[str, list[dict]] = {}
    for row in _records(events[events["treaty"] == treaty]):
        by_state.setdefault(row["iso3"], []).append(row)
    out = []
    for iso3, rows in sorted(by_state.items()):
        picked, notes = {}, []
        for event in [
            "signature",
            "deposit",
            "withdrawal_notice",
            "withdrawal_effective",
            "withdrawal_suspended",
            "party_confirmed",
        ]:
            row, note = _pick([r for r in rows if r["event"] == event])
            picked[event] = row
            if note:
                notes.append(note)
        dep = picked["deposit"]
        eif = None
        if dep is not None:
            eif = entry_into_force(treaty, dep["date"])
            if dep["instrument"] == "succession":
                # A successor state is bound from its succession (independence), as the depositary records it.
                eif = dep["quoted_entry_into_force"] or dep["date"]
        notice = picked["withdrawal_notice"]
        effective = picked["withdrawal_effective"]
        suspended = picked["withdrawal_suspended"] is not None and effective is None
        if effective is not None:
            eff_date = effective["date"]
        elif notice is not None and not suspended:
            eff_date = withdrawal_effective(treaty, notice["date"])
        else:
            eff_date = None
        name_row = dep if dep is not None else rows[0]
        out.append(
            {
                "iso3": iso3,
                "state": name_row["state"],
                "signature": picked["signature"]["date"] if picked["signature"] is not None else None,
                "deposit": dep["date"] if dep is not None else None,
                "instrument": dep["instrument"] if dep is not None else None,
                "entry_into_force": eif,
                "quoted_entry_into_force": dep["quoted_entry_into_force"] if dep is not None else None,
                "stockpile_deadline": stockpile_deadline(treaty, eif) if eif else None,
                "clearance_deadline": clearance_deadline(treaty, eif) if eif else None,
                "withdrawal_notice": notice["date"] if notice is not None else None,
                "withdrawal_effective": eff_date,
                "withdrawal_pending": bool(suspended),
                "party_confirmed": picked["party_confirmed"]["date"] if picked["party_confirmed"] is not None else None,
                "deposit_source": dep["source_url"] if dep is not None else None,
                "conflicts": "; ".join(notes),
            }
        )
    return pd.DataFrame(out)


def status_on(member: pd.Series | dict, on) -> str:
    """Status of one membership row on a date: not_party, signatory, deposited, in_force,
    withdrawing or withdrawn."""
    on = as_date(on)
    m = member
    if m["withdrawal_effective"] is not None and m["withdrawal_effective"] <= on:
        return "withdrawn"
    if m["withdrawal_notice"] is not None and m["withdrawal_notice"] <= on:
        return "withdrawing"
    if (
        m["entry_into_force"] is not None
        and m["entry_into_force"] <= on
        and (m["deposit"] is None or m["deposit"] <= on)
    ):
        # a successor state is bound from its independence, but only once it has deposited its notification
        return "in_force"
    if m["deposit"] is not None and m["deposit"] <= on:
        return "deposited"
    confirmed = m.get("party_confirmed")
    if m["deposit"] is None and confirmed is not None and not pd.isna(confirmed):
        # Deposit date unknown: a party from the date a source confirms it, undetermined before.
        return "in_force" if confirmed <= on else "undetermined"
    if m["signature"] is not None and m["signature"] <= on:
        return "signatory"
    return "not_party"


def status_of(data, treaty: str, on) -> pd.DataFrame:
    """`status_table` of the treaty events of `data` (a ReviewData), computed once per date."""
    return data.cached(("status", treaty, on), lambda: status_table(data.treaty_events, treaty, on))


def status_table(events: pd.DataFrame, treaty: str, on) -> pd.DataFrame:
    """`membership` plus each state's status on the date `on`."""
    table = membership(events, treaty)
    table.insert(2, "status", [status_on(row, on) for _, row in table.iterrows()])
    return table


def _check_basis(basis: str) -> None:
    if basis not in PARTY_STATUSES:
        raise DataError(
            "basis must be 'deposit' (as the Monitor counts) or 'entry_into_force' (as the law does)",
            column="basis",
            value=basis,
        )


def states_parties(events: pd.DataFrame, treaty: str, on, basis: str = "deposit") -> pd.DataFrame:
    """States Parties on a date. basis='deposit' counts from the deposit of the instrument
    (the Monitor's and the campaign's count); basis='entry_into_force' counts as the law does."""
    _check_basis(basis)
    table = status_table(events, treaty, on)
    parties = table[table["status"].isin(PARTY_STATUSES[basis])].copy()
    parties["party_since"] = parties["deposit" if basis == "deposit" else "entry_into_force"]
    unknown = parties["party_since"].isna()
    parties.loc[unknown, "party_since"] = parties.loc[unknown, "party_confirmed"]  # earliest confirmation
    return parties.reset_index(drop=True)


def count_states_parties(events: pd.DataFrame, treaty: str, on, basis: str = "deposit") -> int:
    """States Parties on a date whose membership the data establishes (see `undetermined`)."""
    return len(states_parties(events, treaty, on, basis))


def undetermined(events: pd.DataFrame, treaty: str, on) -> list[str]:
    """States whose status on `on` the data cannot establish (a party later, deposit date unknown)."""
    table = status_table(events, treaty, on)
    return sorted(table.loc[table["status"] == "undetermined", "iso3"])


def ordinal(events: pd.DataFrame, treaty: str, iso3: str) -> int:
    """The state's rank among all deposits (Oman was the 162nd MBT State Party). States whose deposit
    date is unknown count as earlier once a source confirms them as parties; before that they are
    `undetermined` and not counted."""
    members = membership(events, treaty)
    table = members.dropna(subset=["deposit"]).sort_values(["deposit", "iso3"])
    ranks = {code: i + 1 for i, code in enumerate(table["iso3"])}
    if iso3 not in ranks:
        raise DataError(f"has not deposited an instrument for the {treaty}", column="iso3", value=iso3)
    deposit = table.set_index("iso3").at[iso3, "deposit"]
    confirmed = members["deposit"].isna() & members["party_confirmed"].map(
        lambda d: d is not None and not pd.isna(d) and d <= deposit
    )
    return ranks[iso3] + int(confirmed.sum())


def parties_by_year(events: pd.DataFrame, treaty: str, years, basis: str = "deposit") -> pd.DataFrame:
    """States Parties at the end of each year, with joiners and leavers in the year."""
    _check_basis(basis)
    members = [r._asdict() for r in membership(events, treaty).itertuples()]
    parties = PARTY_STATUSES[basis]

    def statuses(day: date) -> dict[str, str]:
        return {m["iso3"]: status_on(m, day) for m in members}

    rows = []
    for year in years:
        before, now = statuses(date(year - 1, 12, 31)), statuses(date(year, 12, 31))
        in_now = {c for c, s in now.items() if s in parties}
        in_before = {c for c, s in before.items() if s in parties}
        was_unsure = {c for c, s in before.items() if s == "undetermined"}
        rows.append(
            {
                "year": year,
                "treaty": treaty,
                "basis": basis,
                "states_parties": len(in_now),
                "joined": sorted(in_now - in_before - was_unsure),  # a state confirmed late did not join that year
                "left": sorted(in_before - in_now),
                "undetermined": sorted(c for c, s in now.items() if s == "undetermined"),
            }
        )
    return pd.DataFrame(rows)
