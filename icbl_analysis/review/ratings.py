"""Ratings by explicit rules, each stored with its reason in words; only like is compared with like.

Per indicator (rule named in data/indicators.csv):
- increase: the review-year value above the reference -> on track; equal -> at risk; below -> off track.
- decrease: below the reference -> on track (zero is on track); equal -> at risk; above -> off track.
- positive_each_year: at least one in every year after the baseline up to the review year -> on track; in
  some years -> at risk; in none -> off track.

Like with like: every value carries its definition (`LIKE`: the measure, e.g. land released or land cleared
only; the states it covers, all states and areas or States Parties only; a caution on its row, e.g.
"victim-assistance contributions only"). A value is compared only with a reference of the same definition:
the baseline year's value, or when the baseline has none of that definition, the first later year before the
review year that has one (the reason names it). All values of one review come from one vintage (as first
published, by default). A value with a qualifier is a range ("more than 140" is above 140): a change counts
only where the ranges do not overlap.

Statuses that are not a judgement:
- "no data found": no value for the review year, or no earlier value at all;
- "measured differently": values exist, but none of the same definition to compare with (the reason says which
  comparison is missing);
- "undecided: published range": a published lower bound (or an approximate figure) that does not settle the
  comparison;
- "not assessable from public data": an indicator only the campaign's own records answer, not supplied;
- "baseline year": the review year is the baseline, there is nothing to compare yet.
Objectives and goals take the worst rating among their rated indicators (off track > at risk > on track)
and say how many could not be rated.
"""

from __future__ import annotations

import math

import pandas as pd

from ..engine.facts import EDITION_PATTERN, edition_label, format_value

RATED = ["on track", "at risk", "off track"]
NOT_RATED = [
    "no data found",
    "measured differently",
    "undecided: published range",
    "not assessable from public data",
    "baseline year",
]
STATUSES = RATED + NOT_RATED
_SEVERITY = {"on track": 0, "at risk": 1, "off track": 2}
LIKE = ["measure", "coverage", "caveat"]  # the parts of a value's definition that must agree
BOUNDS = {"at least": "a lower bound", "more than": "a lower bound", "fewer than": "an upper bound",
          "about": "an approximate figure"}  # fmt: skip


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def definition(row: dict) -> tuple[str, str, str]:
    """What a value measures: (measure, coverage, caveat); a frame without these columns has one definition."""
    return tuple(_text(row.get(c)) for c in LIKE)


def _rows(frame: pd.DataFrame, year: int) -> list[dict]:
    return [r for r in frame[frame["year"] == year].to_dict("records") if not pd.isna(r["value"])]


def vintage_label(row: dict, vintage: str = "first") -> str:
    """For a figure another edition states otherwise: 'as first published in Landmine Monitor 2012', or 'as
    revised in Landmine Monitor 2013' where the value shown is not the first published one; else ''."""
    edition = _text(row.get("edition"))
    revised = row.get("revised")
    if revised is None or pd.isna(revised) or not revised or not EDITION_PATTERN.match(edition):
        return ""
    first_value, first_edition = row.get("first_value"), _text(row.get("first_edition"))
    if vintage != "first" and first_value is not None and not pd.isna(first_value) and first_value != row["value"]:
        return f"as revised in {edition_label(edition)}"
    return f"as first published in {edition_label(first_edition if EDITION_PATTERN.match(first_edition) else edition)}"


def value_text(
    row: dict | None, vintage: str = "first", unit: str = "", year: bool = False, in_year: bool = False
) -> str:
    """A value in words with its qualifier and unit, and its vintage where the figure was revised: '4,286 (as
    first published in Landmine Monitor 2012)'; with `year`, '65 (2012)'; with `in_year`, '65 in 2012'."""
    if row is None:
        return "no data"
    text = format_value(row["value"], _text(row.get("qualifier")) or None, _text(row.get("unit")) or unit)
    if in_year:
        text += f" in {int(row['year'])}"
    extra = [str(int(row["year"]))] if year else []
    label = vintage_label(row, vintage)
    extra += [label] if label else []
    return f"{text} ({', '.join(extra)})" if extra else text


