"""One progress review, computed: indicator values, ratings, objectives, goals, obligations, key numbers.

Pure computation: frames and sentences, no display and no files. `compute_review()` is what the notebooks,
the runner and the console call; `present` turns the result into charts and tables.

A review of year Y is "as of 31 December Y": treaty status and obligations use only evidence dated on or
before that day, and Monitor figures (vintage "first") only the editions published by Y + 1, the editions
that report on year Y. Later events and revisions appear only in a "since then" list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import indicators, obligations, ratings, treaties
from .countries import name_of
from .errors import DataError
from .facts import check_vintage, edition_label, edition_year, format_value, source_label
from .load import ReviewData, load_data

FIRST_YEAR = 1997
PLAN_YEARS = range(2012, 2016)
ARTICLES = {
    ("MBT", "clearance"): "Article 5",
    ("CCM", "clearance"): "Article 4",
    ("MBT", "stockpile"): "Article 4",
    ("CCM", "stockpile"): "Article 3",
}


def metric_labels(data: ReviewData) -> dict[str, str]:
    """Each Monitor metric's name in people's words (data/metrics.csv)."""
    metrics = data.metrics
    return {m: lab for m, lab in zip(metrics["metric"], metrics["label"], strict=True) if isinstance(lab, str)}


def latest_year() -> int:
    return date.today().year


def check_parameters(review_year, baseline_year, vintage: str, data_dir: str = "", user_data_dir: str = "") -> None:
    """Refuse bad parameters with one clear message, before any work starts."""
    last = latest_year()
    for name, value in (("review_year", review_year), ("baseline_year", baseline_year)):
        if not isinstance(value, int) or isinstance(value, bool) or not FIRST_YEAR <= value <= last:
            raise DataError(f"must be a year from {FIRST_YEAR} to {last}", column=name, value=value)
    if baseline_year > review_year:
        raise DataError(
            f"the baseline year must not be after the review year {review_year}",
            column="baseline_year",
            value=baseline_year,
        )
    check_vintage(vintage)
    if vintage not in ("first", "latest") and edition_year(vintage) > last:
        raise DataError(f"no Monitor edition after {last} exists", column="vintage", value=vintage)
    if data_dir and not Path(data_dir).expanduser().is_dir():
        raise DataError("the data folder does not exist", column="data_dir", value=data_dir)
    if user_data_dir and not Path(user_data_dir).expanduser().is_dir():
        raise DataError("the researcher's data folder does not exist", column="user_data_dir", value=user_data_dir)


@dataclass
class Review:
    """A computed review of one goal (or of all goals, goal=None) as of 31 December of the review year."""

    data: ReviewData
    goal: int | None
    year: int
    baseline: int
    vintage: str
    values: pd.DataFrame = field(repr=False)
    ratings: pd.DataFrame = field(repr=False)

    @property
    def on(self) -> date:
        return date(self.year, 12, 31)

    @property
    def years(self) -> list[int]:
        return list(range(self.baseline, self.year + 1))

    @property
    def published_by(self) -> int | None:
        """The last Monitor edition year a review of this year uses (the editions reporting on it)."""
        return self.year + 1 if self.vintage == "first" else None

    @property
    def in_plan_period(self) -> bool:
        return self.year in PLAN_YEARS

    # --- the catalogue ----------------------------------------------------------------------
    def goal_title(self, goal: int | None = None) -> str:
        goal = goal or self.goal
        if goal is None:
            return "Strategic plan 2012-2015: overview"
        return str(self.data.goals.set_index("goal").at[goal, "title"])

    def entry(self, indicator_id: str) -> dict:
        """One indicator's catalogue row (text, short name, unit, chart label, headline...)."""
        table = self.data.indicators.set_index("id")
        if indicator_id not in table.index:
            raise DataError("unknown indicator", column="indicator_id", value=indicator_id)
        return {"id": indicator_id, **table.loc[indicator_id].to_dict()}

    def objective_text(self, objective: str) -> str:
        return str(self.data.objectives.set_index("id").at[objective, "text"])

    # --- results ----------------------------------------------------------------------------
    def goal_ratings(self) -> pd.DataFrame:
        return self.ratings if self.goal is None else self.ratings[self.ratings["goal"] == self.goal]

    def indicator_values(self, indicator_id: str) -> pd.DataFrame:
        return self.values[self.values["indicator_id"] == indicator_id].reset_index(drop=True)

    def rating(self, indicator_id: str) -> dict:
        return self.ratings.set_index("indicator_id").loc[indicator_id].to_dict() | {"indicator_id": indicator_id}

    def objectives(self) -> pd.DataFrame:
        rolled = ratings.roll_up(self.goal_ratings(), "objective")
        rolled.insert(1, "text", rolled["objective"].map(self.objective_text))
        return rolled

    def goals(self) -> pd.DataFrame:
        rolled = ratings.roll_up(self.goal_ratings(), "goal")
        rolled.insert(1, "title", rolled["goal"].map(self.goal_title))
        return rolled

    def obligations(self, treaty: str = "MBT", kind: str = "clearance") -> pd.DataFrame:
        """Every obligation of `kind` (clearance or stockpile) under `treaty` on the review date."""
        return obligations.history(self.data, treaty, kind, self.on)

    def membership_changes(self) -> pd.DataFrame:
        rows = []
        for treaty in ("MBT", "CCM"):
            for r in treaties.parties_by_year(self.data.treaty_events, treaty, self.years).itertuples():
                rows.append(
                    {
                        "treaty": treaty,
                        "year": r.year,
                        "states_parties": r.states_parties,
                        "joined": ", ".join(name_of(c) for c in r.joined),
                        "left": ", ".join(name_of(c) for c in r.left),
                    }
                )
        return pd.DataFrame(rows)

    def coverage(self) -> pd.DataFrame:
        values = self.values if self.goal is None else self.values[self.values["goal"] == self.goal]
        return indicators.coverage(values)

    def key_numbers(self) -> list[str]:
        """Sentences with their source, from the catalogue's headline of each indicator with a value."""
        out = []
        vals = self.values if self.goal is None else self.values[self.values["goal"] == self.goal]
        for r in vals[(vals["year"] == self.year) & vals["value"].notna()].itertuples():
            entry = self.entry(r.indicator_id)
            template = entry.get("headline")
            if not isinstance(template, str) or not template:
                continue
            unit = r.unit if isinstance(r.unit, str) else ""
            source = source_label(r.edition, r.source_url) if isinstance(r.edition, str) else "treaty records"
            text = template.format(
                value=format_value(r.value, r.qualifier, unit),
                year=self.year,
                edition=edition_label(r.edition) if isinstance(r.edition, str) else "the Monitor",
            )
            out.append(f"{text[0].upper()}{text[1:]} ({source}).")
        return out

    def since_then(self) -> pd.DataFrame:
        """Treaty events after the review date: shown apart, never in the review's counts."""
        events = self.data.treaty_events
        later = events[events["date"] > self.on].sort_values("date")
        return later[["date", "treaty", "iso3", "state", "event", "source_url"]].reset_index(drop=True)


def compute_review(
    goal: int | None,
    review_year: int = 2015,
    baseline_year: int = 2011,
    vintage: str = "first",
    data_dir: str = "",
    user_data_dir: str = "",
    data: ReviewData | None = None,
) -> Review:
    """Everything a goal review shows, computed from the data (goal=None: every goal, for the overview)."""
    check_parameters(review_year, baseline_year, vintage, data_dir, user_data_dir)
    if goal is not None and goal not in (1, 2, 3, 4):
        raise DataError("goal must be 1, 2, 3 or 4 (or None for the overview)", column="goal", value=goal)
    data = data or load_data(data_dir or None, user_data_dir or None)
    years = range(baseline_year, review_year + 1)
    published_by = review_year + 1 if vintage == "first" else None
    ids = None if goal is None else set(data.indicators.loc[data.indicators["goal"] == goal, "id"])
    values = indicators.compute(data, years, vintage, ids=ids, published_by=published_by)
    rated = ratings.rate_all(values, data.indicators, baseline_year, review_year, metric_labels(data), vintage)
    return Review(data, goal, review_year, baseline_year, vintage, values, rated)
