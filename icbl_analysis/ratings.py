"""Ratings by explicit rules, each stored with its reason in words.

Per indicator (rule named in data/indicators.csv):
- increase: the review-year value above the reference -> on track; equal -> at risk; below -> off track.
- decrease: below the reference -> on track (zero is on track); equal -> at risk; above -> off track.
- positive_each_year: at least one in every year after the baseline up to the review year -> on track; in
  some years -> at risk; in none -> off track.
The reference is the baseline year's value; when the baseline has none, the first later year before the
review year that has one (the reason names it). A value with a qualifier is a range ("more than 140" is
above 140): a change counts only where the ranges do not overlap, otherwise the comparison is undecided.

Statuses that are not a judgement:
- "no data found": a public indicator without a value for the review year or any reference year;
- "not assessable from public data": an indicator only the campaign's own records answer, not supplied;
- "baseline year": the review year is the baseline, there is nothing to compare yet.
Objectives and goals take the worst rating among their rated indicators (off track > at risk > on track)
and say how many could not be rated.
"""

from __future__ import annotations

import math

import pandas as pd

from .facts import format_value

RATED = ["on track", "at risk", "off track"]
NOT_RATED = ["no data found", "not assessable from public data", "baseline year"]
STATUSES = RATED + NOT_RATED
_SEVERITY = {"on track": 0, "at risk": 1, "off track": 2}


def _value(frame: pd.DataFrame, year: int):
    hit = frame[frame["year"] == year]
    if hit.empty or pd.isna(hit.iloc[0]["value"]):
        return None, None, None
    r = hit.iloc[0]
    qualifier = r["qualifier"] if isinstance(r["qualifier"], str) and r["qualifier"] else None
    return float(r["value"]), qualifier, r["unit"] if isinstance(r["unit"], str) else None


def reference(frame: pd.DataFrame, baseline: int, year: int):
    """(year, value, qualifier, unit) to compare the review year with: the baseline, or when it has no
    value the first later year before the review year that has one; (baseline, None, None, None) if none."""
    base, base_q, unit = _value(frame, baseline)
    if base is not None:
        return baseline, base, base_q, unit
    later = frame[(frame["year"] > baseline) & (frame["year"] < year)].dropna(subset=["value"])
    if later.empty:
        return baseline, None, None, None
    first = int(later.sort_values("year").iloc[0]["year"])
    value, qualifier, unit = _value(frame, first)
    return first, value, qualifier, unit


def _range(value: float, qualifier: str | None) -> tuple[float, float]:
    if qualifier in ("at least",):
        return value, math.inf
    if qualifier == "more than":
        return math.nextafter(value, math.inf), math.inf
    if qualifier == "fewer than":
        return -math.inf, math.nextafter(value, -math.inf)
    if qualifier == "about":
        return value * 0.95, value * 1.05
    return value, value


def compare(now: float, now_q, base: float, base_q) -> str | None:
    """'higher', 'lower', 'equal', or None when the ranges overlap and nothing can be said."""
    low_now, high_now = _range(now, now_q)
    low_base, high_base = _range(base, base_q)
    if low_now > high_base:
        return "higher"
    if high_now < low_base:
        return "lower"
    if low_now == high_now == low_base == high_base:
        return "equal"
    return None


