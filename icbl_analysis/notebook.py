"""What the notebooks call: open a review, show its parts, and keep what the runner collects.

A notebook cell reads like `fig, data = figures.indicator(review, "G1.I01")` then `out.chart(fig, data,
"G1_I01")`: the figure can be restyled or replaced in the cell before it is shown and saved.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, Markdown, display

from . import facts as F
from .errors import DataError
from .evidence import BASIS_SHORT, meeting_index, period_end
from .indicators import RECORDS
from .paths import outputs_dir
from .present import charts, figures, tables, text
from .present.words import md, status_word
from .profile import compute_profile
from .ratings import RATED
from .reconcile import reconcile, reconcile_lists, summary
from .review import Review, compute_review


class Output:
    """Shows charts, tables and text in the notebook, and saves charts (PNG, SVG, CSV) and named tables."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.figures: list[str] = []

    def markdown(self, text_md: str) -> None:
        display(Markdown(text_md))

    def chart(
        self, fig, data: pd.DataFrame, name: str, empty: str = "No value in the public record for this chart."
    ) -> None:
        """Show a chart and save it as `charts/<name>.png|svg|csv`; a missing chart is said in words."""
        if fig is None:
            display(Markdown(f"*{empty}*"))
            return
        paths = charts.save(fig, data, name, self.folder / "charts")
        self.figures.append(name)
        # the report shows the saved PNG itself, at the figure's size: drawing it once more for the notebook
        # (as display(fig) does) would cost as much as saving it
        display(Image(data=paths["png"].read_bytes(), width=round(fig.get_figwidth() * fig.dpi)))
        plt.close(fig)

    def table(
        self, frame: pd.DataFrame, columns: dict[str, str] | None = None, name: str | None = None, unit: str = ""
    ):
        """Show a table in people's words; with `name`, also save it as `<name>.csv` (codes kept)."""
        if name:
            tables.spreadsheet_safe(frame.drop(columns=["_line"], errors="ignore")).to_csv(
                self.folder / f"{name}.csv", index=False, lineterminator="\n"
            )
        if frame.empty:
            display(Markdown("*None recorded.*"))
            return
        display(tables.styled(frame, columns, unit))


def open_review(goal, review_year, baseline_year, vintage, data_dir="", user_data_dir="", output_dir="", records=""):
    """The computed review and where its outputs go (default `outputs/interactive/<year>/<name>`); `records`: the
    campaign's filled records workbook, if any."""
    review = compute_review(goal, review_year, baseline_year, vintage, data_dir, user_data_dir, records=records)
    name = f"goal{goal}" if goal else "overview"
    folder = Path(output_dir) if output_dir else outputs_dir() / "interactive" / str(review_year) / name
    return review, Output(folder)


def header(review: Review, out: Output) -> None:
    title = f"Goal {review.goal}: {review.goal_title()}" if review.goal else review.goal_title()
    out.markdown(f"# {md(title)}\n\n{text.review_intro(review)}")


STATUS_COLUMNS = {
    "indicator_id": "Indicator",
    "short_name": "Short name",
    "baseline_value": "Reference",
    "review_value": "Review year",
    "status": "Status",
    "reason": "Why",
}


def status_table(review: Review, out: Output) -> None:
    """Every indicator of the review with its reference and review values, status and reason."""
    ratings = review.goal_ratings()
    out.table(ratings[ratings["plan"]], STATUS_COLUMNS)


def objective(review: Review, out: Output, objective_id: str) -> None:
    """The objective's finding, then the chart of each of its indicators the campaign's records answered."""
    out.markdown(text.objective_finding(review, objective_id))
    vals = review.values
    answered = vals[(vals["objective"] == objective_id) & (vals["source_kind"] == RECORDS) & vals["value"].notna()]
    for indicator_id in answered["indicator_id"].unique():
        fig, data = figures.indicator(review, indicator_id)
        out.chart(fig, data, indicator_id.replace(".", "_"))


def key_numbers(review: Review, out: Output) -> None:
    numbers = review.key_numbers()
    body = "\n".join(f"- {md(s)}" for s in numbers) if numbers else "*No key number has a value for this year.*"
    out.markdown("## Key numbers\n\n" + body)


