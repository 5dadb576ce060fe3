"""A computed review's charts: each takes a Review and returns (figure, data), or (None, data) when there is
nothing to draw. Titles and axis labels come from the indicator catalogue."""

from __future__ import annotations

from ..data.countries import name_of
from ..engine import facts as F
from ..engine.evidence import BASIS_SHORT as BASIS_WORDS
from ..engine.evidence import BASIS_WORDS as BASIS_LONG
from ..review.indicators import year_of_period
from . import boards, charts
from .words import UNIT_WORDS

COUNTING_WORDS = {  # an indicator's counting basis, as its chart's source line says it
    "treaty": f"by the treaty's rules, {BASIS_LONG['treaty']}",
    "counted from deposit": "from the deposit of each instrument, as the Monitor counts",
}

ARTICLE = {
    ("MBT", "clearance"): "Article 5 clearance",
    ("CCM", "clearance"): "Article 4 clearance",
    ("MBT", "stockpile"): "Article 4 stockpile destruction",
    ("CCM", "stockpile"): "Article 3 stockpile destruction",
}


def indicator(review, indicator_id: str, years=None):
    """Bars per year for one indicator, titled by its short name (no code: the chart goes on slides too), the
    review year highlighted; values of different measures side by side, named."""
    entry = review.entry(indicator_id)
    values = review.indicator_values(indicator_id)
    if years is not None:
        values = values[values["year"].isin(list(years))]
    ylabel = entry["ylabel"] if isinstance(entry["ylabel"], str) else UNIT_WORDS.get(entry["unit"], "")
    title = f"{entry['short_name']}, {values['year'].min()}-{values['year'].max()}"
    bases = set(values["basis"].dropna()) - {""} if "basis" in values else set()
    basis = COUNTING_WORDS.get(bases.pop(), "") if len(bases) == 1 else ""
    return charts.trend(values, title, ylabel, highlight=review.year, names=F.metric_labels(review.data.metrics),
                        basis=basis)  # fmt: skip


def states_parties(review):
    """The two treaties' States Parties at each year end since 1997 (the registry's table)."""
    return charts.parties_over_time(review.figures.table("states_parties"), review.year)


def world_map(review):
    counts = {k.removeprefix("map:"): f.text for k, f in review.figures.figures.items() if k.startswith("map:")}
    return boards.world_status_map(review.data.treaty_events, review.on, review.figures.table("treaty_map"), counts)


def deadlines(review, treaty: str = "MBT", kind: str = "clearance"):
    history = review.obligations(treaty, kind)
    if history.empty:
        return None, history
    basis = BASIS_WORDS.get(history["basis"].iloc[0], "") if "basis" in history else ""
    title = f"{treaty} {ARTICLE[(treaty, kind)]} deadlines on {review.on.day} {review.on:%B %Y}"
    return charts.deadline_timeline(history, review.on, title, basis)


def use(review):
    """Governments and armed groups using antipersonnel mines: the values of G1.I03 and G1.I04."""
    return charts.use_by_edition(
        review.indicator_values("G1.I03"), review.indicator_values("G1.I04"), "antipersonnel mines"
    )


def revisions(review, indicator_id: str, first_year: int | None = None):
    """A Monitor figure as first published against its latest edition (context measures such as casualties)."""
    entry = review.entry(indicator_id)
    facts = review.data.monitor_facts
    first_year = first_year or min(review.baseline - 2, 2009)
    years = range(first_year, review.year + 1)
    first = F.series(facts, entry["metric"], vintage="first", published_by=review.published_by)
    latest = F.series(facts, entry["metric"], vintage="latest", published_by=review.published_by)
    title = f"{entry['short_name']} per year, {first_year}-{review.year}"
    return charts.revisions(first, latest, title, years, entry["ylabel"])


def status_board(review):
    ratings = review.goal_ratings()
    scope = "plan" if review.goal is None else f"goal{review.goal}"
    counts = {s: review.figures.number(f"{scope}:status:{s}") for s in boards.BOARD_ORDER}
    return boards.status_board(
        ratings[ratings["plan"]], f"The plan's indicators, {review.year} against {review.baseline}", counts
    )


def coverage(review):
    table = review.coverage()
    return boards.coverage_grid(table, f"Where each value comes from, {review.baseline}-{review.year}")


def by_country(review, metric: str, title: str, ylabel: str, top: int | None = None):
    """A Monitor metric for every country with two or more values in the review years (with `top`, the
    countries with the largest latest value)."""
    facts = review.data.monitor_facts
    found = {}
    for place in sorted(set(facts.loc[(facts["metric"] == metric) & (facts["place"] != "WLD"), "place"])):
        rows = F.series(facts, metric, place=place, vintage=review.vintage, published_by=review.published_by)
        rows = rows.assign(year=rows["period"].map(year_of_period))
        rows = rows[rows["year"].isin(review.years)]
        if len(rows) >= 2:
            found[place] = rows
    if top:
        latest = {place: rows.sort_values("year")["value"].iloc[-1] for place, rows in found.items()}
        found = {place: found[place] for place in sorted(sorted(latest, key=lambda p: -latest[p])[:top])}
    return boards.by_country(found, title, ylabel, review.years, {c: name_of(c) for c in found})
