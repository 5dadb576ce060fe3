"""The HTML pages' one environment: the jinja2 templates in templates/ with autoescaping on (text from the data
is always escaped, and loses invisible direction marks first), and the stylesheet every page inlines. The
reports, index, slides and key findings (`pages`) and the edition memo (`memo`) render through it."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..core.escape import clean

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _shown(value):
    """Every value a template shows: text from data loses invisible direction marks (then autoescaping
    escapes it, as `esc` does); markup the suite built itself (Markup) is left as it is."""
    return clean(value) if isinstance(value, str) and not isinstance(value, Markup) else value


ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]), finalize=_shown)
CSS = (TEMPLATES / "style.css").read_text(encoding="utf-8")
