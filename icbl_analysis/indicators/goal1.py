"""Goal 1: no more use of antipersonnel mines or cluster munitions."""

from __future__ import annotations

from datetime import date

from .. import obligations, treaties
from . import indicator, rows_frame

UNTC = "treaty_events.csv (depositary and Monitor records, cited per row)"


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
                "source_url": UNTC,
                "note": f"counted from deposit at 31 December {r.year}; {note}",
            }
        )
    return rows_frame(rows)


@indicator("G1.I01")
def new_ccm_states_parties(data, years, vintage):
    return _parties_rows(data, "CCM", years, new_only=True)


@indicator("G1.I14")
def mbt_states_parties(data, years, vintage):
    return _parties_rows(data, "MBT", years, new_only=False)


def _stockpile_completed(data, treaty: str, years):
    rows = []
    for year in years:
        on = date(year, 12, 31)
        hist = obligations.stockpile_history(data.treaty_events, data.stockpile_events, treaty, on, data.meetings)
        done = hist[hist["status"].isin(["completed_on_time", "completed_late"])] if len(hist) else hist
        late = hist[hist["status"] == "missed_outstanding"] if len(hist) else hist
        rows.append(
            {
                "year": year,
                "value": len(done),
                "unit": "states",
                "source_url": "stockpile_events.csv",
                "note": ("missed deadline, still destroying: " + ", ".join(late["iso3"]))
                if len(late)
                else "counts only States Parties whose completion is recorded in the data",
            }
        )
    return rows_frame(rows)


@indicator("G1.I06")
def ccm_stockpile_completed(data, years, vintage):
    return _stockpile_completed(data, "CCM", years)


@indicator("G1.I10")
def mbt_stockpile_completed(data, years, vintage):
    return _stockpile_completed(data, "MBT", years)
