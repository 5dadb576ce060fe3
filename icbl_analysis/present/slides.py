"""The retreat deck: one message per slide, built from what the run saved (summaries, ratings, charts, the
key-figures registry). Each slide's title is one sentence that says what its chart or table shows; the key
findings slide carries the sentences of the key findings sheet; every number in a title is the registry's. No
file paths, codes or ISO dates on a slide: the reports and the CSV files hold those."""

from __future__ import annotations

import base64
import csv
import json
import re
from datetime import date
from pathlib import Path

from ..core.paths import BUNDLED_DATA_DIR
from ..review.key_figures import KeyFigures, counted
from .alt import png_description
from .words import COLOURS, MEASURE_WORDS, TEXT_ON, day, publisher_words

RATED = ("on track", "at risk", "off track")
PER_GOAL = {  # (chart, the indicator whose finding titles the slide; None: a chart with its own sentence)
    1: [("states_parties", None), ("use_apm", "G1.I04"), ("G1_I10", "G1.I10")],
    2: [("G2_I02", "G2.I02"), ("G2_I05", "G2.I05"), ("G2_I08", "G2.I08")],
    3: [("revisions_casualties_total", "G3.C01")],
    4: [("G4_I07", "G4.I07"), ("G4_I06", "G4.I06")],
}


def read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _img(path: Path) -> dict | None:
    if not path.exists():
        return None
    alt = png_description(path) or path.stem.replace("_", " ")  # the chart's finding, kept in the PNG by charts.save
    return {"data": base64.b64encode(path.read_bytes()).decode(), "alt": alt}


def _status(status: str) -> dict:
    return {"status": status, "colour": COLOURS.get(status, "#6b7785"), "outlined": status.startswith("not assessable"),
            "text": TEXT_ON.get(status, "#fff")}  # fmt: skip


def _registry(staging: Path) -> KeyFigures:
    path = staging / "key_figures.csv"
    return KeyFigures.read(path) if path.exists() else KeyFigures()


def _words(text: str) -> str:
    """ISO dates in a data-written sentence become '31 October 2014'."""
    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", lambda m: day(date(*map(int, m.groups()))).replace("\u00a0", " "),
                  text)  # fmt: skip


def deck(staging: Path, params: dict) -> list[dict]:
    year, baseline = params["review_year"], params["baseline_year"]
    kf = _registry(staging)
    overview = read_json(staging / "overview" / "summary.json")
    ratings = read_csv(staging / "overview" / "ratings.csv")
    goals = read_csv(staging / "overview" / "goal_status.csv")
    takeaways = overview.get("takeaways", {})
    plan = [r for r in ratings if r.get("plan") == "True"]
    slides = [
        {
            "kind": "title",
            "title": "ICBL-CMC strategic plan 2012-2015",
            "subtitle": f"Progress review {year} against the {baseline} baseline, from cited public data",
            "tiles": [
                {
                    "goal": g["goal"],
                    "title": g["title"],
                    "status": g["status"],
                    "rated": _rated(kf, g["goal"]),
                    "colour": COLOURS.get(g["status"], "#6b7785"),
                    "outlined": False,
                }
                for g in goals
            ],
            "notes": "Each goal takes the worst rating among the indicators the public record can rate. "
            + " ".join(takeaways.values()),
        }
    ]
    findings = overview.get("key_findings", [])
    for part, start in enumerate(range(0, len(findings), 8)):
        chunk = findings[start : start + 8]
        slides.append(
            {
                "title": f"Key findings of {year}" + (", continued" if part else ""),
                "findings": [
                    {
                        "sentence": f["sentence"],
                        "source": f["primary_publication"] + (" (secondary copy)" if f["secondary"] else ""),
                    }
                    for f in chunk
                ],  # fmt: skip
                "notes": "The same sentences as the one-page key findings sheet, each with its date and source there.",
            }
        )
    slides += _board(plan, kf)
    catalogue = read_csv(Path(params.get("data_dir") or BUNDLED_DATA_DIR) / "indicators.csv")
    for goal in (1, 2, 3, 4):
        summary = read_json(staging / f"goal{goal}" / "summary.json")
        by_id = {r["indicator_id"]: r for r in read_csv(staging / f"goal{goal}" / "ratings.csv")}
        from_records = [  # the campaign-records indicators the catalogue puts on the slides, where records answered
            (r["id"].replace(".", "_"), r["id"])
            for r in catalogue
            if r["goal"] == str(goal) and r["answered_by"] == "researcher" and r.get("slide") == "yes"
        ]
        notes_in_year = {  # what the obligation records say of the review year (states by name), for the presenter
            r["indicator_id"]: r["note"]
            for r in read_csv(staging / f"goal{goal}" / "indicator_values.csv")
            if r["basis"] == "treaty" and r["year"] == str(year) and r["note"]
        }
        first = True
        for chart, indicator in PER_GOAL[goal] + from_records:
            image = _img(staging / f"goal{goal}" / "charts" / f"{chart}.png")
            status = by_id.get(indicator, {}).get("status") if indicator else None
            if image is None or status == "no data found":
                continue  # a gap is said once, on the gaps slide
            title = (_parties_sentence(kf, year) if indicator is None else
                     summary.get("chart_takeaways", {}).get(indicator, indicator))  # fmt: skip
            slides.append(
                {
                    "title": title,
                    "goal_line": takeaways.get(str(goal), "") if first else "",
                    "images": [image],
                    "notes": (f"{by_id[indicator]['reason']}." if indicator in by_id else "")
                    + (f" In {year}: {notes_in_year[indicator]}." if indicator in notes_in_year else ""),
                }
            )
            first = False
    slides += _then_and_now(plan, year, baseline)
    slides.append(_gaps(plan, overview, kf, year))
    slides += _reconciliation(staging, kf)
    slides.append(
        {
            "title": "How to read this review",
            "bullets": [
                f"As of 31 December {year}: nothing dated later is used.",
                "Monitor figures as first published (the edition after each year), unless the run chose otherwise.",
                "Only like is compared with like: land released with land released, all states with all states.",
                "States Parties counted from the deposit of their instrument, as the Monitor counts.",
                "Deadlines, extensions and completions counted by the treaty's rules, as the secretariats count: "
                "from the States Parties' declarations, each decision dated by the meeting that took it.",
                "Every number carries its source; the reports and the key figures list give each one.",
            ],
            "notes": "The run's manifest records the data files' hashes and the software versions.",
        }
    )
    return slides