def values_with_sources(review: Review, out: Output) -> None:
    """Annex: each indicator with a value (public or from the campaign's records) year by year, with the source of
    each number."""
    vals = review.values if review.goal is None else review.values[review.values["goal"] == review.goal]
    answered = vals.groupby("indicator_id")["value"].transform(lambda v: v.notna().any())
    vals = vals[(vals["answerable_from"] == "public") | answered]
    out.markdown("## Annex: every value with its source")
    columns = {
        "year": "Year",
        "value": "Value",
        "qualifier": "Qualifier",
        "edition": "Edition",
        "note": "Note",
        "source_url": "Source",
    }
    for ind_id, frame in vals.groupby("indicator_id", sort=False):
        kind = " (campaign records)" if frame.iloc[0]["source_kind"] == RECORDS else ""
        out.markdown(f"**{ind_id}** {md(frame.iloc[0]['indicator'])}{kind}")
        unit = next((u for u in frame["unit"] if isinstance(u, str)), "")
        out.table(frame, columns, unit=unit)


def not_assessable(review: Review, out: Output) -> None:
    """The indicators only the campaign's records answer, what data would answer them, and how to add it."""
    ratings = review.goal_ratings()
    gaps = ratings[ratings["plan"] & (ratings["status"] == "not assessable from public data")]
    if gaps.empty:
        return
    measures = review.data.indicators.set_index("id")["measure"]
    out.markdown(
        "## Awaiting the campaign's records\n\n"
        f"{len(gaps)} indicators of this review need records that no public source holds. To rate them, write the "
        "campaign records workbook (`icbl-review records campaign.xlsx`), fill it in Excel and run "
        "`icbl-review annual --records campaign.xlsx` (in a notebook: the `records` parameter)."
    )
    columns = {"indicator_id": "Indicator", "short_name": "Short name", "data_needed": "What counts"}
    out.table(gaps.assign(data_needed=gaps["indicator_id"].map(measures)), columns)


