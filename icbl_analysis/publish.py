"""What people open after a run: an HTML report per notebook (no code), an index page, offline
slides for the retreat, PDFs where Chromium is installed. All text from data is escaped."""

from __future__ import annotations

import base64
import csv
import json
import re
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from .report import GOAL_TITLES

STATUS_COLOURS = {"on track": "#2e8540", "at risk": "#e0a800", "off track": "#c0392b", "insufficient data": "#9aa5b1"}
TITLES = {"overview": "Overview", **{f"goal{g}": f"Goal {g}: {t}" for g, t in GOAL_TITLES.items()}}
CSS = """
body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1100px;margin:0 auto;padding:1.5em;color:#1a202c}
.banner{background:#f4f6f8;border-left:4px solid #1f5f8b;padding:.8em 1em;margin-bottom:1em;font-size:.9em}
.toc{font-size:.9em;margin-bottom:1.5em} .toc li{margin:.15em 0}
table{border-collapse:collapse;font-size:.85em} td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top}
.status{color:#fff;padding:2px 6px;border-radius:3px;white-space:nowrap} a{color:#1f5f8b}
.failed{color:#c0392b;font-weight:bold}
"""


def title(name: str) -> str:
    """'goal1' -> 'Goal 1: ...', 'profile_KHM' -> 'Country profile: Cambodia'."""
    if name.startswith("profile_"):
        from .countries import name_of

        return f"Country profile: {name_of(name.removeprefix('profile_'))}"
    return TITLES.get(name, name)


def status_badge(status: str) -> str:
    return f'<span class="status" style="background:{STATUS_COLOURS.get(status, "#555")}">{escape(status)}</span>'


def _banner(name: str, params: dict, result: dict) -> str:
    rows = "".join(
        f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in params.items() if k != "output_dir"
    )
    outcome = (
        "" if result["outcome"] == "ok" else f'<p class="failed">This notebook failed: {escape(result["error"])}</p>'
    )
    return (
        f'<div class="banner"><strong>{escape(title(name))}</strong> &middot; ICBL-CMC strategic plan '
        f"2012-2015 review{outcome}<details><summary>Parameters and data provenance</summary><table>{rows}</table>"
        "<p>Every number comes from a cited public source: see the source column of each table and "
        "<code>manifest.json</code> for a hash of each data file.</p></details></div>"
    )


def _toc(body: str) -> str:
    items = []
    for level, anchor, text in re.findall(r'<h([12]) id="([^"]+)"[^>]*>(.*?)</h\1>', body, flags=re.S):
        label = re.sub(r"<[^>]+>", "", text).replace("¶", "").strip()
        indent = ' style="margin-left:1.2em"' if level == "2" else ""
        items.append(f'<li{indent}><a href="#{escape(anchor)}">{escape(label)}</a></li>')
    return f'<nav class="toc"><strong>Contents</strong><ul>{"".join(items)}</ul></nav>' if items else ""


