"""One progress review, computed: indicator values, ratings, objectives, goals, obligations, key numbers.

Pure computation: frames and sentences, no display and no files. `compute_review()` is what the notebooks,
the runner and the console call; `present` turns the result into charts and tables.

A review of year Y is "as of 31 December Y": treaty status and obligations use only evidence dated on or
before that day, and Monitor figures (vintage "first") only the editions published by Y + 1, the editions
that report on year Y. Later events and revisions appear only in a "since then" list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..core.errors import DataError
from ..core.paths import user_path
from ..data.countries import name_of
from ..data.load import ReviewData, load_data
from ..engine import facts as F
from ..engine import obligations, treaties
from ..engine.evidence import meeting_index, period_end
from ..engine.facts import check_vintage, edition_year, format_value, source_label
from ..engine.reconcile import reconcile, reconcile_lists
from . import indicators, ratings
from .diff import compare_editions, review_pair
from .indicators import goal2
from .key_figures import KeyFigures, review_figures

FIRST_YEAR = 1997
PLAN_YEARS = range(2012, 2016)
ARTICLES = {
    ("MBT", "clearance"): "Article 5",
    ("CCM", "clearance"): "Article 4",
    ("MBT", "stockpile"): "Article 4",
    ("CCM", "stockpile"): "Article 3",
}


def latest_year(today: date | None = None) -> int:
    """The last year a review can hold for: one whose 31 December has come (a review of a year still running
    would state a status on a date that has not happened)."""
    today = today or date.today()
    return today.year if (today.month, today.day) == (12, 31) else today.year - 1


def check_parameters(
    review_year, baseline_year, vintage: str, data_dir: str = "", user_data_dir: str = "", records: str = ""
) -> None:
    """Refuse bad parameters with one clear message, before any work starts."""
    last = latest_year()
    for name, value in (("review_year", review_year), ("baseline_year", baseline_year)):
        if not isinstance(value, int) or isinstance(value, bool) or not FIRST_YEAR <= value <= last:
            running = f" ({last + 1} has not ended: a review holds as of 31 December)" if value == last + 1 else ""
            raise DataError(f"must be a year from {FIRST_YEAR} to {last}{running}", column=name, value=value)
    if baseline_year > review_year:
        raise DataError(
            f"the baseline year must not be after the review year {review_year}",
            column="baseline_year",
            value=baseline_year,
        )
    check_vintage(vintage)
    if vintage not in ("first", "latest") and edition_year(vintage) > date.today().year:
        raise DataError(f"no Monitor edition after {date.today().year} exists", column="vintage", value=vintage)
    if data_dir and not user_path(data_dir).is_dir():
        raise DataError("the data folder does not exist", column="data_dir", value=data_dir)
    if user_data_dir and not user_path(user_data_dir).is_dir():
        raise DataError("the researcher's data folder does not exist", column="user_data_dir", value=user_data_dir)
    if records and not user_path(records).is_file():
        raise DataError("no such file (write one with `icbl-review records FILE.xlsx`)", column="records",
                        value=records)  # fmt: skip


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
    figures: KeyFigures = field(default_factory=KeyFigures, repr=False)

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

    def scope_values(self) -> pd.DataFrame:
        """The indicator values of this review's goal (every goal for the overview)."""
        return self.values if self.goal is None else self.values[self.values["goal"] == self.goal]

    def value_key(self, indicator_id: str, year: int, measure: str | None = None) -> str:
        """The registry key of an indicator's value: 'G1.I01:2015', or 'G2.I02:2015:land_cleared_km2' for an
        indicator whose values are of more than one measure."""
        values = self.indicator_values(indicator_id)
        several = values.dropna(subset=["value"])["measure"].nunique() > 1 if "measure" in values else False
        return f"{indicator_id}:{year}:{measure}" if several and measure else f"{indicator_id}:{year}"

    def obligations(self, treaty: str = "MBT", kind: str = "clearance") -> pd.DataFrame:
        """Every obligation of `kind` (clearance or stockpile) under `treaty` on the review date."""
        name = f"obligations_{treaty.lower()}_{kind}"
        if name in self.figures.tables:
            return self.figures.table(name)
        return obligations.history(self.data, treaty, kind, self.on)

    def states_parties(self, first_year: int = FIRST_YEAR) -> pd.DataFrame:
        """States Parties of both treaties at the end of each year, with joiners and leavers (counted from deposit)."""
        years = list(range(first_year, self.year + 1))
        return pd.concat([treaties.parties_by_year(self.data.treaty_events, t, years) for t in ("MBT", "CCM")],
                         ignore_index=True)  # fmt: skip

    def membership_changes(self) -> pd.DataFrame:
        rows = []
        for r in self.states_parties(self.baseline).itertuples():
            rows.append(
                {
                    "treaty": r.treaty,
                    "year": r.year,
                    "states_parties": r.states_parties,
                    "joined": ", ".join(name_of(c) for c in r.joined),
                    "left": ", ".join(name_of(c) for c in r.left),
                }
            )
        return pd.DataFrame(rows)

    def treaty_map(self) -> pd.DataFrame:
        """Every state's treaty status on the review date, in the map's categories (party to both, MBT only...)."""
        return treaty_categories(self.data.treaty_events, self.on)

    def coverage(self) -> pd.DataFrame:
        return indicators.coverage(self.scope_values())

    def gaps(self) -> pd.DataFrame:
        """The plan's public indicators with no figure for the review year in the record collected."""
        values = self.scope_values()
        public = values[(values["answerable_from"] == "public") & values["plan"]]
        have = set(public.loc[(public["year"] == self.year) & public["value"].notna(), "indicator_id"])
        missing = public[~public["indicator_id"].isin(have)].drop_duplicates("indicator_id")
        short = self.data.indicators.set_index("id")["short_name"]
        return missing.assign(short_name=missing["indicator_id"].map(short))[["indicator_id", "goal", "short_name"]]

    def meeting_participation(self) -> pd.DataFrame:
        """Who took part in each treaty meeting from the baseline year to the review date, as the secretariats
        and the campaign published (later meetings are left out)."""
        table = self.data.meeting_participation.copy()
        return self._within(table.assign(held=held(table, self.data.meetings)))

    def campaign_statements(self) -> pd.DataFrame:
        """The statements the campaign published for the treaty meetings from the baseline year to the review date."""
        table = self.data.campaign_statements.copy()
        return self._within(table.assign(held=held(table, self.data.meetings)))

    def _within(self, table: pd.DataFrame) -> pd.DataFrame:
        inside = table["held"].map(lambda d: d is not None and self.baseline <= d.year and d <= self.on)
        return table[inside.astype(bool)].sort_values(["held", "treaty"]).reset_index(drop=True)

    def va_evidence(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """What the Monitor's country profiles say about victim assistance up to the review year: (from the
        editions this review uses, from editions published after them, which a review as of its date could
        not have read)."""
        table = self.data.va_status
        table = table[(table["aspect"] != "group_member") & (table["period"] <= self.year)].sort_values(
            ["iso3", "period"]
        )
        later = table["edition"].map(lambda e: isinstance(e, str) and bool(e) and self.published_by is not None
                                     and edition_year(e) > self.published_by)  # fmt: skip
        return table[~later.astype(bool)].reset_index(drop=True), table[later.astype(bool)].reset_index(drop=True)

    def reconciliation(self) -> pd.DataFrame:
        """The published counts of the review years against the derived ones (agreed, explained, open)."""
        table = reconcile(self.data, self.baseline, self.year)
        return table[table["outcome"] != "published only"].reset_index(drop=True)

    def reconciliation_lists(self) -> pd.DataFrame:
        """The lists the Monitor and the secretariats published in the review years, against the engine's, state
        by state (one row per list: agreed, explained, open)."""
        lists, _ = reconcile_lists(self.data, self.baseline, self.year)
        return lists

    def edition_changes(self):
        """What the later of the two Landmine Monitors reporting on the review year revised in the earlier one
        (an `EditionDiff`), or None where the data holds figures of fewer than two editions."""
        try:
            old, new = review_pair(self.data.monitor_facts, self.year, "LM")
        except DataError:
            return None
        return compare_editions(self.data, old, new)

    def support_per_km2(self) -> pd.DataFrame:
        return goal2.support_per_km2(self.data, self.year, self.vintage, self.published_by)

    def related_figures(self, indicator_id: str) -> pd.DataFrame:
        """Public figures that bear on an indicator without answering it (the catalogue's `related` metrics),
        one row per metric and review year, as first published by the review date (or the chosen vintage)."""
        names = str(self.entry(indicator_id).get("related") or "").split()
        facts, rows = self.data.monitor_facts, []
        labels = self.data.metrics.set_index("metric")["label"]
        for metric in [m for m in names if m in set(facts["metric"])]:
            found = F.series(facts, metric, vintage=self.vintage, published_by=self.published_by)
            for r in found.to_dict("records"):
                year = indicators.year_of_period(r["period"])
                if self.baseline <= year <= self.year:
                    label = labels.get(metric)
                    rows.append({"metric": metric, "label": label if isinstance(label, str) and label else metric,
                                 "year": year, "value": format_value(r["value"], r["qualifier"], r["unit"]),
                                 "source": source_label(r["edition"], r["source_url"]), "source_url": r["source_url"],
                                 "quote": r["quote"], "number": float(r["value"]), "qualifier": r["qualifier"],
                                 "unit": r["unit"], "edition": r["edition"]})  # fmt: skip
        columns = ["metric", "label", "year", "value", "source", "source_url", "quote", "number", "qualifier", "unit",
                   "edition"]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)

    def since_then(self) -> pd.DataFrame:
        """Treaty events after the review date: shown apart, never in the review's counts."""
        events = self.data.treaty_events
        later = events[events["date"] > self.on].sort_values("date")
        return later[["date", "treaty", "iso3", "state", "event", "source_url"]].reset_index(drop=True)


