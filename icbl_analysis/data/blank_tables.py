"""Blank tables (and a README of their columns) a researcher fills in with their own rows."""

from __future__ import annotations

from pathlib import Path

from .schema import USER_TABLES, resource


def template_text(name: str) -> str:
    """The header line of a table: a blank template a researcher fills in."""
    return ",".join(f["name"] for f in resource(name)["schema"]["fields"]) + "\n"


def write_templates(folder: str | Path) -> list[Path]:
    """Blank templates of the tables a researcher may supply, and a README describing their columns,
    in `folder`; existing files are kept."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {resource(name)["path"]: template_text(name) for name in USER_TABLES} | {"README.md": templates_readme()}
    written = []
    for filename, text in files.items():
        path = folder / filename
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def templates_readme() -> str:
    """How to fill the templates, and every column of every table a researcher may supply."""
    parts = [
        "# Templates for a researcher's own data\n",
        "Blank tables in the shape of `data/`. Copy the ones you need into a folder of your own (or run",
        "`icbl-review templates my_folder`) and add rows. `icbl-review validate --partial my_folder` checks",
        "them; `icbl-review annual --user-data my_folder` checks them too and refuses any row that",
        "contradicts the bundled data, naming file, row, column and value. Country columns take ISO3 codes",
        'or any spelling in `data/countries.csv` ("Lao PDR", "Côte d\'Ivoire"). Every row needs a source.\n',
        "`researcher_indicators.csv` answers the indicators the public record cannot (statements, media,",
        "participation, website visits...: `answered_by = researcher` in `data/indicators.csv`, in the unit",
        "given there); once supplied they are rated like the rest. Campaign staff fill the same rows in Excel:",
        "`icbl-review records campaign.xlsx` writes the workbook, `icbl-review annual --records campaign.xlsx`",
        "reads it.\n",
        "`monitor_facts.csv` takes the metric names of `data/metrics.csv`, each in its own unit and at a world",
        "(WLD) or country place as listed there; to add a metric, put a row for it in your own `metrics.csv`.\n",
    ]
    for name in USER_TABLES:
        res = resource(name)
        parts.append(f"## {res['path']}: {res.get('title', name)}\n\n{describe_columns(name)}\n")
    return "\n".join(parts)


def describe_columns(name: str) -> str:
    """A Markdown table of a table's columns: type, required, allowed values, meaning."""
    lines = ["| column | type | required | allowed | meaning |", "|---|---|---|---|---|"]
    for f in resource(name)["schema"]["fields"]:
        c = f.get("constraints", {})
        allowed = ", ".join(c["enum"]) if "enum" in c else (f"pattern {c['pattern']}" if "pattern" in c else "")
        if "minimum" in c or "maximum" in c:
            allowed = f"{c.get('minimum', '')}..{c.get('maximum', '')}"
        lines.append(
            f"| {f['name']} | {f['type']} | {'yes' if c.get('required') else ''} | {allowed} | "
            f"{f.get('description', '')} |"
        )
    return "\n".join(lines)
