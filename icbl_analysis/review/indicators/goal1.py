"""Goal 1: no more use of antipersonnel mines or cluster munitions."""

from __future__ import annotations

from datetime import date

from ...engine import obligations, treaties
from .registry import indicator, rows_frame

TREATY_TABLE = "treaty_events.csv (depositary and Monitor records, cited per row)"


def _parties_rows(data, treaty: str, years, new_only: bool):
    table = treaties.parties_by_year(data.treaty_events, treaty, years)
    rows = []
    for r in table.itertuples():
        value = len(r.joined) if new_only else r.states_parties
        note = f"joined: {', '.join(r.joined) or 'none'}" + (f"; left: {', '.join(r.left)}" if r.left else "")
        if r.undetermined:
            note += f"; not counted, date of joining unknown: {', '.join(r.undetermined)}"
        rows.append(
            {
                "year": r.year,
                "value": value,
                "unit": "states",
                "source_url": TREATY_TABLE,
                "note": f"counted from deposit at 31 December {r.year}; {note}",
                "basis": "counted from deposit",
            }
        )
    return rows_frame(rows)


@indicator("G1.I01")
def new_ccm_states_parties(data, years, vintage, published_by=None):
    return _parties_rows(data, "CCM", years, new_only=True)


@indicator("G1.I14")
def mbt_states_parties(data, years, vintage, published_by=None):
    return _parties_rows(data, "MBT", years, new_only=False)


def _stockpile_completed(data, treaty: str, years):
    rows = []
    for year in years:
        on = date(year, 12, 31)
        hist = obligations.history(data, treaty, "stockpile", on)
        done = hist[hist["status"].isin(obligations.COMPLETED)] if len(hist) else hist
        late = hist[hist["status"] == "missed_outstanding"] if len(hist) else hist
        open_ = hist[hist["status"] == "undetermined"] if len(hist) else hist
        notes = []
        reopened = hist[hist["reopened"].notna() & ~hist["status"].isin(obligations.COMPLETED)] if len(hist) else hist
        if len(reopened):
            notes.append("declared complete, then re-opened by stock found later, not counted: "
                         + ", ".join(reopened["state"]))  # fmt: skip
        if len(late):
            notes.append("missed deadline, still destroying: " + ", ".join(late["state"]))
        if len(open_):
            notes.append("status open (undated evidence): " + ", ".join(open_["state"]))
        rows.append(
            {
                "year": year,
                "value": len(done),
                "unit": "states",
                "source_url": "stockpile_events.csv",
                "note": "; ".join(
                    [*notes, "counted as the treaty secretariats count (the States Parties' declarations)"]
                )
                if notes
                else "every recorded stockpile accounted for, counted as the treaty secretariats count",
                "basis": "treaty",
            }
        )
    return rows_frame(rows)


@indicator("G1.I06")
def ccm_stockpile_completed(data, years, vintage, published_by=None):
    return _stockpile_completed(data, "CCM", years)


@indicator("G1.I10")
def mbt_stockpile_completed(data, years, vintage, published_by=None):
    return _stockpile_completed(data, "MBT", years)


@indicator("G1.I11")
def retained_mines_reduced(data, years, vintage, published_by=None):
    """States Parties whose declared retained mines fell from their previous declaration, by the year of the
    lower declaration; only states with two declarations in the table count, so this is a lower bound."""
    retained = data.retained_mines.dropna(subset=["year", "quantity"])
    retained = retained.sort_values(["iso3", "year", "edition"], na_position="last").drop_duplicates(["iso3", "year"])
    by_state = {iso3: list(zip(g["year"], g["quantity"], strict=True)) for iso3, g in retained.groupby("iso3")}
    rows = []
    for year in years:
        fell, covered = [], 0
        for iso3, series in by_state.items():
            earlier = [(y, q) for y, q in series if y < year]
            now = [q for y, q in series if y == year]
            if earlier and now:
                covered += 1
                if now[0] < earlier[-1][1]:
                    fell.append(iso3)
        rows.append(
            {
                "year": year,
                "value": len(fell) if covered else None,
                "unit": "states",
                "qualifier": "at least" if covered else None,
                "source_url": "retained_mines.csv",
                "note": (
                    f"{len(fell)} of the {covered} States Parties with a declaration for {year} and an earlier one "
                    f"declared fewer retained mines: {', '.join(fell) or 'none'}; states without two declarations "
                    "are not covered"
                )
                if covered
                else "no State Party has declarations for this year and an earlier one in the table",
            }
        )
    return rows_frame(rows)
