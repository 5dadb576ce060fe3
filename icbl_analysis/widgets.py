"""Controls for the exploration notebook: each explorer is a row of controls over an output area that
redraws in place. Every explorer keeps its last view (`.view`) and can be driven from code:
`box.controls["treaty"].value = "CCM"` redraws it as a click would."""

from __future__ import annotations

from datetime import date

import ipywidgets as w
from IPython.display import Markdown, clear_output, display

from . import explore
from .countries import country_table, name_of
from .diff import editions
from .errors import DataError
from .load import ReviewData, load_data
from .paths import outputs_dir


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


def treaty_explorer(data: ReviewData | None = None) -> Explorer:
    """A treaty and a date -> the map, the count and the States Parties with their deadlines on that date."""
    data = data or load_data()
    controls = {
        "treaty": w.Dropdown(
            options=[("Mine Ban Treaty", "MBT"), ("Convention on Cluster Munitions", "CCM")], description="Treaty"
        ),  # fmt: skip
        "on": w.DatePicker(value=date(2015, 12, 31), description="On"),
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


def changes_explorer(data: ReviewData | None = None) -> Explorer:
    """Two editions and a year (or every year) -> what the newer one revised, states first or no longer states."""
    data = data or load_data()
    known = editions(data.monitor_facts, "LM") + editions(data.monitor_facts, "CMM")
    years = [("every year", None)] + [(str(y), y) for y in range(2025, 1998, -1)]
    controls = {
        "old": w.Dropdown(options=known, value="LM2015", description="From"),
        "new": w.Dropdown(options=known, value="LM2016", description="To"),
        "year": w.Dropdown(options=years, value=None, description="Year"),
    }
    return Explorer(controls, lambda old, new, year: explore.changes_view(old, new, year, data=data), "changes")
