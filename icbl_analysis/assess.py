"""Status ratings by explicit rules, each stored with its reason.

Per indicator (rule named in data/indicators.csv):
- increase: review-year value above the baseline -> on track; equal -> at risk; below -> off track.
- decrease: below the baseline -> on track; equal -> at risk; above -> off track (zero is on track).
- positive_each_year: at least one in every year from the year after the baseline to the review
  year -> on track; in some years -> at risk; in none -> off track.
When the baseline year has no value, the first later year before the review year that has one is
the reference, and the reason says so. No value for the review year, or no reference -> insufficient data.
Objectives and goals: insufficient data when no indicator has data; otherwise the worst rating
among indicators with data (off track > at risk > on track).
"""

from __future__ import annotations

import pandas as pd

from .facts import format_value

STATUSES = ["on track", "at risk", "off track", "insufficient data"]
_SEVERITY = {"on track": 0, "at risk": 1, "off track": 2}


def _value(frame: pd.DataFrame, year: int):
    hit = frame[frame["year"] == year]
    if hit.empty or pd.isna(hit.iloc[0]["value"]):
        return None, None, None
    r = hit.iloc[0]
    return float(r["value"]), r["qualifier"], r["unit"]


def rate_indicator(frame: pd.DataFrame, rule: str, baseline: int, year: int) -> tuple[str, str]:
    """(status, reason) for one indicator's yearly rows."""
    base, base_q, unit = _value(frame, baseline)
    now, now_q, unit_now = _value(frame, year)
    unit = unit_now or unit or ""
    if rule == "positive_each_year":
        span = frame[(frame["year"] > baseline) & (frame["year"] <= year)]
        known = span.dropna(subset=["value"])
        if known.empty:
            return "insufficient data", f"no values for {baseline + 1}-{year}"
        positive = known[known["value"] > 0]
        detail = (
            f"{len(positive)} of {len(known)} years from {baseline + 1} to {year} had at least one "
            f"(total {known['value'].sum():.0f})"
        )
        if year <= baseline:
            return "insufficient data", "the review year is not after the baseline"
        if len(positive) == len(span):
            return "on track", detail
        return ("at risk" if len(positive) else "off track"), detail
    ref_year, note = baseline, ""
    if base is None:
        later = frame[(frame["year"] > baseline) & (frame["year"] < year)].dropna(subset=["value"])
        if len(later):
            first = later.sort_values("year").iloc[0]
            ref_year, base, base_q = int(first["year"]), float(first["value"]), first["qualifier"]
            note = f"; no {baseline} value, compared with {ref_year}"
    if base is None or now is None:
        missing = [str(y) for y, v in ((baseline, base), (year, now)) if v is None]
        return "insufficient data", f"no value for {' and '.join(missing)}"
    text = f"{format_value(now, now_q, unit)} in {year} against {format_value(base, base_q, unit)} in {ref_year}"
    text_note = note
    if rule == "decrease":
        if now == 0 or now < base:
            return "on track", text + " (lower is better)" + text_note
        return ("at risk" if now == base else "off track"), text + " (lower is better)" + text_note
    if now > base:
        return "on track", text + " (higher is better)" + text_note
    return ("at risk" if now == base else "off track"), text + " (higher is better)" + text_note


def rate_all(values: pd.DataFrame, catalogue: pd.DataFrame, baseline: int, year: int) -> pd.DataFrame:
    """One rating per indicator: id, goal, objective, indicator, status, reason, baseline and review values."""
    rules = catalogue.set_index("id")["rule"]
    rows = []
    for ind_id, frame in values.groupby("indicator_id", sort=False):
        status, reason = rate_indicator(frame, rules[ind_id], baseline, year)
        first = frame.iloc[0]
        base, base_q, unit = _value(frame, baseline)
        now, now_q, unit_now = _value(frame, year)
        rows.append(
            {
                "indicator_id": ind_id,
                "goal": first["goal"],
                "objective": first["objective"],
                "indicator": first["indicator"],
                "answerable_from": first["answerable_from"],
                "baseline_value": format_value(base, base_q, unit or "") if base is not None else "no data",
                "review_value": format_value(now, now_q, unit_now or "") if now is not None else "no data",
                "status": status,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows)


def roll_up(ratings: pd.DataFrame, by: str) -> pd.DataFrame:
    """Objective (by='objective') or goal (by='goal') ratings from indicator ratings."""
    rows = []
    for key, group in ratings.groupby(by, sort=True):
        rated = group[group["status"] != "insufficient data"]
        counts = group["status"].value_counts()
        summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES if counts.get(s, 0))
        if rated.empty:
            status = "insufficient data"
        else:
            status = max(rated["status"], key=_SEVERITY.get)
        rows.append({by: key, "status": status, "indicators": len(group), "reason": summary})
    return pd.DataFrame(rows)
