"""What the notebooks call: open a review, show its parts, and keep what the runner collects.

A notebook cell reads like `fig, data = figures.indicator(review, "G1.I01")` then `out.chart(fig, data,
"G1_I01")`: the figure can be restyled or replaced in the cell before it is shown and saved. Every number shown
comes from the review's key-figures registry (`review.figures`), saved beside the report as key_figures.csv.

Two readers: the board copy of a report leaves out what is marked for researchers (annexes, instructions for
adding records), the researcher copy holds everything (`pages.notebook_to_html` writes both).
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Image, Markdown, display

from ..core.escape import esc, md, spreadsheet_safe
from ..core.paths import outputs_dir
from ..engine import facts as F
from ..engine.evidence import BASIS_SHORT
from ..review.compute import Review, compute_review
from ..review.indicators import RECORDS
from ..review.profile import compute_profile
from ..review.ratings import RATED, value_text
from . import charts, figures, tables, text
from .alt import alt_text
from .memo import sections, write_memo
from .words import publisher_words, status_word

RESEARCHER = {"icbl_audience": "researcher"}  # display metadata: only in the researcher copy


class Output:
    """Shows charts, tables and text in the notebook, and saves charts (PNG, SVG, CSV) and named tables."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.figures: list[str] = []

    def markdown(self, text_md: str, researcher: bool = False) -> None:
        display(Markdown(text_md), metadata=RESEARCHER if researcher else None)

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
        width = round(fig.get_figwidth() * fig.dpi)
        display(Image(data=paths["png"].read_bytes(), width=width, alt=alt_text(fig, data)))  # alt: its finding
        plt.close(fig)

    def table(self, frame: pd.DataFrame, columns: dict[str, str] | None = None, name: str | None = None,
              unit: str = "", caption: str = "", researcher: bool = False, cited=()) -> None:  # fmt: skip
        """Show a table in people's words, with its caption in the same block (a caption never ends a page);
        with `name`, also save it as `<name>.csv` (codes kept). `cited` columns hold a source's own words."""
        if name:
            spreadsheet_safe(frame.drop(columns=["_line"], errors="ignore")).to_csv(
                self.folder / f"{name}.csv", index=False, lineterminator="\n"
            )
        head = f"<p class='caption'>{caption}</p>" if caption else ""
        body = "<p><em>None recorded.</em></p>" if frame.empty else tables.styled(frame, columns, unit, cited).to_html()
        short = "keep" if len(frame) <= 12 else "long"
        display(HTML(f"<div class='{short}'>{head}{body}</div>"), metadata=RESEARCHER if researcher else None)


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


def goals_table(review: Review, out: Output) -> None:
    """The four goals: status, indicators, how many rated and how they stand (the registry's counts)."""
    goals = review.goals()
    goals = goals.assign(reason=[text.rollup_words(review, f"goal{g}") for g in goals["goal"]])
    out.table(goals, {"goal": "Goal", "title": "Goal title", "status": "Status", "indicators": "Indicators",
                      "rated": "Rated", "reason": "Why"}, name="goal_status")  # fmt: skip


def objectives_table(review: Review, out: Output) -> None:
    objectives = review.objectives()
    objectives = objectives.assign(
        reason=[text.rollup_words(review, f"objective:{o}") for o in objectives["objective"]]
    )
    out.table(objectives, {"objective": "Objective", "text": "What the plan seeks", "status": "Status",
                           "indicators": "Indicators", "rated": "Rated", "reason": "Why"})  # fmt: skip


def membership_changes(review: Review, out: Output) -> None:
    out.table(review.figures.table("membership_changes"), name="membership_changes")


def support_per_km2(review: Review, out: Output) -> None:
    """Support received against the remaining task, where the Monitor published both for a state and year."""
    out.table(review.figures.table("support_per_km2"), name="support_per_km2")


def gaps(review: Review, out: Output) -> None:
    """The plan's public indicators without a figure for the review year, in words (the registry's count)."""
    missing = review.gaps()
    n = review.figures.number(f"gaps:{review.year}")
    names = ", ".join(f"{r.indicator_id} {md(r.short_name)}" for r in missing.itertuples())
    out.markdown(f"**{n} of the plan's public indicators have no figure for {review.year}** in the record collected"
                 + (f": {names}." if names else "."))  # fmt: skip
    out.markdown("A researcher can fill a gap with cited rows of `data/templates/monitor_facts.csv` passed as "
                 "`--user-data`.", researcher=True)  # fmt: skip


