"""The pages people open after a run: an HTML report per notebook (no code; a board copy and, where the
notebook marks parts for researchers, a researcher copy), the index page, the profiles' index, offline slides
for the retreat and the key findings sheet, each written into a run's folder from what its notebooks saved.
Every page comes from a template through `html.ENV` (autoescaping on, so text from the data is always
escaped); the notebooks' own output is rendered by nbconvert."""

from __future__ import annotations

import base64
import copy
import re
from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from ..data.countries import name_of
from ..engine.facts import edition_label
from .html import CSS, ENV
from .slides import deck, read_csv, read_json
from .text import vintage_words
from .words import COLOURS

GOAL_NOTEBOOKS = {"overview": "Overview", "goal1": "Goal 1", "goal2": "Goal 2", "goal3": "Goal 3", "goal4": "Goal 4"}


def title(name: str, goal_titles: dict[int, str] | None = None) -> str:
    """'goal1' -> 'Goal 1: No more use ...', 'profile_KHM' -> 'Country profile: Cambodia'."""
    if name.startswith("profile_"):
        return f"Country profile: {name_of(name.removeprefix('profile_'))}"
    if name == "overview":
        return "Overview: the four goals"
    if name.startswith("goal") and goal_titles:
        goal = int(name[-1])
        return f"Goal {goal}: {goal_titles.get(goal, '')}"
    return GOAL_NOTEBOOKS.get(name, name)


def _slug(text: str) -> str:
    """The anchor nbconvert gives a heading: its text with spaces as hyphens."""
    return re.sub(r"\s+", "-", text.strip())


def _toc(nb) -> list[tuple[int, str, str]]:
    """Level-1 and level-2 headings of the notebook and of its Markdown outputs, in order."""
    items = []
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [
            o.get("data", {}).get("text/markdown", "") for o in cell.get("outputs", [])
        ]  # fmt: skip
        for source in texts:
            for line in str(source).splitlines():
                match = re.match(r"^(#{1,2})\s+(.+?)\s*$", line)
                if match:
                    plain = re.sub(r"[*_`\\]", "", match.group(2))
                    items.append((len(match.group(1)), _slug(plain), plain))
    return items


@lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    """One exporter per process: building one compiles its templates, which costs more than a profile."""
    exporter = HTMLExporter(template_name="basic")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def researcher_copy(target: Path) -> Path:
    """Where the researcher copy of a report goes: goal1.html -> goal1-researcher.html."""
    return target.with_name(f"{target.stem}-researcher{target.suffix}")


def _for_board(nb) -> tuple[object, bool]:
    """The notebook without what is marked for researchers (annexes, instructions), and whether anything was."""
    board = copy.deepcopy(nb)
    dropped = False
    for cell in board.cells:
        if cell.cell_type != "code":
            continue
        kept = [o for o in cell.get("outputs", []) if o.get("metadata", {}).get("icbl_audience") != "researcher"]
        dropped |= len(kept) != len(cell.get("outputs", []))
        cell.outputs = kept
    return board, dropped


def notebook_to_html(executed: Path, target: Path, name: str, params: dict, result: dict, goal_titles=None) -> Path:
    """An HTML report without code cells, with the parameters, provenance and a table of contents on top: the
    board copy at `target`, and where the notebook marked parts for researchers (annexes, instructions), the
    researcher copy with everything beside it (`<name>-researcher.html`)."""
    exporter = _exporter()
    nb = nbformat.read(executed, as_version=4)
    nb.metadata.pop("papermill", None)
    nb.cells = [c for c in nb.cells if "about-this-notebook" not in c.metadata.get("tags", [])]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-cell-{i:02d}"  # papermill gives its injected cell a random id
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.outputs = []
    board, has_annex = _for_board(nb)
    shown = {k: v for k, v in params.items() if k != "output_dir"}
    copies = [(board, target, "board")] + ([(nb, researcher_copy(target), "researcher")] if has_annex else [])
    for notebook, path, audience in copies:
        body, _ = exporter.from_notebook_node(notebook)
        page = ENV.get_template("report.html.j2").render(
            title=title(name, goal_titles),
            css=CSS,
            params=shown,
            failed=result.get("error") if result.get("outcome") != "ok" else "",
            toc=_toc(notebook),
            body=body,
            audience=audience,
            other=researcher_copy(target).name if audience == "board" and has_annex else target.name,
            has_annex=has_annex,
        )
        path.write_text(page, encoding="utf-8")
    if not has_annex:
        researcher_copy(target).unlink(missing_ok=True)
    return target


