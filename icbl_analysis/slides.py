"""The retreat deck: one message per slide, built from what the run saved (summaries, ratings, charts). The
slide titles are the takeaway sentences the library wrote from the data; the notes say what lies behind."""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path

from .present.words import COLOURS

PER_GOAL = {  # (chart, the indicator whose finding titles the slide) per goal; the first slide carries the takeaway
    1: [("states_parties", None), ("G1_I01", "G1.I01"), ("use_apm", "G1.I04"), ("G1_I10", "G1.I10")],
    2: [("G2_I08", None), ("G2_I02", "G2.I02"), ("G2_I05", "G2.I05")],
    3: [("revisions_casualties_total", None), ("G3_I05", "G3.I05")],
    4: [("G4_I07", None), ("G4_I06", "G4.I06")],
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
    return {"data": base64.b64encode(path.read_bytes()).decode(), "alt": path.stem.replace("_", " ")}


def _status(status: str) -> dict:
    return {"status": status, "colour": COLOURS.get(status, "#6b7785"), "outlined": status.startswith("not assessable")}


def _rated_title(plan: list[dict]) -> str:
    """'12 of the plan's 52 indicators can be rated from the public record' (and how many from the campaign's
    records, when it supplied them)."""
    rated = [r for r in plan if r["status"] in ("on track", "at risk", "off track")]
    records = sum(r.get("answerable_from") == "researcher" for r in rated)
    if not records:
        return f"{len(rated)} of the plan's {len(plan)} indicators can be rated from the public record"
    return (f"{len(rated)} of the plan's {len(plan)} indicators rated: {len(rated) - records} from the public "
            f"record, {records} from the campaign's records")  # fmt: skip


def deck(staging: Path, params: dict) -> list[dict]:
    year, baseline = params["review_year"], params["baseline_year"]
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
                    "rated": f"{g['rated']} of {g['indicators']} indicators rated",
                    "colour": COLOURS.get(g["status"], "#6b7785"),
                    "outlined": False,
                }
                for g in goals
            ],
            "notes": "Each goal takes the worst rating among the indicators the public record can rate. "
            + " ".join(takeaways.values()),
        },
        {
            "title": f"Key numbers of {year}",
            "bullets": overview.get("key_numbers", [])[:7],
            "source": "each figure's edition or table is named in the sentence",
            "notes": "Every sentence is written by the library from the cited data; the goal reports hold the rest.",
        },
        {
            "title": _rated_title(plan),
            "images": [i for i in [_img(staging / "overview" / "charts" / "status_board.png")] if i],
            "notes": "Outlined tiles need the campaign's own records; grey tiles are public figures the record "
            "collected does not hold for the review year.",
        },
    ]
    catalogue = read_csv(Path(params.get("data_dir") or "") / "indicators.csv") if params.get("data_dir") else []
    for goal in (1, 2, 3, 4):
        summary = read_json(staging / f"goal{goal}" / "summary.json")
        from_records = [  # the campaign-records indicators the catalogue puts on the slides, where records answered
            (r["id"].replace(".", "_"), r["id"])
            for r in catalogue
            if r["goal"] == str(goal) and r["answered_by"] == "researcher" and r.get("slide") == "yes"
        ]
        for k, (chart, indicator) in enumerate(PER_GOAL[goal] + from_records):
            image = _img(staging / f"goal{goal}" / "charts" / f"{chart}.png")
            if image is None:
                continue
            finding = summary.get("findings", {}).get(indicator) if indicator else None
            slides.append(
                {
                    "title": (
                        takeaways.get(str(goal), f"Goal {goal}") if k == 0 or not finding else f"Goal {goal}: {finding}"
                    ),
                    "images": [image],
                    "source": "see the chart's footer",
                    "notes": " ".join(summary.get("key_numbers", [])[:4]),
                }
            )
    headline = [r for r in plan if r["status"] in ("on track", "at risk", "off track")]
    slides.append(
        {
            "title": f"Then and now: {baseline} against {year}",
            "table": {
                "header": ["", "Indicator", "Reference", str(year), "Status"],
                "rows": [
                    [r["indicator_id"], r["short_name"], r["baseline_value"], r["review_value"], _status(r["status"])]
                    for r in headline[:12]
                ],
            },
            "notes": "The reference is the baseline year's value, or the first later year with one (named).",
        }
    )
    missing = [r for r in plan if r["status"] == "not assessable from public data"]
    by_goal = {}
    for r in missing:
        by_goal.setdefault(r["goal"], []).append(r["short_name"])
    if missing:
        slides.append(
            {
                "title": f"{len(missing)} indicators await the campaign's records",
                "bullets": [
                    f"Goal {g}: {', '.join(names[:6])}{' …' if len(names) > 6 else ''}"
                    for g, names in sorted(by_goal.items())
                ],
                "source": "`icbl-review records campaign.xlsx` writes the workbook that takes them; "
                "`icbl-review annual --records campaign.xlsx` rates them",
                "notes": "Statements, media, web visits, participation and governance are in no public record.",
            }
        )
    gaps = [r for r in plan if r["status"] == "no data found"]
    slides.append(
        {
            "title": f"{len(gaps)} public indicators lack a figure for {year} in the record collected",
            "images": [i for i in [_img(staging / "overview" / "charts" / "coverage.png")] if i],
            "notes": "Gaps stay gaps: the figures are in the Monitor's full reports beyond the stored pages.",
        }
    )
    reconciliation = read_csv(staging / "overview" / "reconciliation.csv")
    if reconciliation:
        counts = {o: sum(r["outcome"] == o for r in reconciliation) for o in ("agreed", "explained", "open")}
        slides.append(
            {
                "title": f"Our counts against the published ones: {counts['agreed']} agree, {counts['explained']} "
                f"differ for a stated reason, {counts['open']} open",
                "bullets": [
                    f"{r['as_of']} {r['treaty']} {r['measure'].replace('_', ' ')}: published {r['published']}, "
                    f"derived {r['derived'].removesuffix('.0')} ({r['outcome']})"
                    for r in reconciliation
                    if r["outcome"] != "agreed"
                ][:6],
                "source": "published_counts.csv and reconciliation_notes.csv, each row cited",
                "notes": "Every count the Monitor or the secretariats published for a date is compared with the "
                "engine's count from the cited tables on the same date.",
            }
        )
    slides.append(
        {
            "title": "How to read this review",
            "bullets": [
                f"As of 31 December {year}: nothing dated later is used.",
                "Monitor figures as first published (the edition after each year), unless the run chose otherwise.",
                "States Parties counted from the deposit of their instrument, as the Monitor counts.",
                "Every number carries its source; the HTML reports and CSV files give each one.",
            ],
            "notes": "The runner's manifest records the data files' hashes and the software versions.",
        }
    )
    return slides