def objective(review: Review, out: Output, objective_id: str) -> None:
    """The objective's finding, then the chart of each of its indicators the campaign's records answered."""
    out.markdown(text.objective_finding(review, objective_id))
    vals = review.values
    answered = vals[(vals["objective"] == objective_id) & (vals["source_kind"] == RECORDS) & vals["value"].notna()]
    for indicator_id in answered["indicator_id"].unique():
        fig, data = figures.indicator(review, indicator_id)
        out.chart(fig, data, indicator_id.replace(".", "_"))


def key_numbers(review: Review, out: Output) -> None:
    numbers = text.key_number_lines(review)
    body = "\n".join(f"- {md(s)}" for s in numbers) if numbers else "*No key number has a value for this year.*"
    out.markdown("## Key numbers\n\n" + body)


VALUE_COLUMNS = {"year": "Year", "shown": "Value", "edition": "Edition", "note": "Note", "source_url": "Source"}


def values_with_sources(review: Review, out: Output) -> None:
    """Researcher annex: each indicator with a value (public or from the campaign's records) year by year, with
    the source of each number."""
    vals = review.scope_values()
    answered = vals.groupby("indicator_id")["value"].transform(lambda v: v.notna().any())
    vals = vals[(vals["answerable_from"] == "public") | answered]
    out.markdown('<div class="annex"></div>\n\n## Annex: every value with its source', researcher=True)
    for ind_id, frame in vals.groupby("indicator_id", sort=False):
        shown = frame.assign(shown=[value_text(r, review.vintage) if not pd.isna(r["value"]) else ""
                                    for r in frame.to_dict("records")])  # fmt: skip
        kind = " (campaign records)" if frame.iloc[0]["source_kind"] == RECORDS else ""
        out.table(shown, VALUE_COLUMNS, caption=f"<strong>{ind_id}</strong> {esc(frame.iloc[0]['indicator'])}{kind}",
                  researcher=True, cited=("note",))  # fmt: skip


def not_assessable(review: Review, out: Output) -> None:
    """The indicators only the campaign's records answer: one sentence in the board copy; what data would answer
    them, and how to add it, in the researcher copy."""
    ratings = review.goal_ratings()
    gaps = ratings[ratings["plan"] & (ratings["status"] == "not assessable from public data")]
    if gaps.empty:
        return
    scope = f"goal{review.goal}" if review.goal else "plan"
    n = review.figures.number(f"{scope}:status:not assessable from public data")
    out.markdown(f"**{n} indicators of this review need the campaign's own records**; no public source holds them. "
                 "The researcher copy of this report lists them with the data that would answer each.")  # fmt: skip
    measures = review.data.indicators.set_index("id")["measure"]
    out.markdown(
        "## Researcher annex: awaiting the campaign's records\n\n"
        "To rate them, write the campaign records workbook (`icbl-review records campaign.xlsx`), fill it in Excel "
        "and run `icbl-review annual --records campaign.xlsx` (in a notebook: the `records` parameter).",
        researcher=True,
    )
    columns = {"indicator_id": "Indicator", "short_name": "Short name", "data_needed": "What counts"}
    out.table(gaps.assign(data_needed=gaps["indicator_id"].map(measures)), columns, researcher=True)


