"""Sentences from the data: each finding says which value moved, from what to what, and why that is its
rating, with the source. Nothing here types or formats a number of its own: every figure is read from the
review's key-figures registry (`review.figures`)."""

from __future__ import annotations

import pandas as pd

from ..core.escape import md
from ..engine.facts import edition_label, format_value
from ..review.indicators import RECORDS
from ..review.key_figures import Figure, agree, counted
from ..review.ratings import RATED, STATUSES
from .words import day, status_word

VINTAGE_WORDS = {"first": "as first published", "latest": "as in the latest edition"}
MEASURE_PHRASES = {  # how a headline names what a value measures
    "land_released_km2": "released (by clearance and survey)",
    "land_cleared_km2": "cleared (clearance only)",
}
TREATY_KINDS = ("treaty records", "treaty and obligation records")
BASIS_WORDS = {  # how a count was made, in words (the engine's `basis`: "treaty" or "monitor")
    "treaty": "by the treaty's rules",
    "monitor": "as the Monitor counts",
    "counted from deposit": "counted from deposit, as the Monitor counts",
}


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
        f"{vintage_words(review.vintage)}{edition}. Only values of the same definition are compared (land "
        "released with land released, all states with all states). "
        f"Data: the cited tables in the folder “{md(review.data.folder.name)}”{user}. "
        "States Parties are counted from the deposit of their instrument, as the Monitor counts; clearance and "
        "stockpile obligations are counted as the treaty secretariats count them (the States Parties' declarations "
        "and the meetings' decisions)."
    )


def source_words(figure: Figure) -> str:
    """Where a figure comes from, for a sentence: 'Landmine Monitor 2016', 'treaty records', with its vintage
    where the figure was revised and 'secondary copy' where the only stored page is not the publisher's."""
    if figure.source_kind == RECORDS:
        return f"{RECORDS}: {figure.source_url}" if figure.source_url else RECORDS
    words = figure.primary_publication if figure.edition else figure.source
    if figure.vintage:
        words += f", {figure.vintage.replace(' in ' + figure.primary_publication, '')}"
    if figure.secondary:
        words += ", from a secondary copy"
    elif figure.confirmed_by:
        words += f", as {confirmed_words(figure)} also states"
    return words


def confirmed_words(figure: Figure) -> str:
    """The primary page that states a figure first stored from a secondary copy: 'the Monitor's page of
    Landmine Monitor 2016'."""
    if not figure.confirmed_by:
        return ""
    site = _site(figure.confirmed_by)
    owner = "the Monitor's page" if "the-monitor.org" in site else f"the page on {site}"
    return f"{owner} of {edition_label(figure.confirmed_in)}" if figure.confirmed_in else owner


def as_of_words(figure: Figure) -> str:
    """The date or period a figure holds for: '18 June 2015', '31 December 2015', 'the year 2015'."""
    if figure.as_of:
        from datetime import date

        return day(date.fromisoformat(figure.as_of)).replace("\u00a0", " ")
    if figure.source_kind in TREATY_KINDS:
        return f"31 December {figure.period}"
    return f"the year {figure.period}" if figure.period else ""


def _figure(review, indicator_id: str, year: int, measure: str | None = None) -> Figure | None:
    key = review.value_key(indicator_id, year, measure)
    return review.figures.get(key) if key in review.figures else None


def headline(review, figure: Figure, indicator_id: str) -> str:
    """The catalogue's headline sentence for one figure (count grammar by its value), or '' if it has none."""
    template = review.entry(indicator_id).get("headline")
    if not isinstance(template, str) or not template:
        return ""
    text = agree(template, figure.value).format(
        value=figure.text,
        year=figure.period,
        edition=edition_label(figure.edition) if figure.edition else "the Monitor",
        measure=MEASURE_PHRASES.get(figure.measure, figure.definition),
    )
    return text[0].upper() + text[1:]


def key_numbers(review) -> list[dict]:
    """One sentence per headline figure of the review year, with its source, date and registry key."""
    out = []
    vals = review.scope_values()
    for r in vals[(vals["year"] == review.year) & vals["value"].notna()].to_dict("records"):
        figure = _figure(review, r["indicator_id"], review.year, r.get("measure"))
        sentence = headline(review, figure, r["indicator_id"]) if figure else ""
        if sentence:
            out.append({"key": figure.key, "indicator_id": r["indicator_id"], "goal": int(r["goal"]),
                        "sentence": sentence, "source": source_words(figure), "as_of": as_of_words(figure),
                        "secondary": figure.secondary, "site": _site(figure.source_url),
                        "primary_publication": figure.primary_publication,
                        "basis": BASIS_WORDS.get(figure.basis, figure.basis),
                        "confirmed": confirmed_words(figure)})  # fmt: skip
    return out