def rate_indicator(frame: pd.DataFrame, rule: str, baseline: int, year: int, researcher: bool = False):
    """(status, reason) for one indicator's yearly rows."""
    unit = next((u for u in frame["unit"] if isinstance(u, str) and u), "")
    if frame["value"].isna().all() and researcher:
        return "not assessable from public data", "awaiting the campaign's records (the records workbook answers it)"
    if year <= baseline:
        now, now_q, _ = _value(frame, year)
        shown = format_value(now, now_q, unit) if now is not None else "no value"
        return "baseline year", f"{year} is the plan's baseline ({shown}); later reviews compare with it"
    if rule == "positive_each_year":
        span = frame[(frame["year"] > baseline) & (frame["year"] <= year)]
        known = span.dropna(subset=["value"])
        if known.empty:
            return "no data found", f"no value for {baseline + 1}-{year}"
        positive = known[known["value"] > 0]
        this_year = _value(frame, year)[0]
        detail = (
            f"{format_value(this_year, None, unit) if this_year is not None else 'no value'} in {year}; "
            f"{'yes' if unit == 'yes_no' else 'at least one'} in {len(positive)} of the {len(span)} years "
            f"{baseline + 1}-{year}"
        )
        if len(positive) == len(span):
            return "on track", detail
        return ("at risk" if len(positive) else "off track"), detail
    now, now_q, _ = _value(frame, year)
    ref_year, base, base_q, _ = reference(frame, baseline, year)
    if now is None:
        return "no data found", f"no value for {year} in the public record collected"
    if base is None:
        return "no data found", f"{format_value(now, now_q, unit)} in {year}, but no earlier value to compare with"
    text = f"{format_value(base, base_q, unit)} in {ref_year}, {format_value(now, now_q, unit)} in {year}"
    note = f" (no {baseline} value: compared with {ref_year})" if ref_year != baseline else ""
    direction = compare(now, now_q, base, base_q)
    wanted = "lower" if rule == "decrease" else "higher"
    if direction is None:
        return "no data found", f"{text}: the published figures are ranges that overlap, so no change shows{note}"
    if direction == wanted or (rule == "decrease" and now == 0 and now_q is None):
        return "on track", f"{text}: {wanted}, as the plan seeks{note}"
    if direction == "equal":
        return "at risk", f"{text}: no change{note}"
    return "off track", f"{text}: {direction}, the plan seeks {wanted}{note}"


def rate_all(values: pd.DataFrame, catalogue: pd.DataFrame, baseline: int, year: int) -> pd.DataFrame:
    """One rating per indicator: id, goal, objective, indicator, short name, status, reason, and the
    reference and review values as text (the reference year is named when it is not the baseline)."""
    entries = catalogue.set_index("id")
    rows = []
    for ind_id, frame in values.groupby("indicator_id", sort=False):
        entry = entries.loc[ind_id]
        researcher = entry["answered_by"] == "researcher"
        status, reason = rate_indicator(frame, entry["rule"], baseline, year, researcher)
        ref_year, base, base_q, unit = reference(frame, baseline, year)
        now, now_q, unit_now = _value(frame, year)
        unit = unit_now or unit or (entry["unit"] if isinstance(entry["unit"], str) else "")
        base_text = "no data" if base is None else format_value(base, base_q, unit)
        if base is not None and ref_year != baseline:
            base_text += f" ({ref_year})"
        rows.append(
            {
                "indicator_id": ind_id,
                "goal": int(entry["goal"]),
                "objective": entry["objective"],
                "indicator": entry["text"],
                "short_name": entry["short_name"],
                "answerable_from": "researcher" if researcher else "public",
                "plan": entry["plan"] == "yes",
                "baseline_value": base_text,
                "review_value": format_value(now, now_q, unit) if now is not None else "no data",
                "status": status,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows)


def roll_up(ratings: pd.DataFrame, by: str) -> pd.DataFrame:
    """Objective (by='objective') or goal (by='goal') ratings from the plan's indicator ratings: the worst
    rated one, and how many could not be rated."""
    plan = ratings[ratings["plan"]] if "plan" in ratings else ratings
    rows = []
    for key, group in plan.groupby(by, sort=True):
        rated = group[group["status"].isin(RATED)]
        counts = group["status"].value_counts()
        summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES if counts.get(s, 0))
        if rated.empty:
            status = "baseline year" if (group["status"] == "baseline year").all() else "not rated"
        else:
            status = max(rated["status"], key=_SEVERITY.get)
        rows.append(
            {
                by: key,
                "status": status,
                "indicators": len(group),
                "rated": len(rated),
                "reason": f"{len(rated)} of {len(group)} indicators rated: {summary}",
            }
        )
    return pd.DataFrame(rows)