def goal_titles(staging: Path) -> dict[int, str]:
    return {int(g["goal"]): g["title"] for g in read_csv(staging / "overview" / "goal_status.csv")}


def _chart_label(stem: str, catalogue: dict[str, str]) -> str:
    """'G1_I01' -> 'G1.I01 New CCM States Parties'; other charts by their words."""
    ind = stem.replace("_", ".", 1) if re.fullmatch(r"G\d_[IC]\d\d", stem) else None
    if ind:
        return f"{ind} {catalogue.get(ind, '')}".strip()
    words = {"states_parties": "States Parties over time", "world_status_map": "World map of treaty status",
             "status_board": "Status of every indicator", "coverage": "Where each value comes from",
             "use_apm": "New use of antipersonnel mines", "mbt_clearance_deadlines": "MBT Article 5 deadlines",
             "ccm_clearance_deadlines": "CCM Article 4 deadlines", "casualties": "Casualties per year",
             "revisions_casualties_total": "Mine/ERW casualties, first published and latest",
             "revisions_cm_casualties_total": "Cluster munition casualties, first published and latest",
             "funding_by_recipient_by_country": "International support received, by country",
             "casualties_total_by_country": "Casualties in the most affected countries"}  # fmt: skip
    return words.get(stem, stem.replace("_", " ").capitalize())


def _catalogue(staging: Path) -> dict[str, str]:
    rows = read_csv(staging / "overview" / "ratings.csv") or [
        r for name in GOAL_NOTEBOOKS for r in read_csv(staging / name / "ratings.csv")
    ]
    return {r["indicator_id"]: r.get("short_name", "") for r in rows}


def _reports(staging: Path, results: list[dict], titles: dict[int, str]) -> list[dict]:
    catalogue = _catalogue(staging)
    out = []
    for r in results:
        name, folder = r["notebook"], staging / r["notebook"]
        pngs = sorted((folder / "charts").glob("*.png")) if (folder / "charts").exists() else []
        out.append(
            {
                "name": name,
                "title": title(name, titles),
                "ok": r["outcome"] == "ok",
                "error": r.get("error", ""),
                "html": f"{name}.html",
                "pdf": f"{name}.pdf" if (staging / f"{name}.pdf").exists() else "",
                "researcher": f"{name}-researcher.html" if (staging / f"{name}-researcher.html").exists() else "",
                "researcher_pdf": f"{name}-researcher.pdf" if (staging / f"{name}-researcher.pdf").exists() else "",
                "notebook": f"notebooks/{name}.ipynb",
                "charts": [{"label": _chart_label(p.stem, catalogue), "stem": f"{name}/charts/{p.stem}"} for p in pngs],
                "tables": [
                    {"label": t.stem.replace("_", " "), "href": f"{name}/{t.name}"}
                    for t in sorted(folder.glob("*.csv"))
                ],
                "memos": [
                    {
                        "label": f"What changed from {' to '.join(edition_label(e) for e in m.stem.split('-'))}",
                        "href": f"{name}/changes/{m.name}",
                    }
                    for m in sorted((folder / "changes").glob("*.html"))
                ],  # fmt: skip
            }
        )
    return out