def _site(url) -> str:
    from urllib.parse import urlparse

    return urlparse(url).netloc.removeprefix("www.") if isinstance(url, str) and "://" in url else ""


def key_number_lines(review) -> list[str]:
    return [f"{n['sentence']} ({n['source']})." for n in key_numbers(review)]


def key_findings(review, limit: int = 15) -> list[dict]:
    """The ten to fifteen numbers a campaign quotes, in the style of the Monitor's major findings: the headline
    sentence of each figure of the review year, the treaties' membership first."""
    found = key_numbers(review)
    parties = f"states_parties:CCM:{review.year}:states_parties"
    for n in found:
        if n["indicator_id"] == "G1.I01" and parties in review.figures:  # the joiners, and the total they make
            n["sentence"] += f", bringing it to {review.figures.text(parties)} States Parties"
    first = {"G1.I14": 0, "G1.I01": 1}  # the treaties' membership heads the list
    found.sort(key=lambda n: (first.get(n["indicator_id"], 2), n["goal"]))
    return found[:limit]


def indicator_finding(review, indicator_id: str) -> str:
    """'G1.I01 New CCM States Parties: on track. 10 in 2015; at least one in 4 of the 4 years (source).'"""
    rating = review.rating(indicator_id)
    figure = _figure(review, indicator_id, review.year, rating.get("review_measure"))
    tail = f" ({md(source_words(figure))})" if figure and rating["status"] in RATED else ""
    return f"**{indicator_id} {md(rating['short_name'])}: {rating['status']}.** {md(rating['reason'])}{tail}."


def rollup_words(review, scope: str) -> str:
    """'1 of 2 indicators rated: 1 on track, 1 no data found', from the registry's counts."""
    kf = review.figures
    parts = [f"{kf.number(f'{scope}:status:{s}')} {s}" for s in STATUSES if kf.get(f"{scope}:status:{s}").value]
    rated, total = kf.number(f"{scope}:rated"), kf.get(f"{scope}:indicators")
    return f"{rated} of {counted(int(total.value), 'indicator')} rated: {', '.join(parts)}"


def objective_finding(review, objective: str) -> str:
    """The objective's rating and the finding of each of its rated indicators, in Markdown."""
    rolled = review.objectives().set_index("objective")
    if objective not in rolled.index:
        return f"No indicator of this review measures objective {objective}."
    row = rolled.loc[objective]
    words = rollup_words(review, f"objective:{objective}")
    lines = [f"**Objective {objective[1:].lstrip('0')}: {row['status']}.** {words}."]
    ratings = review.goal_ratings()
    for r in ratings[ratings["objective"] == objective].itertuples():
        if r.status in RATED or r.status == "baseline year":
            lines.append(f"- {indicator_finding(review, r.indicator_id)}")
        lines += related_lines(review, r.indicator_id)
    missing = ratings[(ratings["objective"] == objective) & ~ratings["status"].isin(RATED + ["baseline year"])]
    for r in missing[missing["status"].isin(["measured differently", "undecided: published range"])].itertuples():
        lines.append(f"- {indicator_finding(review, r.indicator_id)}")
    rest = missing[~missing["status"].isin(["measured differently", "undecided: published range"])]
    if len(rest):
        names = ", ".join(f"{r.indicator_id} {md(r.short_name)} ({r.status})" for r in rest.itertuples())
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
    """One sentence on a goal's status and how much could be rated (the registry's counts)."""
    rolled = review.goals().set_index("goal")
    if goal not in rolled.index:
        return f"Goal {goal}: nothing to rate"
    kf, scope = review.figures, f"goal{goal}"
    total = int(kf.get(f"{scope}:indicators").value)
    if not kf.get(f"{scope}:rated").value:
        return f"Goal {goal}: none of its {total} indicators can be rated from the public record"
    parts = [f"{kf.number(f'{scope}:status:{s}')} {s}" for s in RATED if kf.get(f"{scope}:status:{s}").value]
    return (f"Goal {goal} {rolled.loc[goal, 'status']}: {', '.join(parts)} ({kf.number(scope + ':rated')} of "
            f"{total} indicators rated)")  # fmt: skip


STATUS_CLAUSE = {
    "on track": "on track",
    "at risk": "at risk",
    "off track": "off track",
    "measured differently": "not rated, the two figures measure different things",
    "undecided: published range": "undecided, as a published range does not settle it",
    "no data found": "not rated: no figure to compare with",
    "baseline year": "the baseline",
}


