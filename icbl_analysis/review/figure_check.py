"""Every number an output states, read back and looked up in the key-figures registry.

"A number an output states" is a run of digits in the visible text of a report (board and researcher copies),
the slides, the index page, the key findings sheet, the edition memo, a profile, or the text of a chart (its
SVG), except what is not a figure:
- years and year ranges: a four-digit number from 1990 to 2039 with no thousands separator, unit or
  qualifier ('2015', '2012-2015'); dates: a day before a month name ('31 December 2015') and ISO dates;
- parts of names and codes: digits joined to letters (G1.I01, LM2016, 14MSP, O01), and numbers naming a goal,
  objective, article or protocol ('Goal 1', 'goals 1 and 2', 'Article 5');
- a source's own words: quoted cells and data notes (class "cited"), the text of source links, code (file names),
  the provenance box of a report; in a chart, the axis tick labels (a scale) and the source line.
Page and slide numbers are drawn by the browser, never written in the text.

A stated number is (value, qualifier, unit): the qualifier from 'at least', 'more than', 'fewer than',
'about' or ≥ > < ~ before it, the unit from 'km²', '%' or 'US$ ... million' around it. It matches a figure of
the registry when the value agrees to the decimals shown, the qualifier is the same, and where the output
names a unit, the unit is the same. A number matching no figure is reported with the file and its context.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .key_figures import KeyFigures

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NOT_FIGURES = [
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),  # ISO dates
    re.compile(rf"\b\d{{1,2}}(?:\s|\u00a0)+(?:{MONTHS})\b"),  # 31 December (the year is a year)
    re.compile(r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d\b"),  # year ranges and periods: 2012-2015, 2014-2015
    re.compile(r"\b(?:goals?|objectives?|articles?|protocol)\s+\d+(?:\s*(?:,|and|to|-|–)\s*\d+)*", re.I),
]
TOKEN = re.compile(r"(?<![\w.,/#=&?])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w/]|[.,]\d)")  # not in a code or an address
QUALIFIERS = {"at least": "at least", "≥": "at least", "more than": "more than", ">": "more than",
              "fewer than": "fewer than", "<": "fewer than", "about": "about", "~": "about"}  # fmt: skip
BEFORE = re.compile(r"(at least|more than|fewer than|about|≥|>|<|~)\s?(?:US\$\s?)?$", re.I)
UNIT_CLASS = {"km2": "km2", "USD_million": "USD_million", "USD_thousand": "USD_thousand", "percent": "percent"}


@dataclass
class Stated:
    value: float
    decimals: int
    qualifier: str
    unit: str | None
    context: str


def stated_numbers(text: str) -> list[Stated]:
    """Every figure a text states (see the module's rules for what is not a figure)."""
    for pattern in NOT_FIGURES:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for m in TOKEN.finditer(text):
        digits, decimals = m.group(1), m.group(2) or ""
        before, after = text[max(0, m.start() - 14) : m.start()], text[m.end() : m.end() + 10]
        qual = BEFORE.search(before)
        currency = re.search(r"US\$\s?$", before)
        unit = ("km2" if re.match(r"\s?km²", after) else "percent" if re.match(r"\s?%", after) else
                "USD_thousand" if currency and re.match(r"\s?thousand", after) else
                "USD_million" if currency or re.match(r"\s?million", after) and "US$" in before else None)  # fmt: skip
        value = float(digits.replace(",", "") + decimals)
        if "," not in digits and not decimals and len(digits) == 4 and 1990 <= value <= 2039 and not (qual or unit):
            continue  # a year
        if before[-1:] in ("−", "-") and (len(before) < 2 or before[-2] in " (\u00a0"):
            value = -value  # a signed change
        found.append(Stated(value, len(decimals) - 1 if decimals else 0,
                            QUALIFIERS[qual.group(1).lower()] if qual else "", unit,
                            text[max(0, m.start() - 40) : m.end() + 20].replace("\n", " ").strip()))  # fmt: skip
    return found


class _Visible(HTMLParser):
    """The text a reader sees, without scripts, styles, code, source links, cited words and the provenance box."""

    VOID = {"br", "img", "hr", "meta", "link", "input", "col", "source", "wbr", "area", "base", "embed"}
    SKIP_CLASSES = ("cited", "provenance")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        skip = (tag in ("script", "style", "code", "title", "aside") or any(c in classes for c in self.SKIP_CLASSES)
                or (tag == "a" and str(attrs.get("href", "")).startswith("http")))  # fmt: skip
        self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not any(skip for _, skip in self.stack):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def svg_text(svg: str) -> str:
    """The text of a chart, without its axis tick labels and its source line."""
    root = ET.fromstring(svg)
    out = []

    def walk(node, skip):
        gid = node.get("id") or ""
        skip = skip or gid.startswith(("xtick", "ytick", "source"))
        if node.tag.endswith("text") and not skip:
            out.append("".join(node.itertext()))
        for child in node:
            walk(child, skip)

    walk(root, False)
    return "\n".join(out)


def check_text(text: str, registry: KeyFigures, where: str) -> list[str]:
    """One line per stated number that matches no figure of the registry."""
    figures = [(f.value, f.qualifier, UNIT_CLASS.get(f.unit)) for f in registry.figures.values()]
    problems = []
    for s in stated_numbers(text):
        ok = any(
            abs(round(value, s.decimals) - s.value) < 1e-9
            and qualifier == s.qualifier
            and (s.unit is None or unit == s.unit)
            for value, qualifier, unit in figures
        )
        if not ok:
            shown = f"{s.qualifier + ' ' if s.qualifier else ''}{s.value:g}{' ' + s.unit if s.unit else ''}"
            problems.append(f"{where}: {shown} is in no key figure (…{s.context}…)")
    return problems


def outputs(folder: Path) -> list[Path]:
    """Every page and chart a run publishes: reports (both copies), slides, index, key findings, memos, charts."""
    pages = sorted(folder.glob("*.html")) + sorted(folder.glob("*/changes/*.html"))
    return pages + sorted(folder.glob("*/charts/*.svg"))


def check_run(folder: Path) -> list[str]:
    """Every number stated by a published run's outputs, against its key figures: an annual run against its
    key_figures.csv, each country profile (and its charts) against its own."""
    folder = Path(folder)
    problems = []
    if (folder / "key_figures.csv").exists():
        registry = KeyFigures.read(folder / "key_figures.csv")
        for path in outputs(folder):
            problems += _check_file(path, registry, folder)
        return problems
    for figures in sorted(folder.glob("profile_*/key_figures.csv")):
        name = figures.parent.name
        registry = KeyFigures.read(figures)
        for path in [folder / f"{name}.html", *sorted(figures.parent.glob("charts/*.svg"))]:
            if path.exists():
                problems += _check_file(path, registry, folder)
    return problems


def _check_file(path: Path, registry: KeyFigures, folder: Path) -> list[str]:
    raw = path.read_text(encoding="utf-8")
    text = svg_text(raw) if path.suffix == ".svg" else visible_text(raw)
    return check_text(text, registry, str(path.relative_to(folder)))
