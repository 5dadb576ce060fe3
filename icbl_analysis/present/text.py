"""Sentences from the data: each finding says which value moved, from what to what, and why that is its
rating, with the source. Nothing here types a number; every figure comes from a computed review."""

from __future__ import annotations

from ..facts import edition_label, source_label
from ..ratings import RATED
from .words import md

VINTAGE_WORDS = {"first": "as first published", "latest": "as in the latest edition"}


def vintage_words(vintage: str) -> str:
    return VINTAGE_WORDS.get(vintage) or f"as published in {edition_label(vintage)}"


def review_intro(review) -> str:
    """What this review is, as of when, and how to read it (Markdown)."""
    when = f"31 December {review.year}"
    period = (
        f"{review.year} is the plan's baseline year: later reviews compare with it."
        if review.year <= review.baseline
        else f"{review.year} is a year of the plan period (2012-2015)."
        if review.in_plan_period
        else f"The plan period ended in 2015; its indicators are tracked beyond it, here for {review.year}."
    )
    edition = f" (editions up to {review.year + 1}, which report on {review.year})" if review.vintage == "first" else ""
    user = ""
    if review.data.user_dir:
        user = f" plus the researcher's records in the folder “{md(review.data.user_dir.name)}”"
    if getattr(review.data, "records", None):
        user += f" plus the campaign records in “{md(review.data.records.name)}”"
    return (
        f"**Review of {review.year} against the {review.baseline} baseline, as of {when}.** {period} "
        f"Treaty status and obligations use only evidence dated on or before {when}; Monitor figures are "
        f"{vintage_words(review.vintage)}{edition}. "
        f"Data: the cited tables in the folder “{md(review.data.folder.name)}”{user}. "
        "States Parties are counted from the deposit of their instrument, as the Monitor counts; clearance and "
        "stockpile obligations are counted as the treaty secretariats count them (the States Parties' declarations "
        "and the meetings' decisions)."
    )


def value_source(values, year: int) -> str:
    rows = values[(values["year"] == year) & values["value"].notna()]
    if rows.empty:
        return ""
    r = rows.iloc[0]
    if isinstance(r["edition"], str) and r["edition"]:
        return source_label(r["edition"], r["source_url"])
    if r.get("answerable_from") == "researcher":
        said = r["source_url"]
        return f"campaign records: {md(said)}" if isinstance(said, str) and said else "campaign records"
    return (
        "treaty and obligation records"
        if not str(r["source_url"]).startswith("http")
        else source_label(None, r["source_url"])
    )


def indicator_finding(review, indicator_id: str) -> str:
    """'G1.I01 New CCM States Parties: on track. 10 in 2015; at least one in 4 of the 4 years (source).'"""
    rating = review.rating(indicator_id)
    source = value_source(review.indicator_values(indicator_id), review.year)
    tail = f" ({source})" if source and rating["status"] in RATED else ""
    return f"**{indicator_id} {md(rating['short_name'])}: {rating['status']}.** {md(rating['reason'])}{tail}."


def objective_finding(review, objective: str) -> str:
    """The objective's rating and the finding of each of its rated indicators, in Markdown."""
    rolled = review.objectives().set_index("objective")
    if objective not in rolled.index:
        return f"No indicator of this review measures objective {objective}."
    row = rolled.loc[objective]
    lines = [f"**Objective {objective[1:].lstrip('0')}: {row['status']}.** {row['reason']}."]
    ratings = review.goal_ratings()
    for r in ratings[ratings["objective"] == objective].itertuples():
        if r.status in RATED or r.status == "baseline year":
            lines.append(f"- {indicator_finding(review, r.indicator_id)}")
        lines += related_lines(review, r.indicator_id)
    missing = ratings[(ratings["objective"] == objective) & ~ratings["status"].isin(RATED + ["baseline year"])]
    if len(missing):
        names = ", ".join(f"{r.indicator_id} {md(r.short_name)} ({r.status})" for r in missing.itertuples())
        lines.append(f"- Not rated: {names}.")
    return "\n".join(lines)


def related_lines(review, indicator_id: str) -> list[str]:
    """Public figures that bear on an indicator without answering it, one line per figure (Markdown)."""
    figures = review.related_figures(indicator_id)
    lines = []
    for label, rows in figures.groupby("label", sort=False):
        values = ", ".join(f"{r.value} in {r.year}" for r in rows.itertuples())
        sources = ", ".join(dict.fromkeys(rows["source"]))
        lines.append(f"- Public record beside {indicator_id}: {md(label)}: {md(values)} ({md(sources)}).")
    return lines


def goal_takeaway(review, goal: int) -> str:
    """One sentence a slide can carry as its title: the goal's status and how much could be rated."""
    rolled = review.goals().set_index("goal")
    if goal not in rolled.index:
        return f"Goal {goal}: nothing to rate"
    row = rolled.loc[goal]
    ratings = review.ratings[(review.ratings["goal"] == goal) & review.ratings["plan"]]
    counts = ratings["status"].value_counts()
    parts = [f"{counts[s]} {s}" for s in RATED if counts.get(s, 0)]
    rated = sum(counts.get(s, 0) for s in RATED)
    if not rated:
        return f"Goal {goal}: none of its {len(ratings)} indicators can be rated from the public record"
    return f"Goal {goal} {row['status']}: {', '.join(parts)} ({rated} of {len(ratings)} indicators rated)"


def slide_finding(review, indicator_id: str) -> str:
    """A slide title for one indicator: 'Armed groups using mines: off track (4 in 2011, 10 in 2015)'."""
    rating = review.rating(indicator_id)
    return f"{rating['short_name']}: {rating['status']} ({rating['reason'].split(':')[0]})"