def notebook_to_html(executed: Path, target: Path, name: str, params: dict, result: dict) -> Path:
    """An HTML report without code cells, with the parameters, provenance and a table of contents on top."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    nb = nbformat.read(executed, as_version=4)
    nb.metadata.pop("papermill", None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-cell-{i:02d}"  # papermill gives its injected cell a random id
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    body, _ = exporter.from_notebook_node(nb)
    body = body.replace("<title>Notebook</title>", f"<title>{escape(title(name))}</title>")
    head_extra = f"<style>{CSS}</style>"
    body = body.replace("</head>", head_extra + "</head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + _banner(name, params, result) + _toc(body), body, count=1)
    target.write_text(body, encoding="utf-8")
    return target


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{escape(path.stem)}">'


def _read_csv(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_index(staging: Path, results: list[dict], params: dict) -> Path:
    """One page linking every report, chart and data file, with the goal status summary."""
    year = params["review_year"]
    annual = (staging / "overview" / "ratings.csv").exists()
    heading = f"review {year}" if annual else f"country profiles, {year}"
    baseline = f"Baseline {escape(str(params['baseline_year']))}; " if "baseline_year" in params else ""
    slides = "<a href='slides.html'>Slides for the retreat</a> &middot; " if annual else ""
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Strategic plan {heading}</title>"
        f"<style>{CSS}</style></head><body><h1>ICBL-CMC strategic plan 2012-2015: {heading}</h1>"
        f"<p>{baseline}Monitor figures: {escape(params['vintage'])}. {slides}"
        "<a href='manifest.json'>Run manifest</a></p>"
    ]
    ratings = _read_csv(staging / "overview" / "ratings.csv")
    if ratings:
        from collections import Counter

        parts.append("<h2>Status by goal</h2><table><tr><th>Goal</th><th>Status</th><th>Indicators</th></tr>")
        goals = _read_csv(staging / "overview" / "goal_status.csv")
        for g in goals:
            counts = Counter(r["status"] for r in ratings if r["goal"] == g["goal"])
            summary = ", ".join(f"{n} {escape(s)}" for s, n in counts.most_common())
            goal_title = GOAL_TITLES.get(int(g["goal"]), "")
            parts.append(
                f"<tr><td>Goal {escape(g['goal'])}: {escape(goal_title)}</td><td>{status_badge(g['status'])}</td>"
                f"<td>{summary}</td></tr>"
            )
        parts.append("</table>")
    parts.append("<h2>Reports</h2><table><tr><th>Review</th><th>Outcome</th><th>Files</th></tr>")
    for r in results:
        name = r["notebook"]
        links = [f"<a href='{name}.html'>HTML</a>"]
        if (staging / f"{name}.pdf").exists():
            links.append(f"<a href='{name}.pdf'>PDF</a>")
        links.append(f"<a href='notebooks/{name}.ipynb'>executed notebook</a>")
        outcome = "ok" if r["outcome"] == "ok" else f"<span class='failed'>failed: {escape(r['error'])}</span>"
        parts.append(f"<tr><td>{escape(title(name))}</td><td>{outcome}</td><td>{' · '.join(links)}</td></tr>")
    parts.append("</table><h2>Charts and data</h2>")
    for r in results:
        folder = staging / r["notebook"]
        charts = sorted((folder / "charts").glob("*.png")) if (folder / "charts").exists() else []
        tables = sorted(folder.glob("*.csv"))
        if not charts and not tables:
            continue
        parts.append(f"<h3>{escape(title(r['notebook']))}</h3><ul>")
        for png in charts:
            stem = f"{r['notebook']}/charts/{png.stem}"
            parts.append(
                f"<li>{escape(png.stem)}: <a href='{stem}.png'>PNG</a> · <a href='{stem}.svg'>SVG</a> · "
                f"<a href='{stem}.csv'>data (CSV)</a></li>"
            )
        for table in tables:
            parts.append(f"<li><a href='{r['notebook']}/{table.name}'>{escape(table.name)}</a></li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    path = staging / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


SLIDE_CSS = """
html,body{margin:0;height:100%;background:#1a202c;font-family:'DejaVu Sans',Arial,sans-serif}
section{display:none;box-sizing:border-box;width:100vw;height:100vh;padding:3vh 5vw;background:#fff;overflow:hidden}
section.active{display:block} h1{color:#1f5f8b;font-size:2.2em;margin:.2em 0} h2{color:#1f5f8b;margin:.2em 0 .5em}
.charts{display:flex;gap:2vw;align-items:flex-start} .charts img{max-width:46vw;max-height:55vh}
table{border-collapse:collapse;font-size:.95em} td,th{border-bottom:1px solid #ddd;padding:5px 8px;text-align:left}
.status{color:#fff;padding:2px 8px;border-radius:3px}
.foot{position:fixed;bottom:1vh;right:2vw;color:#888;font-size:.8em}
.big{font-size:1.3em} .hero img{width:80vw;max-height:62vh;object-fit:contain}
"""
SLIDE_JS = """
const s=[...document.querySelectorAll('section')];let i=0;
function show(n){i=Math.max(0,Math.min(s.length-1,n));s.forEach((x,k)=>x.classList.toggle('active',k===i));
document.getElementById('n').textContent=(i+1)+' / '+s.length;history.replaceState(null,'','#'+(i+1));}
document.addEventListener('keydown',e=>{if(['ArrowRight','PageDown',' '].includes(e.key))show(i+1);
if(['ArrowLeft','PageUp'].includes(e.key))show(i-1);});document.addEventListener('click',()=>show(i+1));
show((parseInt(location.hash.slice(1))||1)-1);
"""
GOAL_SLIDE_CHARTS = {
    1: ["states_parties", "G1_I01"],
    2: ["G2_I08", "G2_I02"],
    3: ["revisions_casualties_total", "G3_I05"],
    4: ["G4_I07"],
}


def write_slides(staging: Path, params: dict) -> Path:
    """A self-contained slide deck (no network): title, one slide per goal, then-versus-now."""
    year, baseline = params["review_year"], params["baseline_year"]
    ratings = _read_csv(staging / "overview" / "ratings.csv")
    goals = {g["goal"]: g for g in _read_csv(staging / "overview" / "goal_status.csv")}
    slides = [
        f"<section><h1>ICBL-CMC strategic plan 2012-2015</h1><p class='big'>Progress review {year} "
        f"against the {baseline} baseline</p>"
    ]
    board = staging / "overview" / "charts" / "status_board.png"
    if board.exists():
        slides[0] += f"<div class='hero'>{_img(board)}</div>"
    slides[0] += "</section>"
    for goal, title in GOAL_TITLES.items():
        g = goals.get(str(goal), {"status": "insufficient data", "reason": ""})
        objectives = _read_csv(staging / f"goal{goal}" / "objectives.csv")
        rows = "".join(
            f"<tr><td>{escape(o['objective'])}</td><td>{escape(o['text'])}</td>"
            f"<td>{status_badge(o['status'])}</td></tr>"
            for o in objectives
        )
        charts = [staging / f"goal{goal}" / "charts" / f"{c}.png" for c in GOAL_SLIDE_CHARTS[goal]]
        imgs = "".join(_img(c) for c in charts if c.exists())
        slides.append(
            f"<section><h2>Goal {goal}: {escape(title)} {status_badge(g['status'])}</h2>"
            f"<p>{escape(g.get('reason', ''))}</p><table>{rows}</table><div class='charts'>{imgs}</div></section>"
        )
    rated = [r for r in ratings if r["baseline_value"] != "no data" or r["review_value"] != "no data"]
    rows = "".join(
        f"<tr><td>{escape(r['indicator_id'])}</td><td>{escape(r['indicator'])}</td>"
        f"<td>{escape(r['baseline_value'])}</td><td>{escape(r['review_value'])}</td>"
        f"<td>{status_badge(r['status'])}</td></tr>"
        for r in rated
    )
    slides.append(
        f"<section><h2>Then and now: {baseline} against {year}</h2><table><tr><th></th><th>Indicator</th>"
        f"<th>{baseline}</th><th>{year}</th><th>Status</th></tr>{rows}</table></section>"
    )
    html_text = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Review {year} slides</title>"
        f"<style>{SLIDE_CSS}</style></head><body>{''.join(slides)}<div class='foot' id='n'></div>"
        f"<script>{SLIDE_JS}</script></body></html>"
    )
    path = staging / "slides.html"
    path.write_text(html_text, encoding="utf-8")
    return path


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def to_pdf(html_path: Path) -> Path | None:
    """Print an HTML report to PDF with headless Chromium, offline."""
    browser = chromium()
    if browser is None:
        return None
    pdf = html_path.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                html_path.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    return pdf if pdf.exists() else None


def publish_run(staging: Path, results: list[dict], params: dict, pdf: bool = True) -> list[str]:
    """Write every report, the index and the slides into the staging folder. Returns notes to print."""
    notes = []
    overview_summary = staging / "overview" / "summary.json"
    if overview_summary.exists():
        summary = json.loads(overview_summary.read_text(encoding="utf-8"))
        with (staging / "overview" / "goal_status.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["goal", "status", "indicators", "reason"], lineterminator="\n")
            writer.writeheader()
            writer.writerows(summary["goal_status"])
    for r in results:  # reports are rendered by the workers; a reused notebook keeps its earlier report
        executed = staging / "notebooks" / f"{r['notebook']}.ipynb"
        if executed.exists() and not (staging / f"{r['notebook']}.html").exists():
            notebook_to_html(executed, staging / f"{r['notebook']}.html", r["notebook"], params, r)
    if pdf:
        if chromium() is None:
            notes.append("PDF skipped: no headless Chromium found (install the Debian package 'chromium').")
        else:
            for r in results:
                html_file = staging / f"{r['notebook']}.html"
                if html_file.exists() and to_pdf(html_file) is None:
                    notes.append(f"PDF of {r['notebook']} failed.")
    write_index(staging, results, params)
    if (staging / "overview" / "ratings.csv").exists():
        write_slides(staging, params)
    (staging / "notes.txt").write_text("\n".join(notes) + ("\n" if notes else ""), encoding="utf-8")
    return notes
