"""Text from data files, safe in each output format: plain text without invisible marks (`clean`), HTML (`esc`),
inline Markdown (`md`), a matplotlib label (`chart_text`) and a CSV cell a spreadsheet may open (`csv_cell`,
`spreadsheet_safe`). Every layer that writes text from the data writes it through these."""

from __future__ import annotations

import html
import re

import pandas as pd

# Characters that change how text around them is shown without being seen: bidirectional overrides,
# embeddings and isolates (U+202E shows "exe.txt" as "txt.exe"), zero-width spaces and joiners, the BOM,
# and control characters other than tab and line breaks. Text from data never needs them.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text) -> str:
    """Text from a data file as plain text: empty for a gap, without invisible direction or width marks."""
    if text is None or text is pd.NA or (isinstance(text, float) and pd.isna(text)):
        return ""
    return INVISIBLE.sub("", str(text))


def esc(text) -> str:
    """Text from data files, escaped for HTML (the one HTML escaping; templates autoescape the same way)."""
    return html.escape(clean(text))


MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~=^])")


def md(text) -> str:
    """Text from data files as inline Markdown text: one line (a cell over several lines cannot start a
    heading, a list or a code block), no live markup, links, emphasis or maths; & < > $ as entities."""
    flat = MD_SPECIAL.sub(r"\\\1", " ".join(clean(text).split()))
    out = html.escape(flat, quote=False).replace("$", "&#36;")  # $...$ is maths to Jupyter's Markdown
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", out)  # "1. " would start a numbered list


def chart_text(text) -> str:
    """Text from data files for a matplotlib chart, on one line: $ written as \\$, so "US$5 and US$10" is not
    read as maths (nor fails to draw as bad maths)."""
    return " ".join(clean(text).split()).replace("$", r"\$")


def csv_cell(value):
    """A cell for a CSV file a spreadsheet may open: text that a spreadsheet would run as a formula (starting
    with = + - @, a tab or a carriage return; a plain negative number stays a number) gets a leading '.
    Anything that is not text is returned as it is."""
    if not isinstance(value, str):
        return value
    value = clean(value) if INVISIBLE.search(value) else value
    if value[:1] in ("=", "+", "@", "\t", "\r") or (value[:1] == "-" and not _plain_number(value)):
        return "'" + value
    return value


def _plain_number(text: str) -> bool:
    return re.fullmatch(r"-\d+(\.\d+)?", text) is not None


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` for a CSV file: `csv_cell` on every text cell, whatever the column's dtype (object,
    pandas' str or string); numbers, dates and gaps are left exactly as they are."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_datetime64_any_dtype(out[col]):
            continue
        cells = [csv_cell(v) for v in out[col]]
        if any(a is not b for a, b in zip(cells, out[col], strict=True)):
            out[col] = pd.Series(cells, index=out.index, dtype=object)
    return out