def _rated(kf: KeyFigures, goal: str) -> str:
    scope = f"goal{goal}"
    if f"{scope}:rated" not in kf:
        return ""
    return f"{kf.number(scope + ':rated')} of {counted(int(kf.get(scope + ':indicators').value), 'indicator')} rated"


def _parties_sentence(kf: KeyFigures, year: int) -> str:
    mbt, ccm = f"states_parties:MBT:{year}:states_parties", f"states_parties:CCM:{year}:states_parties"
    if mbt not in kf or ccm not in kf:
        return "States Parties at the end of each year"
    return (f"The Mine Ban Treaty had {kf.text(mbt)} States Parties and the Convention on Cluster Munitions "
            f"{kf.text(ccm)} at the end of {year}")  # fmt: skip


def _board(plan: list[dict], kf: KeyFigures) -> list[dict]:
    """The plan's indicators as readable tiles, goals 1-2 on one slide and 3-4 on the next."""
    slides = []
    for goals in ((1, 2), (3, 4)):
        groups = [
            {"goal": g, "tiles": [{"name": r["short_name"], **_status(r["status"]), "records":
                                   r.get("answerable_from") == "researcher" and r["status"] in RATED}
                                  for r in plan if r["goal"] == str(g)]}
            for g in goals
        ]  # fmt: skip
        if "plan:rated" in kf and kf.get("plan:rated:records").value:
            title = (f"{kf.number('plan:rated')} of the plan's {kf.number('plan:indicators')} indicators rated: "
                     f"{kf.number('plan:rated:public')} from the public record, {kf.number('plan:rated:records')} "
                     f"from the campaign's records (goals {goals[0]} and {goals[1]})")  # fmt: skip
        elif "plan:rated" in kf:
            title = (f"{kf.number('plan:rated')} of the plan's {kf.number('plan:indicators')} indicators can be rated "
                     f"from the public record: goals {goals[0]} and {goals[1]}")  # fmt: skip
        else:
            title = f"The plan's indicators: goals {goals[0]} and {goals[1]}"
        slides.append({"title": title, "groups": groups, "notes": "Outlined tiles need the campaign's own records."})
    return slides