def treaty_categories(events: pd.DataFrame, on: date) -> pd.DataFrame:
    """Every state's status under both treaties on a date, in one category: party to both, MBT only, CCM only,
    withdrew, neither (counted from deposit)."""
    status: dict[str, dict] = {}
    for treaty in ("MBT", "CCM"):
        for r in treaties.status_table(events, treaty, on).itertuples():
            status.setdefault(r.iso3, {})[treaty] = r.status
    parties = treaties.PARTY_STATUSES["deposit"]
    rows = []
    for code, s in sorted(status.items()):
        mbt, ccm = s.get("MBT") in parties, s.get("CCM") in parties
        category = ("withdrew" if "withdrawn" in s.values() else "party to both" if mbt and ccm else
                    "MBT only" if mbt else "CCM only" if ccm else "neither")  # fmt: skip
        rows.append({"iso3": code, "category": category, "MBT": s.get("MBT", "not_party"),
                     "CCM": s.get("CCM", "not_party")})  # fmt: skip
    return pd.DataFrame(rows, columns=["iso3", "category", "MBT", "CCM"])


def held(rows: pd.DataFrame, meetings: pd.DataFrame) -> pd.Series:
    """When each row's meeting ended (its own date where it has one; a code like IS2012 gives the year's end);
    None where nothing dates it."""
    ends = {key: m.end for key, m in meeting_index(meetings).items()}

    def when(r):
        own = period_end(r.get("date")) if isinstance(r.get("date"), str) and r.get("date") else None
        year = re.search(r"(19|20)\d\d", str(r["meeting"]))
        return own or ends.get((r["treaty"], r["meeting"])) or (period_end(year.group(0)) if year else None)

    return pd.Series([when(r) for r in rows.to_dict("records")], index=rows.index, dtype=object)


