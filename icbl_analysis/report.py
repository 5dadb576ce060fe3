"""What the review notebooks call: load once, compute, show, and save what the runner collects.

A notebook makes one `Review` from its parameters and calls its methods cell by cell.
"""

from __future__ import annotations

import hashlib
import html
import json
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from . import assess, charts, indicators, obligations, treaties
from . import facts as F
from .countries import name_of
from .errors import DataError
from .facts import check_vintage, edition_label, format_value
from .indicators.common import year_of_period
from .load import load_data
from .paths import outputs_dir

FIRST_YEAR, LAST_YEAR = 1997, 2026
GOAL_TITLES = {
    1: "No more use of antipersonnel mines or cluster munitions",
    2: "A significant decrease in land contaminated by mines and cluster munitions",
    3: "Measurable progress in the quality of life of victims",
    4: "ICBL-CMC as the authoritative civil society voice",
}


def check_parameters(
    review_year: int,
    baseline_year: int,
    vintage: str,
    data_dir: str = "",
    user_data_dir: str = "",
) -> None:
    """Refuse bad parameters with one clear message, before any work starts."""
    for name, value in (("review_year", review_year), ("baseline_year", baseline_year)):
        if not isinstance(value, int) or not FIRST_YEAR <= value <= LAST_YEAR:
            raise DataError(f"must be a year from {FIRST_YEAR} to {LAST_YEAR}", column=name, value=value)
    if baseline_year > review_year:
        raise DataError(
            f"the baseline year must not be after the review year {review_year}",
            column="baseline_year",
            value=baseline_year,
        )
    check_vintage(vintage)
    if data_dir and not Path(data_dir).expanduser().is_dir():
        raise DataError("the data folder does not exist", column="data_dir", value=data_dir)
    if user_data_dir and not Path(user_data_dir).expanduser().is_dir():
        raise DataError("the researcher's data folder does not exist", column="user_data_dir", value=user_data_dir)


def esc(text) -> str:
    """Text from data files, escaped for HTML output."""
    return html.escape("" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text))