def save(review: Review, out: Output) -> None:
    """Write values, ratings, objectives and key numbers beside the charts (what the runner collects)."""
    for name, frame in (("indicator_values", review.values), ("ratings", review.goal_ratings()),
                        ("objectives", review.objectives())):  # fmt: skip
        tables.spreadsheet_safe(frame).to_csv(out.folder / f"{name}.csv", index=False, lineterminator="\n")
    rated = review.goal_ratings()
    summary = {
        "goal": review.goal,
        "review_year": review.year,
        "baseline_year": review.baseline,
        "vintage": review.vintage,
        "figures": out.figures,
        "key_numbers": review.key_numbers(),
        "status_counts": rated[rated["plan"]]["status"].value_counts().to_dict(),
        "rated": int(rated[rated["plan"]]["status"].isin(RATED).sum()),
        "goal_status": review.goals().to_dict("records"),
        "takeaways": {str(g): text.goal_takeaway(review, g) for g in sorted(rated["goal"].unique())},
        "findings": {r.indicator_id: text.slide_finding(review, r.indicator_id) for r in rated.itertuples()},
    }
    (out.folder / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")


# --- country profiles ---------------------------------------------------------------------------


def open_profile(country, review_year, vintage="first", data_dir="", user_data_dir="", output_dir=""):
    profile = compute_profile(country, review_year, vintage, data_dir, user_data_dir)
    folder = (
        Path(output_dir) if output_dir else outputs_dir() / "interactive" / str(review_year) / f"profile_{profile.iso3}"
    )
    return profile, Output(folder)


def profile_header(profile, out: Output) -> None:
    out.markdown(
        f"# Country profile: {md(profile.name)}\n\n**As of 31 December {profile.year}.** "
        f"{md(profile.headline())}. Every row below carries its source; gaps are shown as gaps, and what happened "
        "after the review date is listed apart at the end."
    )


def profile_membership(profile, out: Output) -> None:
    out.markdown("## Treaty status")
    out.table(profile.membership(), name="membership")


def profile_obligations(profile, out: Output) -> None:
    out.markdown("## Clearance and stockpile obligations")
    table = profile.obligations()
    if table.empty:
        out.markdown("No stockpile or clearance obligation is recorded for this state.")
        table.to_csv(out.folder / "obligations.csv", index=False)
        return
    columns = {"treaty": "Treaty", "obligation": "Obligation", "original_deadline": "Original deadline",
               "deadline": "Deadline", "extensions": "Extensions", "completed": "Completed", "status": "Status",
               "reason": "Why"}  # fmt: skip
    out.table(table, columns, name="obligations")
    out.markdown("### The record behind it")
    out.table(profile.record())


def profile_figures(profile, out: Output) -> None:
    out.markdown("## Monitor figures for this country")
    figures = profile.monitor_figures()
    out.table(figures, name="monitor_figures")
    casualties = figures[figures["metric"] == "casualties_total"]
    if len(casualties) >= 2:
        first = F.series(profile.data.monitor_facts, "casualties_total", profile.iso3, "first", profile.published_by)
        latest = F.series(profile.data.monitor_facts, "casualties_total", profile.iso3, "latest", profile.published_by)
        years = range(int(min(casualties["period"])), profile.year + 1)
        fig, data = charts.revisions(
            first, latest, f"{profile.name}: mine/ERW casualties per year", years, "casualties"
        )
        out.chart(fig, data, "casualties")
    use = profile.use()
    if len(use):
        out.markdown("### Reported use of antipersonnel mines or cluster munitions")
        out.table(use)


def profile_since(profile, out: Output) -> None:
    later = profile.since_then()
    if later.empty:
        return
    out.markdown(f"## Since then (after 31 December {profile.year})\n\nNot part of the profile's status above.")
    out.table(later)


def finding(review: Review, out: Output, indicator_id: str) -> None:
    out.markdown(text.indicator_finding(review, indicator_id))


def reconciliation(review: Review, out: Output) -> None:
    """The published counts of the review years against the derived ones (agreed, explained, open)."""
    table = reconcile(review.data, review.baseline, review.year)
    lists, _ = reconcile_lists(review.data, review.baseline, review.year)
    compared = table[table["outcome"] != "published only"].assign(basis=lambda t: t["basis"].map(BASIS_SHORT))
    out.markdown(
        f"**{summary(table)}** for as-of dates in {review.baseline}-{review.year}; published lists compared state "
        f"by state: {summary(lists)}. Each count is compared on its publisher's basis."
    )
    columns = {"as_of": "As of", "treaty": "Treaty", "measure": "Count", "publisher": "Published by",
               "basis": "Counted", "published": "Published", "derived": "Derived", "outcome": "Outcome",
               "explanation": "Explanation", "source_url": "Source"}  # fmt: skip
    out.table(compared, columns, name="reconciliation")


def profile_save(profile, out: Output) -> None:
    """The profile's headline and filter tags for the profiles index."""
    member = profile.membership().set_index("treaty")["status"]
    parties = {"in_force", "deposited", "withdrawing"}
    tags = [f"{t.lower()}-party" for t in ("MBT", "CCM") if member.get(t) in parties]
    if not tags:
        tags.append("not-party")
    ob = profile.obligations()
    if len(ob):
        tags += sorted(set(ob["obligation"]))
        if (ob["status"] == "missed_outstanding").any():
            tags.append("missed")
    summary = {"iso3": profile.iso3, "name": profile.name, "year": profile.year, "headline": profile.headline(),
               "tags": tags, "figures": out.figures}  # fmt: skip
    (out.folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


OBLIGATION_COLUMNS = {"state": "State", "deadline": "Deadline", "extensions": "Extensions", "completed": "Completed",
                      "status": "Status", "reason": "Why"}  # fmt: skip


def obligations(review: Review, out: Output, treaty: str, kind: str) -> None:
    """How many obligations stand where, and the states that need attention (the full table is in the annex)."""
    table = review.obligations(treaty, kind)
    if table.empty:
        out.markdown(f"No {kind} obligation under the {treaty} is recorded by the review date.")
        return
    counts = table["status"].map(status_word).value_counts()
    out.markdown(
        f"**{treaty} {kind} obligations on {review.on.day} {review.on:%B %Y}:** "
        + ", ".join(f"{n} {s}" for s, n in counts.items())
        + ". The full table is in the annex."
    )
    attention = table[table["status"].isin(["missed_outstanding", "undetermined", "completed_late"])]
    if len(attention):
        out.table(attention, OBLIGATION_COLUMNS)


def obligations_annex(review: Review, out: Output, parts: list[tuple[str, str]]) -> None:
    """Annex: every obligation of the review, one compact table each (also saved as CSV)."""
    out.markdown('<div class="annex"></div>\n\n## Annex: obligations state by state')
    for treaty, kind in parts:
        out.markdown(f"### {treaty} {kind} obligations on {review.on.day} {review.on:%B %Y}")
        out.table(review.obligations(treaty, kind), OBLIGATION_COLUMNS, name=f"obligations_{treaty.lower()}_{kind}")


def _held(rows: pd.DataFrame, review: Review) -> pd.Series:
    """When each row's meeting ended (its own date where it has one; a code like IS2012 gives the year's
    end); None where nothing dates it."""
    ends = {key: m.end for key, m in meeting_index(review.data.meetings).items()}

    def when(r):
        own = period_end(r.get("date")) if isinstance(r.get("date"), str) and r.get("date") else None
        year = re.search(r"(19|20)\d\d", str(r["meeting"]))
        return own or ends.get((r["treaty"], r["meeting"])) or (period_end(year.group(0)) if year else None)

    return pd.Series([when(r) for r in rows.to_dict("records")], index=rows.index, dtype=object)


def meeting_participation(review: Review, out: Output) -> None:
    """Who took part in each treaty meeting from the baseline year to the review date, as the secretariats
    and the campaign published (later meetings are left out)."""
    table = review.data.meeting_participation.copy()
    table["held"] = _held(table, review)
    within = table["held"].map(lambda d: d is not None and review.baseline <= d.year and d <= review.on)
    table = table[within.astype(bool)].sort_values(["held", "treaty"])
    table["number"] = [
        f"{q} {n}" if isinstance(q, str) and q else str(n)
        for q, n in zip(table["qualifier"], table["count"], strict=True)
    ]
    columns = {"treaty": "Treaty", "meeting": "Meeting", "held": "Ended", "group": "Who", "number": "How many",
               "quote": "The source says", "source_url": "Source"}  # fmt: skip
    out.table(table, columns, name="meeting_participation")


def campaign_statements(review: Review, out: Output) -> None:
    """The statements the campaign published for the treaty meetings from the baseline year to the review date."""
    table = review.data.campaign_statements.copy()
    table["held"] = _held(table, review)
    within = table["held"].map(lambda d: d is not None and review.baseline <= d.year and d <= review.on)
    table = table[within.astype(bool)].sort_values(["held", "treaty"])
    columns = {"treaty": "Treaty", "meeting": "Meeting", "held": "Date", "title": "Statement", "source_url": "Source"}
    out.table(table, columns, name="campaign_statements")


def edition_changes(review: Review, out: Output) -> None:
    """What the latest Landmine Monitor of the review revised in the one before: the revised figures and the
    ratings that change, with the full memo (HTML, Markdown, CSV) saved beside the report."""
    from .diff import compare_editions, latest_pair, write_memo
    from .present.memo import sections

    try:
        old, new = latest_pair(review.data.monitor_facts, "LM", up_to=review.published_by)
    except DataError:
        out.markdown("*Fewer than two Landmine Monitor editions in the data: nothing to compare.*")
        return
    diff = compare_editions(review.data, old, new)
    paths = write_memo(diff, out.folder / "changes")
    where = paths["html"].relative_to(out.folder.parent).as_posix()
    out.markdown(f"{diff.summary()} The full memo: [{md(paths['html'].name)}]({where}) (also as Markdown and CSV; "
                 "`icbl-review diff` writes one for any two editions).")  # fmt: skip
    for title, sentence, table in sections(diff)[:2]:  # the figures revised, the ratings that move
        out.markdown(f"**{md(title)}.** {md(sentence)}")
        out.table(table, {c: c for c in table.columns})


def va_evidence(review: Review, out: Output) -> None:
    """What the Monitor's country profiles say about victim assistance, state by state, up to the review year."""
    table = review.data.va_status
    table = table[(table["aspect"] != "group_member") & (table["period"] <= review.year)].sort_values(
        ["iso3", "period"]
    )
    columns = {"state": "State", "period": "Year", "aspect": "What", "value": "Yes or no", "edition": "Edition",
               "quote": "The profile says", "source_url": "Source"}  # fmt: skip
    out.table(table, columns, name="va_status")