def save(review: Review, out: Output) -> None:
    """Write values, ratings, objectives, the key figures and the key numbers beside the charts (what the runner
    collects)."""
    for name, frame in (("indicator_values", review.values), ("ratings", review.goal_ratings()),
                        ("objectives", review.objectives())):  # fmt: skip
        spreadsheet_safe(frame).to_csv(out.folder / f"{name}.csv", index=False, lineterminator="\n")
    review.figures.write(out.folder / "key_figures.csv")
    rated = review.goal_ratings()
    goals = sorted(rated["goal"].unique())
    summary = {
        "goal": review.goal,
        "review_year": review.year,
        "baseline_year": review.baseline,
        "vintage": review.vintage,
        "figures": out.figures,
        "key_numbers": text.key_number_lines(review),
        "status_counts": rated[rated["plan"]]["status"].value_counts().to_dict(),
        "rated": int(rated[rated["plan"]]["status"].isin(RATED).sum()),
        "goal_status": review.goals().to_dict("records"),
        "takeaways": {str(g): text.goal_takeaway(review, g) for g in goals},
        "chart_takeaways": {r.indicator_id: text.chart_takeaway(review, r.indicator_id) for r in rated.itertuples()},
        "key_findings": text.key_findings(review) if review.goal is None else [],
        "gaps": review.gaps().to_dict("records"),
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
        f"{md(text.profile_headline(profile))}. Every row below carries its source; gaps are shown as gaps, and what "
        "happened after the review date is listed apart at the end."
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
    out.table(profile.record(), caption="<strong>The record behind it</strong>", cited=("quote",))


FIGURE_COLUMNS = {"figure": "Figure", "period": "Year", "shown": "Value", "edition": "Edition", "caveat": "Caveat",
                  "quote": "The source says", "source_url": "Source"}  # fmt: skip


def profile_figures(profile, out: Output) -> None:
    out.markdown("## Monitor figures for this country")
    figures = profile.monitor_figures()
    spreadsheet_safe(figures).to_csv(out.folder / "monitor_figures.csv", index=False, lineterminator="\n")
    shown = figures.assign(shown=[profile.figures.text(k) for k in figures["key"]]) if len(figures) else figures
    out.table(shown, FIGURE_COLUMNS if len(figures) else None, cited=("quote",))
    casualties = figures[figures["metric"] == "casualties_total"] if len(figures) else figures
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
        out.table(use, caption="<strong>Reported use of antipersonnel mines or cluster munitions</strong>")


def profile_since(profile, out: Output) -> None:
    later = profile.since_then()
    if later.empty:
        return
    out.markdown(f"## Since then (after 31 December {profile.year})\n\nNot part of the profile's status above.")
    out.table(later)


def finding(review: Review, out: Output, indicator_id: str) -> None:
    out.markdown(text.indicator_finding(review, indicator_id))


RECONCILIATION_COLUMNS = {"as_of": "As of", "treaty": "Treaty", "measure": "Count", "publisher": "Published by",
                          "counted": "Counted", "shown": "Published", "derived": "Derived", "outcome": "Outcome",
                          "explanation": "Explanation", "source_url": "Source"}  # fmt: skip


def reconciliation(review: Review, out: Output) -> None:
    """The published counts of the review years against the derived ones, each on its publisher's basis: the counts
    in the body, the rows whose numbers differ in a short table, the whole table in the researcher annex."""
    kf = review.figures
    table = kf.table("reconciliation")
    keys = [f"reconciliation:{r['row']}:{r['as_of']}:{r['treaty']}:{r['measure']}:published"
            for r in table.to_dict("records")]  # fmt: skip
    table = table.assign(shown=[kf.text(k) for k in keys], counted=table["basis"].map(BASIS_SHORT))
    named = table.assign(publisher=table["publisher"].map(publisher_words))  # 'Landmine Monitor 2013', not 'LM2013'
    out.markdown(text.reconciliation_summary(review) + f" (as-of dates in {review.baseline}-{review.year}).")
    differ = named[named["published"].astype(float) != named["derived"].astype(float)]
    brief = {k: v for k, v in RECONCILIATION_COLUMNS.items() if k not in ("explanation", "source_url")}
    out.table(differ, brief, caption="<strong>The counts that differ</strong> (each explanation is in the researcher "
              "copy)")  # fmt: skip
    spreadsheet_safe(table.drop(columns=["row", "shown", "counted"])).to_csv(
        out.folder / "reconciliation.csv", index=False, lineterminator="\n"
    )
    out.markdown('<div class="annex"></div>\n\n## Researcher annex: every published count against the derived one',
                 researcher=True)  # fmt: skip
    out.table(named, RECONCILIATION_COLUMNS, researcher=True, cited=("explanation",))


def profile_save(profile, out: Output) -> None:
    """The profile's headline and filter tags for the profiles index, and its key figures."""
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
    profile.figures.write(out.folder / "key_figures.csv")
    summary = {"iso3": profile.iso3, "name": profile.name, "year": profile.year,
               "headline": text.profile_headline(profile), "tags": tags, "figures": out.figures}  # fmt: skip
    (out.folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


OBLIGATION_COLUMNS = {"state": "State", "deadline": "Deadline", "extensions": "Extensions", "completed": "Completed",
                      "status": "Status", "reason": "Why"}  # fmt: skip


def obligations(review: Review, out: Output, treaty: str, kind: str) -> None:
    """How many obligations stand where, and the states that need attention (the full table is in the annex)."""
    table = review.obligations(treaty, kind)
    if table.empty:
        out.markdown(f"No {kind} obligation under the {treaty} is recorded by the review date.")
        return
    name = f"obligations_{treaty.lower()}_{kind}"
    counts = [f"{review.figures.number(f'{name}:status:{s}')} {status_word(s)}"
              for s in table["status"].value_counts().index]  # fmt: skip
    out.markdown(f"**{treaty} {kind} obligations on {review.on.day} {review.on:%B %Y}:** " + ", ".join(counts)
                 + ". The full table is in the researcher copy's annex.")  # fmt: skip
    attention = table[table["status"].isin(["missed_outstanding", "undetermined", "completed_late"])]
    if len(attention):
        out.table(attention, OBLIGATION_COLUMNS)


def obligations_annex(review: Review, out: Output, parts: list[tuple[str, str]]) -> None:
    """Researcher annex: every obligation of the review, one compact table each (also saved as CSV)."""
    out.markdown('<div class="annex"></div>\n\n## Annex: obligations state by state', researcher=True)
    for treaty, kind in parts:
        out.table(review.obligations(treaty, kind), OBLIGATION_COLUMNS, name=f"obligations_{treaty.lower()}_{kind}",
                  caption=f"<strong>{treaty} {kind} obligations on {review.on.day} {review.on:%B %Y}</strong>",
                  researcher=True)  # fmt: skip


def meeting_participation(review: Review, out: Output) -> None:
    """Who took part in each treaty meeting from the baseline year to the review date, as the secretariats
    and the campaign published (later meetings are left out)."""
    table = review.figures.table("meeting_participation")
    keys = [f"meeting_participation:{r['treaty']}:{r['meeting']}:{r['group']}:{r['row']}:count"
            for r in table.to_dict("records")]  # fmt: skip
    table = table.assign(number=[review.figures.text(k) for k in keys])
    columns = {"treaty": "Treaty", "meeting": "Meeting", "held": "Ended", "group": "Who", "number": "How many",
               "quote": "The source says", "source_url": "Source"}  # fmt: skip
    out.table(table.drop(columns=["row"]), columns, name="meeting_participation", cited=("quote",))


def campaign_statements(review: Review, out: Output) -> None:
    """The statements the campaign published for the treaty meetings from the baseline year to the review date."""
    table = review.figures.table("campaign_statements")
    columns = {"treaty": "Treaty", "meeting": "Meeting", "held": "Date", "title": "Statement", "source_url": "Source"}
    out.table(table, columns, name="campaign_statements", cited=("title",))


def edition_changes(review: Review, out: Output) -> None:
    """What the later of the review year's two Landmine Monitors revised in the earlier one: the revised figures
    and the ratings that change status, with the full memo (HTML, Markdown, CSV) saved beside the report."""
    if "memo" not in review.figures.tables:
        out.markdown(f"*The data holds figures of fewer than two Landmine Monitors reporting on {review.year}: "
                     "nothing to compare.*")  # fmt: skip
        return
    diff = review.figures.table("memo")
    paths = write_memo(diff, out.folder / "changes")
    where = paths["html"].relative_to(out.folder.parent).as_posix()
    out.markdown(f"{md(text.memo_summary(review))} The full memo: [{md(paths['html'].name)}]({where}) (also as "
                 "Markdown and CSV; `icbl-review diff` writes one for any two editions).")  # fmt: skip
    for title, sentence, table in sections(diff)[:2]:  # the figures revised, the ratings that change status
        out.table(table, {c: c for c in table.columns}, caption=f"<strong>{esc(title)}.</strong> {esc(sentence)}")


def va_evidence(review: Review, out: Output) -> None:
    """What the Monitor's country profiles say about victim assistance, state by state, up to the review year:
    from the editions this review uses; rows from later editions apart, labelled, in the researcher copy."""
    within = review.figures.table("va_evidence")
    later = review.figures.table("va_evidence_later")
    columns = {"state": "State", "period": "Year", "aspect": "What", "value": "Yes or no", "edition": "Edition",
               "quote": "The profile says", "source_url": "Source"}  # fmt: skip
    out.table(within, columns, name="va_status", cited=("quote",))
    if len(later):
        n = review.figures.number("va_evidence:later")
        last = review.published_by or review.year + 1
        out.markdown(f"{n} more statements about these years come from editions published after {last}, which a "
                     f"review as of 31 December {review.year} could not have read; the researcher copy lists them "
                     "apart.")  # fmt: skip
        out.table(later, columns, name="va_status_published_later", researcher=True, cited=("quote",),
                  caption=f"<strong>Published after the review's editions</strong> (after {last}): the same years, "
                  "as later editions describe them; not used in this review")  # fmt: skip