def _then_and_now(plan: list[dict], year: int, baseline: int) -> list[dict]:
    """The rated indicators, reference against review year; then the figures found but not compared, and why."""
    rated = [r for r in plan if r["status"] in RATED]
    slides = [
        {
            "title": f"Then and now: {baseline} against {year}, like with like",
            "table": {
                "header": ["Indicator", "Reference", str(year), "Status"],
                "rows": [
                    [r["short_name"], r["baseline_value"], r["review_value"], _status(r["status"])] for r in rated
                ],
            },
            "small": len(rated) > 12,
            "notes": "The reference is the baseline year's value, or the first later year with one of the same "
            "definition (named).",
        }
    ]
    apart = [r for r in plan if r["status"] in ("measured differently", "undecided: published range")]
    if apart:
        slides.append(
            {
                "title": f"{counted(len(apart), 'figure')} found but not rated: the comparison is not like with like "
                "or a published range does not settle it",
                "table": {
                    "header": ["Indicator", "Reference", str(year), "Why not rated"],
                    "rows": [
                        [r["short_name"], r["baseline_value"], r["review_value"], _status(r["status"])] for r in apart
                    ],  # fmt: skip
                },
                "notes": " ".join(f"{r['short_name']}: {r['reason']}." for r in apart),
            }
        )
    return slides


def _gaps(plan: list[dict], overview: dict, kf: KeyFigures, year: int) -> dict:
    """What cannot be rated yet, in plain words: public figures missing, indicators only the campaign answers."""
    gaps = overview.get("gaps", [])
    by_goal: dict[str, list[str]] = {}
    for g in gaps:
        by_goal.setdefault(str(g["goal"]), []).append(g["short_name"])
    records: dict[str, list[str]] = {}
    for r in plan:
        if r["status"] == "not assessable from public data":
            records.setdefault(r["goal"], []).append(r["short_name"])
    n_gaps = kf.number(f"gaps:{year}") if f"gaps:{year}" in kf else str(len(gaps))
    n_records = kf.number("plan:status:not assessable from public data")
    bullets = [f"No public figure found for {year}, goal {g}: {', '.join(names)}" for g, names in by_goal.items()]
    bullets += [
        f"Awaiting the campaign's records, goal {g}: "
        f"{kf.number(f'goal{g}:status:not assessable from public data')} indicators"
        for g in sorted(records)
    ]
    return {
        "title": f"What cannot be rated yet: {n_gaps} public figures missing for {year}, {n_records} indicators await "
        "the campaign's records",
        "bullets": bullets,
        "small": False,
        "notes": "Gaps stay gaps: the missing figures are in the Monitor's full reports beyond the stored pages. The "
        "researcher copies of the reports say how to add the campaign's records.",
    }


def _reconciliation(staging: Path, kf: KeyFigures) -> list[dict]:
    rows = read_csv(staging / "overview" / "reconciliation.csv")
    if not rows or "reconciliation:agreed" not in kf:
        return []
    n = {k: kf.number(f"reconciliation:{k}") for k in ("agreed", "differ", "same_count_other_states", "open")}
    for i, r in enumerate(rows):  # the published figure as the registry states it, qualifier included
        r["shown"] = kf.text(f"reconciliation:{i}:{r['as_of']}:{r['treaty']}:{r['measure']}:published")
    differ = [r for r in rows if float(r["published"]) != float(r["derived"])]
    bullets = []
    for r in differ[:6]:
        as_of = day(date.fromisoformat(r["as_of"])).replace("\u00a0", " ")
        what = MEASURE_WORDS.get(r["measure"], r["measure"].replace("_", " "))
        bullets.append(f"{publisher_words(r['publisher'])} ({as_of}): {r['treaty']} {what}, "
                       f"published {r['shown']}, our count {_n(r['derived'])}: explained")  # fmt: skip
    title = f"Our counts against the published ones: {n['agreed']} agree, {n['differ']} differ for a cited reason"
    if int(n["same_count_other_states"]):
        one = n["same_count_other_states"] == "1"
        title += (f", {n['same_count_other_states']} {'agrees' if one else 'agree'} in number but "
                  f"{'names' if one else 'name'} other states")  # fmt: skip
    return [
        {
            "title": title + f", {n['open']} open",
            "bullets": [_words(b) for b in bullets]
            + (["… the others, each with its cited explanation, in the overview report"] if len(differ) > 6 else []),
            "notes": "Every count the Monitor or the secretariats published for a date is compared with the count "
            "from the cited records on the same date; each difference has a cited explanation in the overview.",
        }
    ]


def _n(text: str) -> str:
    value = float(text)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
