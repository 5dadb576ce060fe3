"""Tables for reading: people's column headers and statuses, rounded numbers, dates in words, sources as
short links, status cells coloured. The same styled table shows in JupyterLab and in the HTML reports."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from urllib.parse import urlparse

import pandas as pd

from ..core.escape import clean, esc
from .words import (
    COLOURS,
    MEASURE_WORDS,
    STATUS_WORDS,
    TEXT_ON,
    VALUE_WORDS,
    day,
    header,
    number,
    primary,
    status_word,
)

STATUS_COLUMNS = ("status", "outcome")


def link(url) -> str:
    """A source as a short link naming its site; only http(s) addresses become links."""
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return esc(url)
    site = urlparse(url).netloc.removeprefix("www.") or "source"
    mark = "" if primary(url) else ' <span class="muted">(secondary)</span>'
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(site)}</a>{mark}'


def readable(frame: pd.DataFrame, unit: str = "") -> pd.DataFrame:
    """Statuses in words, numbers rounded, dates as '1 March 2019': for display, not for CSV files."""
    out = frame.reset_index(drop=True).copy()
    for col in out.columns:
        if col == "status":
            out[col] = out[col].map(lambda s: status_word(s) if s in STATUS_WORDS else s)
        elif col == "measure":
            out[col] = out[col].map(lambda v: MEASURE_WORDS.get(v, str(v).replace("_", " ")))
        elif col in ("quote", "note"):  # line breaks kept as markup in a stored page read as spaces
            out[col] = out[col].map(lambda v: re.sub(r"\s*<br\s*/?>\s*", " ", v) if isinstance(v, str) else v)
        elif col == "reason":
            out[col] = out[col].map(reason_words)
        elif col in VALUE_COLUMNS:
            out[col] = out[col].map(lambda v: VALUE_WORDS.get(v, v) if isinstance(v, str) else v)
        elif out[col].map(lambda v: isinstance(v, date)).any():
            out[col] = out[col].map(day)
        elif col in ("date", "deadline", "as_of"):  # dates kept as text in the data: 2010-01-01 -> 1 January 2010
            out[col] = out[col].map(_iso_day)
        elif pd.api.types.is_numeric_dtype(out[col]) and str(col).lower() not in YEAR_LIKE:
            out[col] = out[col].map(lambda v: number(v, unit))
        elif str(col).lower() not in YEAR_LIKE:  # numbers in a mixed column: 80, not 80.000000
            out[col] = out[col].map(lambda v: number(v, unit) if isinstance(v, float) else v)
    return out.map(lambda v: clean(v) if isinstance(v, str) else v)  # no invisible direction marks


def _iso_day(value):
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return day(date.fromisoformat(value))
    return value


def reason_words(text):
    """An engine's reason in people's words: '1 extension', '2 extensions', '2,617 days left'."""
    if not isinstance(text, str):
        return text
    text = re.sub(r"\b1 extension\(s\)", "1 extension", text).replace("extension(s)", "extensions")
    return re.sub(r"\b(\d{4,}) days\b", lambda m: f"{int(m.group(1)):,} days", text)


YEAR_LIKE = {"year", "goal", "period", "review_year", "baseline_year"}  # numbers shown as written: 2011, not 2,011
VALUE_COLUMNS = {"aspect", "group", "event", "instrument", "weapon", "actor_type", "obligation"}


def styled(frame: pd.DataFrame, columns: dict[str, str] | None = None, unit: str = "", cited=()):
    """A styled table: `columns` picks and renames (else every column, with people's headers). `cited` columns
    hold a source's own words (quotes, notes): their cells carry the class "cited"."""
    shown = readable(frame, unit)
    cited = [(columns or {}).get(c, c) if columns else header(c) for c in cited if c in frame.columns]
    if columns:
        shown = shown[list(columns)].rename(columns=columns)
    else:
        shown = shown.rename(columns=header)
    cited = [c for c in cited if c in shown.columns]
    uuid = hashlib.sha1(shown.to_csv(index=False).encode()).hexdigest()[:10]  # identical reruns, identical ids
    styler = shown.style.set_uuid(uuid).hide(axis="index").format(na_rep="", escape="html")
    styler = styler.set_properties(**{"text-align": "left", "vertical-align": "top"})
    styler = styler.set_table_styles(
        [
            {"selector": "th", "props": [("text-align", "left"), ("vertical-align", "bottom")]},
            {"selector": "td", "props": [("max-width", "32em"), ("overflow-wrap", "break-word")]},
        ]
    )
    status_cols = [c for c in shown.columns if c in ("Status", "Outcome")]
    if status_cols:
        styler = styler.map(_colour, subset=status_cols)
    links = [c for c in shown.columns if str(c).startswith("Source")]
    if links:
        styler = styler.format(link, subset=links, na_rep="")
    if cited:
        classes = pd.DataFrame("", index=shown.index, columns=shown.columns)
        classes[cited] = "cited"
        styler = styler.set_td_classes(classes)
    return styler


def _colour(value) -> str:
    colour = COLOURS.get(value)
    if not colour:
        return ""
    text = TEXT_ON.get(value, "white")
    border = "; border: 1px dashed #6b7785" if value == "not assessable from public data" else ""
    return f"background-color: {colour}; color: {text}; white-space: nowrap{border}"