class Review:
    """One goal review (goal 1-4) or the overview of all goals (goal=None)."""

    def __init__(
        self,
        goal: int | None,
        review_year: int = 2015,
        baseline_year: int = 2011,
        data_dir: str = "",
        user_data_dir: str = "",
        vintage: str = "first",
        output_dir: str = "",
        name: str | None = None,
    ):
        check_parameters(review_year, baseline_year, vintage, data_dir, user_data_dir)
        self.goal, self.year, self.baseline, self.vintage = goal, review_year, baseline_year, vintage
        self.name = name or (f"goal{goal}" if goal else "overview")
        self.data = load_data(data_dir or None, user_data_dir or None)
        self.out = Path(output_dir) if output_dir else outputs_dir() / "interactive" / str(review_year) / self.name
        self.out.mkdir(parents=True, exist_ok=True)
        self.years = list(range(baseline_year, review_year + 1))
        self.on = date(review_year, 12, 31)
        self.values = indicators.compute(self.data, self.years, vintage)
        self.ratings = assess.rate_all(self.values, self.data.indicators, baseline_year, review_year)
        self.measure = self.data.indicators.set_index("id")["measure"].map(lambda m: m.split(",")[0].split(" (")[0])
        self.figures: list[str] = []
        self.sentences: list[str] = []

    # --- shown at the top ---------------------------------------------------------------
    def header(self) -> None:
        title = f"Goal {self.goal}: {GOAL_TITLES[self.goal]}" if self.goal else "Strategic plan 2012-2015: overview"
        named = {"first": "as first published", "latest": "latest edition"}
        vintage = named[self.vintage] if self.vintage in named else edition_label(self.vintage)
        display(
            Markdown(
                f"# {title}\n\n**Review year {self.year}** against the baseline {self.baseline}. "
                f"Monitor figures: {vintage}. Data: `{self.data.folder.name}/`"
                + (f" plus researcher data `{self.data.user_dir}`" if self.data.user_dir else "")
                + ". Treaty counts are by deposit of the instrument (the Monitor's count) unless stated."
            )
        )

    # --- ratings ------------------------------------------------------------------------
    def goal_ratings(self) -> pd.DataFrame:
        return self.ratings if self.goal is None else self.ratings[self.ratings["goal"] == self.goal]

    def objectives(self) -> pd.DataFrame:
        """Objective ratings rolled up from their indicators, with the plan's wording."""
        rolled = assess.roll_up(self.goal_ratings(), "objective")
        text = self.data.objectives.set_index("id")["text"]
        rolled.insert(1, "text", rolled["objective"].map(text))
        return rolled

    def show_status(self) -> None:
        table = self.goal_ratings()[["indicator_id", "indicator", "baseline_value", "review_value", "status", "reason"]]
        display(Markdown(f"## Indicators: {self.baseline} against {self.year}"))
        names = {"baseline_value": f"baseline {self.baseline}", "review_value": f"review {self.year}"}
        display(_styled(table.rename(columns=names)))
        self.show_objectives()

    def goals(self) -> pd.DataFrame:
        """Goal ratings rolled up from their indicators (the worst rating with data)."""
        rolled = assess.roll_up(self.goal_ratings(), "goal")
        rolled.insert(1, "goal_title", rolled["goal"].map(GOAL_TITLES))
        return rolled

    def show_goals(self) -> None:
        display(Markdown("## The four goals"))
        display(_styled(self.goals()))

    def show_objectives(self) -> None:
        display(Markdown("## Objectives"))
        display(_styled(self.objectives()))

    def show_values(self) -> None:
        """Each answerable indicator year by year, with the source of each number."""
        display(Markdown("## Year by year, with sources"))
        vals = self.values if self.goal is None else self.values[self.values["goal"] == self.goal]
        vals = vals[vals["answerable_from"] == "public"]
        for ind_id, frame in vals.groupby("indicator_id", sort=False):
            display(Markdown(f"**{ind_id}** {esc(frame.iloc[0]['indicator'])}"))
            shown = frame[["year", "value", "qualifier", "unit", "edition", "note", "source_url"]].copy()
            shown["value"] = shown["value"].map(
                lambda v: "no data" if v is None or pd.isna(v) else f"{v:,.1f}".rstrip("0").rstrip(".")
            )
            display(_styled(shown))

    def show_gaps(self) -> None:
        """Indicators the public record cannot answer, and how to supply them."""
        gaps = self.goal_ratings()
        gaps = gaps[gaps["answerable_from"] == "researcher"]
        if gaps.empty:
            return
        supplied = gaps[gaps["status"] != "insufficient data"]
        display(
            Markdown(
                "## Indicators from the campaign's own records\n\n"
                f"{len(gaps)} indicators of this review need records the public sources do not hold "
                f"({len(supplied)} supplied). To supply them, copy `data/templates/researcher_indicators.csv` into a "
                "folder, add one row per indicator and year, and pass the folder as `user_data_dir`."
            )
        )
        needed = self.data.indicators.set_index("id")["measure"]
        table = gaps.assign(data_that_would_answer_it=gaps["indicator_id"].map(needed))
        display(_styled(table[["indicator_id", "indicator", "data_that_would_answer_it", "status", "reason"]]))

    # --- charts -------------------------------------------------------------------------
    def _show(self, fig, data: pd.DataFrame, name: str) -> None:
        charts.save(fig, data, name, self.out / "charts")
        self.figures.append(name)
        display(fig)
        plt.close(fig)

    def chart_states_parties(self) -> None:
        latest_event = max(d.year for d in self.data.treaty_events["date"])  # the data's reach, not today's date
        last = max(self.year, latest_event)
        fig, data = charts.parties_over_time(self.data.treaty_events, 1997, last, highlight=self.year)
        self._show(fig, data, "states_parties")

    def chart_world_map(self) -> None:
        fig, data = charts.world_status_map(self.data.treaty_events, self.on)
        self._show(fig, data, "world_status_map")

    def chart_indicator(self, indicator_id: str, ylabel: str) -> None:
        frame = self.values[self.values["indicator_id"] == indicator_id]
        title = f"{indicator_id}: {frame.iloc[0]['indicator']}"
        fig, data = charts.trend(
            frame[["year", "value", "qualifier", "edition", "source_url"]],
            _wrap(title),
            ylabel,
            self.years,
            highlight=self.year,
        )
        self._show(fig, data, indicator_id.replace(".", "_"))

    def chart_deadlines(self, treaty: str = "MBT", kind: str = "clearance") -> None:
        history = self.obligation_status(treaty, kind)
        if history.empty:
            display(Markdown(f"No {kind} obligations recorded for the {treaty} by {self.on:%d %B %Y}."))
            return
        article = {
            ("MBT", "clearance"): "Article 5",
            ("CCM", "clearance"): "Article 4",
            ("MBT", "stockpile"): "Article 4",
            ("CCM", "stockpile"): "Article 3",
        }[(treaty, kind)]
        fig, data = charts.deadline_timeline(
            history, self.on, f"{treaty} {article} {kind} deadlines, as of {self.on:%d %b %Y}"
        )
        self._show(fig, data, f"{treaty.lower()}_{kind}_deadlines")

    def chart_revisions(self, metric: str, title: str) -> None:
        facts = self.data.monitor_facts
        if metric not in set(facts["metric"]):
            display(Markdown(f"No `{metric}` figures in the data."))
            return
        start = min(self.baseline - 2, 2008)
        fig, data = charts.revisions_chart(facts, metric, title, range(start, self.year + 1))
        self._show(fig, data, f"revisions_{metric}")

    def chart_by_country(self, metric: str, title: str, ylabel: str, top: int | None = None) -> None:
        """A Monitor metric for every country with at least two values in the review years (with `top`,
        only the countries with the largest values, judged by each country's latest year shown)."""
        facts = self.data.monitor_facts
        places = sorted(set(facts.loc[(facts["metric"] == metric) & (facts["place"] != "WLD"), "place"]))
        found = {}
        for place in places:
            rows = F.series(facts, metric, place=place, vintage=self.vintage)
            rows = rows.assign(year=rows["period"].map(year_of_period))
            rows = rows[rows["year"].isin(self.years)]
            if len(rows) >= 2:
                found[place] = rows
        if not found:
            display(Markdown(f"No country has two or more {metric} values for {self.baseline}-{self.year}."))
            return
        if top:
            latest = {place: rows.sort_values("year")["value"].iloc[-1] for place, rows in found.items()}
            keep = sorted(latest, key=lambda place: -latest[place])[:top]
            found = {place: found[place] for place in sorted(keep)}
        names = {iso3: name_of(iso3) for iso3 in found}
        fig, data = charts.by_country(found, title, ylabel, self.years, names)
        self._show(fig, data, f"{metric}_by_country")

    def chart_use(self, weapon: str = "apm") -> None:
        fig, data = charts.use_chart(self.data.use_reports, weapon)
        self._show(fig, data, f"use_{weapon}")

    def chart_coverage(self) -> None:
        """Which years of the review the public record answers, indicator by indicator."""
        table = indicators.coverage(self.values if self.goal is None else self.values[self.values["goal"] == self.goal])
        gaps = int((table[self.years] == "").to_numpy().sum())
        display(
            Markdown(
                "## Where the public record answers\n\n"
                f"Each cell is one indicator in one year: the Monitor edition its value comes from, 'table' where "
                f"it is computed from the cited treaty and obligation tables, 'gap' where no cited figure was found "
                f"({gaps} of {table[self.years].size} cells). Gaps are left as gaps; a researcher can fill them with "
                "rows of `data/templates/monitor_facts.csv` passed as `user_data_dir`."
            )
        )
        fig, data = charts.coverage_chart(table, f"Public indicators with a cited value, {self.baseline}-{self.year}")
        self._show(fig, data, "coverage")

    def chart_status_board(self) -> None:
        fig, data = charts.status_board(self.goal_ratings(), f"Indicator status, {self.baseline}-{self.year}")
        self._show(fig, data, "status_board")

    # --- tables -------------------------------------------------------------------------
    def obligation_status(self, treaty: str = "MBT", kind: str = "clearance") -> pd.DataFrame:
        if kind == "clearance":
            return obligations.clearance_history(
                self.data.treaty_events, self.data.clearance_events, treaty, self.on, self.data.meetings
            )
        return obligations.stockpile_history(
            self.data.treaty_events, self.data.stockpile_events, treaty, self.on, self.data.meetings
        )

    def show_obligations(self, treaty: str = "MBT", kind: str = "clearance") -> None:
        table = self.obligation_status(treaty, kind)
        table.to_csv(self.out / f"obligations_{treaty.lower()}_{kind}.csv", index=False, lineterminator="\n")
        display(Markdown(f"### {treaty} {kind} obligations on {self.on:%d %B %Y}"))
        if table.empty:
            display(Markdown("None recorded."))
            return
        counts = table["status"].value_counts()
        display(Markdown(", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())))
        display(_styled(table[["iso3", "state", "deadline", "extensions", "completed", "status", "reason"]]))

    def membership_changes(self) -> pd.DataFrame:
        rows = []
        for treaty in ("MBT", "CCM"):
            table = treaties.parties_by_year(self.data.treaty_events, treaty, self.years)
            for r in table.itertuples():
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

    def show_membership(self) -> None:
        display(Markdown("## Treaty membership year by year (by deposit, 31 December)"))
        display(_styled(self.membership_changes()))

    # --- sentences ----------------------------------------------------------------------
    def key_numbers(self) -> list[str]:
        """Sentences with their source, ready to paste into a report."""
        out = []
        goal_vals = self.values if self.goal is None else self.values[self.values["goal"] == self.goal]
        for r in goal_vals[(goal_vals["year"] == self.year) & goal_vals["value"].notna()].itertuples():
            if r.answerable_from != "public":
                continue
            value = format_value(r.value, r.qualifier, r.unit or "")
            source = edition_label(r.edition) if isinstance(r.edition, str) else "treaty and obligation records"
            out.append(f"{self.measure[r.indicator_id]} ({r.indicator_id}), {self.year}: {value} ({source}).")
        out += self._headline_sentences()
        self.sentences = out
        return out

    def _headline_sentences(self) -> list[str]:
        facts = self.data.monitor_facts
        out = []
        if self.goal in (None, 3):
            from .facts import series, value_for

            for metric, text in (
                ("casualties_total", "mine/ERW casualties were recorded"),
                ("cm_casualties_total", "cluster munition casualties were recorded"),
            ):
                if metric in set(facts["metric"]):
                    row = value_for(series(facts, metric, vintage=self.vintage), self.year)
                    if row:
                        q = f"{row['qualifier'].capitalize()} " if isinstance(row["qualifier"], str) else ""
                        out.append(f"{q}{row['value']:,.0f} {text} in {self.year} ({edition_label(row['edition'])}).")
        if self.goal in (None, 1):
            for treaty in ("MBT", "CCM"):
                n = treaties.count_states_parties(self.data.treaty_events, treaty, self.on)
                unsure = treaties.undetermined(self.data.treaty_events, treaty, self.on)
                extra = (
                    f", not counting {', '.join(name_of(c) for c in unsure)}, whose date of joining no cited "
                    "source gives"
                    if unsure
                    else ""
                )
                out.append(
                    f"The {treaties.RULES[treaty].name} had {n} States Parties on 31 December {self.year} "
                    f"(counted from deposit of the instrument{extra}; UN depositary and Monitor records)."
                )
        return out

    def show_key_numbers(self) -> None:
        display(Markdown("## Key numbers\n\n" + "\n".join(f"- {esc(s)}" for s in self.key_numbers())))

    # --- what the runner collects -------------------------------------------------------
    def save(self) -> None:
        """Write values, ratings, objectives and key numbers next to the charts."""
        self.values.to_csv(self.out / "indicator_values.csv", index=False, lineterminator="\n")
        self.goal_ratings().to_csv(self.out / "ratings.csv", index=False, lineterminator="\n")
        self.objectives().to_csv(self.out / "objectives.csv", index=False, lineterminator="\n")
        summary = {
            "name": self.name,
            "goal": self.goal,
            "review_year": self.year,
            "baseline_year": self.baseline,
            "vintage": self.vintage,
            "figures": self.figures,
            "key_numbers": self.sentences or self.key_numbers(),
            "status_counts": self.goal_ratings()["status"].value_counts().to_dict(),
            "goal_status": assess.roll_up(self.goal_ratings(), "goal").to_dict("records"),
        }
        (self.out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
        display(Markdown(f"Tables and charts saved in `{self.out.name}/`."))


def _wrap(text: str, width: int = 70) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _styled(frame: pd.DataFrame):
    """A table with status cells coloured; markup in the data is escaped."""
    frame = frame.reset_index(drop=True)
    colours = {s: charts.PALETTE[s] for s in charts.STATUS_ORDER}

    def colour(value):
        c = colours.get(value)
        return f"background-color: {c}; color: white" if c else ""

    uuid = hashlib.sha1(frame.to_csv(index=False).encode()).hexdigest()[:10]  # stable ids: identical reruns
    styler = frame.style.set_uuid(uuid).hide(axis="index").format(na_rep="", escape="html")
    styler = styler.set_properties(**{"text-align": "left", "vertical-align": "top"})
    styler = styler.set_table_styles([{"selector": "th", "props": [("text-align", "left")]}])
    if "status" in frame:
        styler = styler.map(colour, subset=["status"])
    links = [c for c in frame.columns if c in ("source_url", "source")]
    if links:
        styler = styler.format(_link, subset=links, na_rep="")
    return styler


def _link(url) -> str:
    """A source URL as a short link naming its site (the full address stays in the CSV outputs)."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return esc(url)
    site = url.split("/")[2].removeprefix("www.")
    return f'<a href="{esc(url)}">{esc(site)}</a>'
