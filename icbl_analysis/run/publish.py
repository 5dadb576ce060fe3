"""Publishing a run: every report, the index, the slides and the key findings sheet written into the staging
folder (by `present.pages`), the notebooks' key figures merged into one key_figures.csv, and the PDFs printed
by one headless browser (`pdf`)."""

from __future__ import annotations

import csv
from pathlib import Path

from ..core.escape import csv_cell
from ..present.pages import (
    goal_titles,
    notebook_to_html,
    write_index,
    write_key_findings,
    write_profiles_index,
    write_slides,
)
from ..present.slides import read_json
from ..present.spreadsheet import write_key_figures_xlsx
from ..review.key_figures import KeyFigures
from . import pdf as pdf_printer
from .outputs import BROWSER


def merge_key_figures(staging: Path, results: list[dict]) -> Path | None:
    """One key_figures.csv for the run: every notebook's registry merged (a key stated twice must agree); the same
    rows as key_figures.xlsx for Excel."""
    paths = [staging / r["notebook"] / "key_figures.csv" for r in results]
    paths = [p for p in paths if p.exists()]
    if not paths:
        return None
    merged = KeyFigures.read_all(paths)
    write_key_figures_xlsx(merged.frame(), staging / "key_figures.xlsx")
    return merged.write(staging / "key_figures.csv")


def publish_run(staging: Path, results: list[dict], params: dict, pdf: bool = True) -> list[str]:
    """Write every report, the index and the slides into the staging folder. Returns notes to print."""
    notes = []
    overview = read_json(staging / "overview" / "summary.json")
    if overview:
        with (staging / "overview" / "goal_status.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["goal", "title", "status", "indicators", "rated", "reason"],
                                    lineterminator="\n", extrasaction="ignore")  # fmt: skip
            writer.writeheader()
            writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in overview["goal_status"])
    titles = goal_titles(staging)
    for r in results:  # reports are rendered by the workers; a reused notebook's copies are rendered again here
        executed = staging / "notebooks" / f"{r['notebook']}.ipynb"
        if executed.exists() and (r.get("reused") or not (staging / f"{r['notebook']}.html").exists()):
            try:
                notebook_to_html(executed, staging / f"{r['notebook']}.html", r["notebook"], params, r, titles)
            except (OSError, ValueError) as exc:  # a damaged notebook (not JSON, not UTF-8) fails its report
                r.update(outcome="failed", error=f"report: {type(exc).__name__}: {exc}")
    annual = "baseline_year" in params
    if annual:
        merge_key_figures(staging, results)
        write_key_findings(staging, params)
    if overview:
        write_slides(staging, params)
    if pdf:
        names = [r["notebook"] for r in results]
        pages = [staging / f"{n}{suffix}.html" for n in names for suffix in ("", "-researcher")]
        pages += [staging / "slides.html", staging / "key_findings.html"]
        notes += pdf_printer.print_all([p for p in pages if p.exists()], record=staging / BROWSER)
    text = "; ".join(notes)
    (write_index if annual else write_profiles_index)(staging, results, params, text)
    (staging / "notes.txt").write_text("\n".join(notes) + ("\n" if notes else ""), encoding="utf-8")
    return notes