def measure_words(row: dict, labels: dict[str, str], other: dict | None = None) -> str:
    """The definition of a value in words ('land cleared of mines'), with the states it covers where `other`
    covers others, and the caution on its row."""
    measure, coverage, caveat = definition(row)
    words = labels.get(measure, measure.replace("_", " "))
    words = words[:1].lower() + words[1:] if words[1:2].islower() else words
    covers = coverage if other is not None and definition(other)[1] != coverage else ""
    return ", ".join(w for w in (words, covers, caveat) if w)


def reference(frame: pd.DataFrame, baseline: int, year: int, like: dict | None = None) -> dict | None:
    """The row to compare the review year with: the baseline's value of the same definition as `like`, or when
    the baseline has none, the first later year before the review year that has one; None if none."""
    wanted = definition(like) if like is not None else None
    for candidate_year in [baseline] + sorted(set(frame["year"]) - {baseline}):
        if candidate_year < baseline or candidate_year >= year:
            continue
        for r in _rows(frame, candidate_year):
            if wanted is None or definition(r) == wanted:
                return r
    return None


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


def _pick(frame: pd.DataFrame, baseline: int, year: int) -> tuple[dict | None, dict | None]:
    """The review-year value and its like-for-like reference: the first review-year value (the indicator's own
    measure comes first) that has a reference of its definition, else the first review-year value alone."""
    now_rows = _rows(frame, year)
    for now in now_rows:
        ref = reference(frame, baseline, year, now)
        if ref is not None:
            return now, ref
    return (now_rows[0] if now_rows else None), None


def rate_indicator(frame: pd.DataFrame, rule: str, baseline: int, year: int, researcher: bool = False,
                   labels: dict[str, str] | None = None, vintage: str = "first"):  # fmt: skip
    """(status, reason) for one indicator's yearly rows."""
    labels = labels or {}
    unit = next((u for u in frame["unit"] if isinstance(u, str) and u), "")
    if frame["value"].isna().all() and researcher:
        return "not assessable from public data", "awaiting the campaign's records (the records workbook answers it)"
    if year <= baseline:
        now_rows = _rows(frame, year)
        shown = value_text(now_rows[0], vintage, unit) if now_rows else "no value"
        return "baseline year", f"{year} is the plan's baseline ({shown}); later reviews compare with it"
    if rule == "positive_each_year":
        span = frame[(frame["year"] > baseline) & (frame["year"] <= year)].drop_duplicates("year")
        known = span.dropna(subset=["value"])
        if known.empty:
            return "no data found", f"no value for {baseline + 1}-{year}"
        positive = known[known["value"] > 0]
        this_year = _rows(frame, year)
        detail = (
            f"{value_text(this_year[0], vintage, unit, in_year=True) if this_year else f'no value in {year}'}; "
            f"{'yes' if unit == 'yes_no' else 'at least one'} in {len(positive)} of the {len(span)} years "
            f"{baseline + 1}-{year}"
        )
        if len(positive) == len(span):
            return "on track", detail
        return ("at risk" if len(positive) else "off track"), detail
    now, ref = _pick(frame, baseline, year)
    if now is None:
        return "no data found", f"no value for {year} in the public record collected"
    now_text = value_text(now, vintage, unit, in_year=True)
    several = len({definition(r) for r in frame.dropna(subset=["value"]).to_dict("records")}) > 1
    if ref is None:
        others = [r for r in frame.dropna(subset=["value"]).to_dict("records") if baseline <= r["year"] < year]
        if not others:
            return "no data found", f"{now_text}, but no earlier value to compare with"
        other = next((r for r in others if r["year"] == baseline), others[0])
        return "measured differently", (
            f"{now_text} is {measure_words(now, labels, other)}; the {int(other['year'])} figure, "
            f"{value_text(other, vintage, unit)}, is {measure_words(other, labels, now)}: the record collected holds "
            f"no {int(other['year'])} figure of the first kind and no {year} figure of the second, so the two are "
            "not compared"
        )
    kind = f"{measure_words(now, labels)}: " if several else ""
    text = f"{kind}{value_text(ref, vintage, unit, in_year=True)}, {now_text}"
    note = ""
    if ref["year"] != baseline:
        base_rows = _rows(frame, baseline)
        note = (
            f" (the {baseline} figure is {measure_words(base_rows[0], labels, now)}: compared with {int(ref['year'])})"
            if base_rows
            else f" (no {baseline} value: compared with {int(ref['year'])})"
        )
    direction = compare(now["value"], _text(now.get("qualifier")) or None, ref["value"],
                        _text(ref.get("qualifier")) or None)  # fmt: skip
    wanted = "lower" if rule == "decrease" else "higher"
    if direction is None:
        ranged = [r for r in (ref, now) if _text(r.get("qualifier"))]
        kinds = sorted({BOUNDS.get(_text(r.get("qualifier")), "a range") for r in ranged})
        years = " and ".join(str(int(r["year"])) for r in ranged)
        what = (
            f"the {years} figure is {kinds[0]}"
            if len(ranged) == 1
            else f"the {years} figures are {' and '.join(k.split(' ', 1)[1] + 's' for k in kinds)}"
        )
        verb = "does" if len(ranged) == 1 else "do"
        return "undecided: published range", f"{text}: {what}, which {verb} not settle whether it went up or down{note}"
    if direction == wanted or (rule == "decrease" and now["value"] == 0 and not _text(now.get("qualifier"))):
        return "on track", f"{text}: {wanted}, as the plan seeks{note}"
    if direction == "equal":
        return "at risk", f"{text}: no change{note}"
    return "off track", f"{text}: {direction}, the plan seeks {wanted}{note}"


