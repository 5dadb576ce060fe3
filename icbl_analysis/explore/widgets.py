"""Controls for the exploration notebook: each explorer is a row of controls over an output area that
redraws in place. Every explorer keeps its last view (`.view`) and can be driven from code:
`box.controls["treaty"].value = "CCM"` redraws it as a click would.

JupyterLab sends widget messages on kernel subshells, so a redraw can run while another message is handled
in another thread, and each message ends with the inline backend showing and closing every pyplot figure.
The views therefore draw on figures pyplot does not know (views.py), and one redraw runs at a time."""

from __future__ import annotations

import threading
from datetime import date

import ipywidgets as w
from IPython.display import Markdown, clear_output, display

from ..core.errors import DataError
from ..core.paths import outputs_dir
from ..data.countries import country_table, name_of
from ..data.load import ReviewData, load_data
from ..review.diff import editions
from . import views as explore

REVIEW_YEAR = 2015
EVERY_YEAR = "every year"
_DRAWING = threading.RLock()  # matplotlib and the output area are not safe to use from two threads at once


class Explorer(w.VBox):
    """Controls, an export button and an output area; `render(**values)` returns the View to show."""

    def __init__(self, controls: dict[str, w.Widget], render, name: str):
        self.controls, self.render, self.name, self.view = controls, render, name, None
        self.area, self.message = w.Output(), w.HTML()
        export = w.Button(description="Export table and chart", icon="download")
        export.on_click(lambda _: self.export())
        super().__init__([w.HBox([*controls.values(), export]), self.message, self.area])
        for control in controls.values():
            control.observe(lambda _: self.refresh(), names="value")
        self.refresh()

    def refresh(self) -> None:
        """Draw the view for the controls' values; a value that cannot be shown is said in words."""
        with _DRAWING:
            self._draw()

    def _draw(self) -> None:
        values = {k: c.value for k, c in self.controls.items()}
        with self.area:
            clear_output(wait=True)
            try:
                self.view = self.render(**values)
            except DataError as exc:
                self.view = None
                display(Markdown(f"*{exc}*"))
                return
            self.view.show()

    def export(self):
        """Write the current view's table, chart and sources under outputs/explore/."""
        if self.view is None:
            return None
        paths = self.view.export(outputs_dir() / "explore" / self.name)
        self.message.value = f"Saved: {', '.join(str(p) for p in paths.values())}"
        return paths


def treaty_explorer(data: ReviewData | None = None, year: int = REVIEW_YEAR) -> Explorer:
    """A treaty and a date (the end of the review year at first) -> the map, the count and the States Parties
    with their deadlines on that date."""
    data = data or load_data()
    controls = {
        "treaty": w.Dropdown(
            options=[("Mine Ban Treaty", "MBT"), ("Convention on Cluster Munitions", "CCM")], description="Treaty"
        ),  # fmt: skip
        "on": w.DatePicker(value=date(year, 12, 31), description="On"),
        "which": w.Dropdown(
            options=[(text, key) for key, text in explore.WHICH.items()], value="all", description="Show"
        ),  # fmt: skip
    }
    return Explorer(controls, lambda **v: explore.treaty_view(data=data, **v), "treaty")


def state_explorer(data: ReviewData | None = None) -> Explorer:
    """A state or other area, by name with type-ahead -> its timeline and its Monitor figures."""
    data = data or load_data()
    names = sorted(country_table()["name"])
    controls = {"state": w.Combobox(options=names, value="Cambodia", description="State", ensure_option=True)}
    return Explorer(controls, lambda state: explore.state_view(state or "Cambodia", data=data), "state")


def metric_explorer(data: ReviewData | None = None) -> Explorer:
    """A metric of the catalogue and a place -> the series as first published and as latest, every edition."""
    data = data or load_data()
    catalogue = explore.metrics(data)
    controls = {
        "metric": w.Dropdown(
            options=list(zip(catalogue["name"], catalogue["metric"], strict=True)),
            value="casualties_total",
            description="Figure",
        ),  # fmt: skip
        "place": w.Combobox(
            options=sorted(country_table()["name"]), value=name_of("WLD"), description="Place", ensure_option=True
        ),  # fmt: skip
    }
    return Explorer(controls, lambda metric, place: explore.metric_view(metric, place or "World", data=data), "metric")


def changes_explorer(data: ReviewData | None = None, year: int = REVIEW_YEAR) -> Explorer:
    """Two editions and a year (or every year) -> what the newer one revised, states first or no longer states.
    At first: the Landmine Monitor that reports on the review year (published the year after) against the one
    before it, for the review year."""
    data = data or load_data()
    lm = editions(data.monitor_facts, "LM")
    known = lm + editions(data.monitor_facts, "CMM")
    new = f"LM{year + 1}" if f"LM{year + 1}" in lm[1:] else lm[-1]
    periods = sorted({int(str(p)[-4:]) for p in data.monitor_facts["period"].dropna()})
    years = [(EVERY_YEAR, EVERY_YEAR)] + [(str(y), y) for y in periods]
    controls = {
        "old": w.Dropdown(options=known, value=lm[lm.index(new) - 1], description="From"),
        "new": w.Dropdown(options=known, value=new, description="To"),
        "year": w.Dropdown(options=years, value=year if year in periods else EVERY_YEAR, description="Year"),
    }

    def render(old, new, year):
        return explore.changes_view(old, new, None if year == EVERY_YEAR else year, data=data)

    return Explorer(controls, render, "changes")