def write_index(staging: Path, results: list[dict], params: dict, notes: str = "") -> Path:
    """The annual run's page: status by goal, every report, chart and data file."""
    titles = goal_titles(staging)
    summary = read_json(staging / "overview" / "summary.json")
    goals = [
        {
            "goal": g["goal"],
            "title": titles.get(int(g["goal"]), ""),
            "status": g["status"],
            "colour": COLOURS.get(g["status"], "#6b7785"),
            "outlined": g["status"] == "not assessable from public data",
            "takeaway": summary.get("takeaways", {}).get(str(g["goal"]), g.get("reason", "")),
        }
        for g in read_csv(staging / "overview" / "goal_status.csv")
    ]
    page = ENV.get_template("index.html.j2").render(
        heading=f"ICBL-CMC strategic plan 2012-2015: review {params['review_year']}",
        css=CSS,
        year=params["review_year"],
        baseline=params.get("baseline_year"),
        vintage_words=vintage_words(params["vintage"]),
        slides=(staging / "slides.html").exists(),
        slides_pdf=(staging / "slides.pdf").exists(),
        findings=(staging / "key_findings.html").exists(),
        findings_pdf=(staging / "key_findings.pdf").exists(),
        key_figures=(staging / "key_figures.csv").exists(),
        key_figures_xlsx=(staging / "key_figures.xlsx").exists(),
        goals=goals,
        reports=_reports(staging, results, titles),
        notes=notes,
    )
    path = staging / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def write_profiles_index(staging: Path, results: list[dict], params: dict, notes: str = "") -> Path:
    """Every profile with its headline line, filterable by treaty status and obligations."""
    profiles = []
    for r in results:
        summary = read_json(staging / r["notebook"] / "summary.json")
        profiles.append(
            {
                "name": title(r["notebook"]).removeprefix("Country profile: "),
                "html": f"{r['notebook']}.html",
                "pdf": f"{r['notebook']}.pdf" if (staging / f"{r['notebook']}.pdf").exists() else "",
                "notebook": f"notebooks/{r['notebook']}.ipynb",
                "ok": r["outcome"] == "ok",
                "error": r.get("error", ""),
                "headline": summary.get("headline", ""),
                "tags": " ".join(summary.get("tags", [])),
            }
        )
    profiles.sort(key=lambda p: p["name"])
    filters = [("all", "all"), ("mbt-party", "MBT States Parties"), ("ccm-party", "CCM States Parties"),
               ("not-party", "party to neither"), ("clearance", "clearance obligation"),
               ("stockpile", "stockpile obligation"), ("missed", "a deadline missed")]  # fmt: skip
    page = ENV.get_template("profiles.html.j2").render(
        css=CSS, year=params["review_year"], vintage_words=vintage_words(params["vintage"]), profiles=profiles,
        filters=filters, notes=notes,
    )  # fmt: skip
    path = staging / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def image(path: Path) -> dict | None:
    if not path.exists():
        return None
    return {"data": base64.b64encode(path.read_bytes()).decode(), "alt": path.stem.replace("_", " ")}


def write_slides(staging: Path, params: dict) -> Path:
    """A self-contained deck for the retreat (no network): one message per slide, speaker notes on 'n'."""
    slides = deck(staging, params)
    page = ENV.get_template("slides.html.j2").render(title=f"Review {params['review_year']}: slides", slides=slides)
    path = staging / "slides.html"
    path.write_text(page, encoding="utf-8")
    return path


def write_key_findings(staging: Path, params: dict) -> Path | None:
    """The one-page key findings sheet: the numbers a campaign quotes, each with its date and source (the same
    sentences head the slides)."""
    findings = read_json(staging / "overview" / "summary.json").get("key_findings", [])
    if not findings:
        return None
    year = params["review_year"]
    page = ENV.get_template("key_findings.html.j2").render(
        title=f"Key findings: the strategic plan review of {year}",
        lead=f"As of 31 December {year}, from cited public data: Monitor figures {vintage_words(params['vintage'])} "
        f"(the editions reporting on {year}), treaty status and obligations from evidence dated by then.",
        findings=findings,
        css=CSS,
    )
    path = staging / "key_findings.html"
    path.write_text(page, encoding="utf-8")
    return path
