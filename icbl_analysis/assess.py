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


def reference(frame: pd.DataFrame, baseline: int, year: int):
    """(year, value, qualifier, unit) to compare the review year with: the baseline, or when it has no
    value the first later year before the review year that has one; (baseline, None, None, None) if none."""
    base, base_q, unit = _value(frame, baseline)
    if base is not None:
        return baseline, base, base_q, unit
    later = frame[(frame["year"] > baseline) & (frame["year"] < year)].dropna(subset=["value"])
    if later.empty:
        return baseline, None, None, None
    first = later.sort_values("year").iloc[0]
    return int(first["year"]), float(first["value"]), first["qualifier"], first["unit"]


def rate_indicator(frame: pd.DataFrame, rule: str, baseline: int, year: int) -> tuple[str, str]:
    """(status, reason) for one indicator's yearly rows."""
    now, now_q, unit_now = _value(frame, year)
    if rule == "positive_each_year":
        if year <= baseline:
            return "insufficient data", "the review year is not after the baseline"
        span = frame[(frame["year"] > baseline) & (frame["year"] <= year)]
        known = span.dropna(subset=["value"])
        if known.empty:
            return "insufficient data", f"no values for {baseline + 1}-{year}"
        positive = known[known["value"] > 0]
        detail = (
            f"{len(positive)} of {len(known)} years from {baseline + 1} to {year} had at least one "
            f"(total {known['value'].sum():.0f})"
        )
        if len(positive) == len(span):
            return "on track", detail
        return ("at risk" if len(positive) else "off track"), detail
    ref_year, base, base_q, unit = reference(frame, baseline, year)
    if base is None or now is None:
        missing = [str(y) for y, v in ((baseline, base), (year, now)) if v is None]
        return "insufficient data", f"no value for {' and '.join(missing)}"
    unit = unit_now or unit or ""
    note = f"; no {baseline} value, compared with {ref_year}" if ref_year != baseline else ""
    text = f"{format_value(now, now_q, unit)} in {year} against {format_value(base, base_q, unit)} in {ref_year}"
    better = " (lower is better)" if rule == "decrease" else " (higher is better)"
    if rule == "decrease":
        improved = now == 0 or now < base
    else:
        improved = now > base
    if improved:
        return "on track", text + better + note
    return ("at risk" if now == base else "off track"), text + better + note


def rate_all(values: pd.DataFrame, catalogue: pd.DataFrame, baseline: int, year: int) -> pd.DataFrame:
    """One rating per indicator: id, goal, objective, indicator, status, reason, and the reference and
    review values as text (the reference year is named when it is not the baseline)."""
    rules = catalogue.set_index("id")["rule"]
    rows = []
    for ind_id, frame in values.groupby("indicator_id", sort=False):
        status, reason = rate_indicator(frame, rules[ind_id], baseline, year)
        first = frame.iloc[0]
        ref_year, base, base_q, unit = reference(frame, baseline, year)
        now, now_q, unit_now = _value(frame, year)
        base_text = "no data" if base is None else format_value(base, base_q, unit or "")
        if base is not None and ref_year != baseline:
            base_text += f" ({ref_year})"
        rows.append(
            {
                "indicator_id": ind_id,
                "goal": first["goal"],
                "objective": first["objective"],
                "indicator": first["indicator"],
                "answerable_from": first["answerable_from"],
                "baseline_value": base_text,
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