def chart_takeaway(review, indicator_id: str) -> str:
    """One sentence for a slide above an indicator's chart: the review year's headline figure, the value it was
    compared with, and the rating in words, e.g. 'Non-state armed groups used antipersonnel mines in 10 countries
    ..., up from 4 in 2011: off track'."""
    rating = review.rating(indicator_id)
    figure = _figure(review, indicator_id, review.year, rating.get("review_measure"))
    if figure is None:
        return f"{rating['short_name']}: no figure for {review.year} in the record collected"
    sentence = headline(review, figure, indicator_id) or f"{rating['short_name']}: {figure.text} in {review.year}"
    ref_year = rating.get("reference_year")
    ref_key = (review.value_key(indicator_id, int(ref_year), rating.get("reference_measure"))
               if ref_year is not None and not pd.isna(ref_year) else "")  # fmt: skip
    counted_key = f"{indicator_id}:years_counted"
    if counted_key in review.figures:  # a count wanted every year: say in how many years there was one
        kf = review.figures
        n, of = kf.number(f"{indicator_id}:years_positive"), kf.number(counted_key)
        sentence += f", with at least one in {n} of the {of} years since {review.baseline}"
    elif ref_key in review.figures and rating["status"] != "baseline year":
        ref = review.figures.get(ref_key)
        if rating["status"] in RATED:
            word = "up from" if figure.value > ref.value else "down from" if figure.value < ref.value else "as"
        else:
            word = "against"
        label = f" ({ref.vintage.split(' in ')[0]})" if ref.vintage else ""
        sentence += f", {word} {ref.text} in {ref.period}{label}"
    return f"{sentence}: {STATUS_CLAUSE.get(rating['status'], rating['status'])}"


def reconciliation_summary(review) -> str:
    """'38 published counts agree with the derived ones; 15 differ, each for a cited reason; ...'"""
    kf = review.figures
    n = {k: int(kf.get(f"reconciliation:{k}").value) for k in ("agreed", "differ", "same_count_other_states", "open")}
    verb = {True: "agrees", False: "agree"}
    parts = [f"{counted(n['agreed'], 'published count')} {verb[n['agreed'] == 1]} with the count derived from the "
             "cited tables", f"{format_count(n['differ'])} {'differs' if n['differ'] == 1 else 'differ'}, each for a "
             "cited reason"]  # fmt: skip
    if n["same_count_other_states"]:
        k = n["same_count_other_states"]
        names = "names" if k == 1 else "name"
        parts.append(f"{format_count(k)} {verb[k == 1]} in number but {names} other states (explained)")
    parts.append(f"{format_count(n['open'])} {'is' if n['open'] == 1 else 'are'} open")
    lists = {k: kf.number(f"reconciliation_lists:{k}") for k in ("agreed", "explained", "open")}
    return "; ".join(parts) + (f". Published lists compared state by state: {lists['agreed']} agreed, "
                               f"{lists['explained']} explained by a cited note naming the states, {lists['open']} "
                               "open. Each is compared on its publisher's basis")  # fmt: skip


def format_count(n: int) -> str:
    return format_value(n)


def memo_summary(review) -> str:
    """The edition memo's summary sentence, from the registry's counts."""
    diff = review.figures.table("memo")
    kf, stem = review.figures, f"memo:{diff.old}-{diff.new}"
    n = {k: int(kf.get(f"{stem}:{k}").value) for k in ("revised", "unchanged", "first_stated", "not_found_again",
                                                        "ratings", "moves")}  # fmt: skip
    moves = f" ({format_count(n['moves'])} more keep their status while their values move)" if n["moves"] else ""
    return (f"{edition_label(diff.new)} revised {format_count(n['revised'])} of the figures collected from "
            f"{edition_label(diff.old)} and restated {format_count(n['unchanged'])} unchanged; it states "
            f"{format_count(n['first_stated'])} figures first, {format_count(n['not_found_again'])} were not found "
            f"again in it, and {counted(n['ratings'], 'rating')} of the plan years "
            f"{'changes' if n['ratings'] == 1 else 'change'} status with its figures{moves}.")  # fmt: skip


PARTY_WORDS = {"in_force": "party", "deposited": "party", "withdrawing": "withdrawing", "withdrawn": "withdrew",
               "signatory": "signatory", "not_party": "not party", "undetermined": "status open"}  # fmt: skip


def profile_headline(profile) -> str:
    """One line for the profiles index: a state's treaty status and the state of its obligations."""
    member = profile.membership().set_index("treaty")["status"]
    parts = [f"{t} {PARTY_WORDS.get(member.get(t), 'not party')}" for t in ("MBT", "CCM")]
    ob = profile.obligations()
    for r in ob.itertuples() if len(ob) else []:
        parts.append(f"{r.treaty} {r.obligation}: {status_word(r.status)}")
    return "; ".join(parts)
