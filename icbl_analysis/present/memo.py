"""The edition-comparison memo, as Markdown and as HTML, from one set of readable tables."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlparse

import pandas as pd

from ..core.escape import clean, md, spreadsheet_safe
from ..data.countries import name_of
from ..engine.facts import edition_label, format_value
from ..review.diff import EditionDiff
from .html import CSS, ENV
from .tables import styled

NOTE = (
    "Only the figures collected in the suite's data (data/monitor_facts.csv, each with its source and quote) "
    'are compared. "Not found again" means no figure of the newer edition was collected for it, not that the '
    "Monitor dropped it. The ratings are those of the plan years (baseline 2011) from the latest figures "
    "published by the newer edition's year, without and with that edition's figures."
)


def sections(diff) -> list[tuple[str, str, pd.DataFrame]]:
    """(title, sentence, table) for each part of the memo, the tables in people's words."""
    old, new, changes = diff.old, diff.new, diff.changes

    def figures(kind: str, show_old: bool, show_new: bool) -> pd.DataFrame:
        part = changes[changes["change"] == kind]
        table = {
            "Figure": [diff.labels.get(m, m.replace("_", " ")) for m in part["metric"]],
            "Place": [name_of(p) for p in part["place"]],
            "Year": list(part["period"]),
        }
        if show_old:
            table[old] = [_value(*v) for v in zip(part["old_value"], part["old_qualifier"], part["unit"], strict=True)]
        if show_new:
            table[new] = [_value(*v) for v in zip(part["new_value"], part["new_qualifier"], part["unit"], strict=True)]
        if show_old and show_new:
            table["Change"] = [_signed(d) for d in part["difference"]]
        if show_old:
            table[f"Source, {old}"] = list(part["old_source"])
        if show_new:
            table[f"Source, {new}"] = list(part["new_source"])
        return pd.DataFrame(table)

    status_changes = _rated(diff.ratings, new)
    revised, first, gone = (
        figures("revised", True, True),
        figures("first_stated", False, True),
        figures("not_found_again", True, False),
    )
    return [
        (f"Figures {new} revised", f"{len(revised)} figures of {edition_label(old)} are stated otherwise in "
         f"{edition_label(new)}.", revised),
        ("Ratings that change with the newer figures", f"{_count(len(status_changes), 'rating')} of the plan years "
         f"{'changes' if len(status_changes) == 1 else 'change'} status.", status_changes),
        (f"Figures first stated in {new}", f"{len(first)} figures of {edition_label(new)} were not in "
         f"{edition_label(old)}.", first),
        (f"Figures of {old} not found again in {new}", f"{len(gone)} figures (see the note above).", gone),
    ]  # fmt: skip


def _rated(r: pd.DataFrame, new: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Year": list(r["year"]),
            "Indicator": [f"{i} {n}" for i, n in zip(r["indicator_id"], r["short_name"], strict=True)],
            f"Without {new}": [f"{s}: {v}" for s, v in zip(r["old_status"], r["old_values"], strict=True)],
            f"With {new}": [f"{s}: {v}" for s, v in zip(r["new_status"], r["new_values"], strict=True)],
        }
    )


def moves_section(diff) -> tuple[str, str, pd.DataFrame]:
    """The ratings whose compared values move while their status stays (not counted as ratings that change)."""
    moves = _rated(diff.moves if diff.moves is not None else diff.ratings.iloc[0:0], diff.new)
    return (
        "Values that move, ratings unchanged",
        f"{_count(len(moves), 'rating')} of the plan years "
        f"{'keeps its' if len(moves) == 1 else 'keep their'} status while the values compared move.",
        moves,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def memo_markdown(diff) -> str:
    title = f"What changed from {edition_label(diff.old)} to {edition_label(diff.new)}"
    lines = [f"# {title}", "", diff.summary(), "", f"*{md(NOTE)}*", ""]
    for heading, sentence, table in [*sections(diff), moves_section(diff)]:
        lines += [f"## {heading}", "", sentence, ""]
        if table.empty:
            lines += ["None.", ""]
            continue
        lines.append("| " + " | ".join(md(c) for c in table.columns) + " |")
        lines.append("|" + "---|" * len(table.columns))
        for row in table.itertuples(index=False):
            cells = [
                _md_link(v) if str(c).startswith("Source") else md(v) for c, v in zip(table.columns, row, strict=True)
            ]
            lines.append("| " + " | ".join(cells) + " |")  # md() and _md_link() leave no bare |
        lines.append("")
    return "\n".join(lines)


def memo_html(diff) -> str:
    parts = [
        {"title": t, "sentence": s, "table": "<p>None.</p>" if table.empty else styled(table).to_html()}
        for t, s, table in [*sections(diff), moves_section(diff)]
    ]
    return ENV.get_template("memo.html.j2").render(
        title=f"What changed from {edition_label(diff.old)} to {edition_label(diff.new)}",
        summary=diff.summary(),
        note=NOTE,
        parts=parts,
        css=CSS,
    )


def _md_link(url) -> str:
    """A source as a Markdown link naming its site; the address percent-encoded, so no space, tab, < or >
    in it can end the link early and leave the rest as live HTML."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return md(url) if isinstance(url, str) else ""
    site = urlparse(url).netloc.removeprefix("www.")
    return f"[{md(site)}](<{quote(clean(url), safe=URL_SAFE)}>)"


URL_SAFE = ":/?#@!$&'*+,;=%~"  # kept as they are in an address; everything else is percent-encoded


def _value(value, qualifier, unit) -> str:
    if value is None or pd.isna(value):
        return ""
    return format_value(value, qualifier if isinstance(qualifier, str) else None, unit if isinstance(unit, str) else "")


def _signed(difference) -> str:
    if difference is None or pd.isna(difference):
        return ""
    return f"{difference:+,.0f}" if float(difference).is_integer() else f"{difference:+,.1f}"


def write_memo(diff: EditionDiff, folder: Path, archive: Path | None = None) -> dict[str, Path]:
    """The memo as Markdown and HTML (and the changes as CSV) in `folder`: `<old>-<new>.md|html|csv`. An
    earlier memo of the same name that differs (edited by hand, or from other data) moves to `archive`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{diff.old}-{diff.new}"
    texts = {
        "md": memo_markdown(diff),
        "html": memo_html(diff),
        "csv": spreadsheet_safe(diff.changes).to_csv(index=False, lineterminator="\n"),
    }
    paths = {ext: folder / f"{stem}.{ext}" for ext in texts}
    for ext, text in texts.items():
        _write(paths[ext], text, archive)
    return paths


def _write(path: Path, text: str, archive: Path | None) -> None:
    if path.exists() and path.read_text(encoding="utf-8") != text and archive is not None:
        stamp = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).strftime("%Y%m%dT%H%M%S")
        archive.mkdir(parents=True, exist_ok=True)
        path.rename(archive / f"{path.stem}-{stamp}{path.suffix}")
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