def rate_all(values: pd.DataFrame, catalogue: pd.DataFrame, baseline: int, year: int,
             labels: dict[str, str] | None = None, vintage: str = "first") -> pd.DataFrame:  # fmt: skip
    """One rating per indicator: id, goal, objective, indicator, short name, status, reason, the reference and
    review values as text (the reference year is named when it is not the baseline) and which values were
    compared (year, measure and edition of each)."""
    entries = catalogue.set_index("id")
    rows = []
    for ind_id, frame in values.groupby("indicator_id", sort=False):
        entry = entries.loc[ind_id]
        researcher = entry["answered_by"] == "researcher"
        status, reason = rate_indicator(frame, entry["rule"], baseline, year, researcher, labels, vintage)
        span = frame[(frame["year"] > baseline) & (frame["year"] <= year)].drop_duplicates("year")
        years_counted = len(span) if entry["rule"] == "positive_each_year" and year > baseline else None
        years_positive = int((span["value"].fillna(0) > 0).sum()) if years_counted is not None else None
        unit = next((u for u in frame["unit"] if isinstance(u, str) and u), "") or _text(entry["unit"])
        if entry["rule"] == "positive_each_year" or year <= baseline:
            now_rows, base_rows = _rows(frame, year), _rows(frame, baseline)
            now, ref = (now_rows[0] if now_rows else None), (base_rows[0] if base_rows else None)
        else:
            now, ref = _pick(frame, baseline, year)
            if ref is None:
                base_rows = _rows(frame, baseline)
                ref = base_rows[0] if base_rows else reference(frame, baseline, year)
        base_text = value_text(ref, vintage, unit, year=ref is not None and ref["year"] != baseline)
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
                "review_value": value_text(now, vintage, unit),
                "status": status,
                "reason": reason,
                "reference_year": None if ref is None else int(ref["year"]),
                "reference_measure": None if ref is None else _text(ref.get("measure")) or None,
                "reference_number": None if ref is None else float(ref["value"]),
                "reference_qualifier": None if ref is None else _text(ref.get("qualifier")) or None,
                "review_measure": None if now is None else _text(now.get("measure")) or None,
                "review_number": None if now is None else float(now["value"]),
                "review_qualifier": None if now is None else _text(now.get("qualifier")) or None,
                "unit": unit,
                "years_positive": years_positive,
                "years_counted": years_counted,
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