def compute_review(
    goal: int | None,
    review_year: int = 2015,
    baseline_year: int = 2011,
    vintage: str = "first",
    data_dir: str = "",
    user_data_dir: str = "",
    data: ReviewData | None = None,
    records: str = "",
) -> Review:
    """Everything a goal review shows, computed from the data (goal=None: every goal, for the overview);
    `records`: the campaign's filled records workbook (icbl-review records), or a researcher_indicators CSV."""
    check_parameters(review_year, baseline_year, vintage, data_dir, user_data_dir, records)
    if goal is not None and goal not in (1, 2, 3, 4):
        raise DataError("goal must be 1, 2, 3 or 4 (or None for the overview)", column="goal", value=goal)
    data = data or load_data(data_dir or None, user_data_dir or None, records or None)
    years = range(baseline_year, review_year + 1)
    published_by = review_year + 1 if vintage == "first" else None
    ids = None if goal is None else set(data.indicators.loc[data.indicators["goal"] == goal, "id"])
    values = indicators.compute(data, years, vintage, ids=ids, published_by=published_by)
    labels = F.metric_labels(data.metrics)
    rated = ratings.rate_all(values, data.indicators, baseline_year, review_year, labels, vintage)
    review = Review(data, goal, review_year, baseline_year, vintage, values, rated)
    review.figures = review_figures(review)
    return review
