"""The notebooks in JupyterLab in a real browser (headless Chromium): each opens unmodified (each stores the
kernel's metadata, so starting the kernel changes nothing) and runs without an error, and each explorer of
explore.ipynb redraws its chart fully, once, inside the widget, at the size it was first drawn, when its controls
are changed by hand. Needs Chromium and Playwright (see tests/browser.py)."""

from __future__ import annotations

import base64
import hashlib
import re
import time

import pytest
from browser import Notebook, error_outputs, open_tab

pytestmark = pytest.mark.browser

NARRATIVE = ["overview", "goal1", "goal2", "goal3", "goal4", "country_profile"]
FULL_MAP = (1650, 840)  # the world map's PNG: 11 x 5.6 in at 150 dpi
# the browser loads no web fonts or news here; neither is a fault of the notebooks
IGNORED_CONSOLE = ("Failed to load resource: net::ERR_", "favicon")


@pytest.fixture(scope="module")
def explore(browser, lab):
    """explore.ipynb opened and run once; its explorers are then driven one after the other."""
    tab = open_tab(browser)
    nb = Notebook(tab, lab, "explore.ipynb")
    dirty_on_open = nb.dirty
    nb.run_all()
    yield nb, dirty_on_open
    nb.close()
    tab.page.context.close()


def explorer_cell(nb: Notebook, call: str):
    index = next(i for i, src in enumerate(nb.sources()) if src.strip() == f"widgets.{call}()")
    return nb.cell(index)


def shown(cell) -> dict:
    """What the explorer shows: its title, each image (natural size, bytes, alt) and whether inside the widget."""
    state = cell.evaluate("""c => ({
        titles: [...c.querySelectorAll('h3')].map(h => h.textContent.replace('¶', '').trim()),
        text: c.innerText,
        images: [...c.querySelectorAll('img')].map(im => ({w: im.naturalWidth, h: im.naturalHeight, src: im.src,
            alt: im.alt, inside: !!im.closest('.widget-output, .jupyter-widgets-output-area')}))})""")
    for image in state["images"]:
        data = image.pop("src").split(",", 1)[-1]
        image["bytes"] = len(base64.b64decode(data)) if data else 0
        image["digest"] = hashlib.sha1(data.encode()).hexdigest()
    state["title"] = state["titles"][0] if state["titles"] else ""
    return state


def redraw(cell, change, until, chart: bool = True, timeout: float = 30) -> tuple[dict, int]:
    """Do `change` (a control changed by hand), wait until `until(shown)` holds (and a chart is shown) and the
    page settles; what is shown then and how many images were drawn into the cell meanwhile."""
    cell.evaluate("""c => { c._added = 0; c._watch && c._watch.disconnect();
        c._watch = new MutationObserver(ms => ms.forEach(m => m.addedNodes.forEach(n => {
            if (n.nodeType === 1) c._added += (n.tagName === 'IMG' ? 1 : n.querySelectorAll('img').length); })));
        c._watch.observe(c, {childList: true, subtree: true}); }""")
    change()
    deadline = time.monotonic() + timeout
    while not (until(state := shown(cell)) and (state["images"] or not chart)):
        assert time.monotonic() < deadline, f"no redraw within {timeout} s; showing {state['title']!r}"
        time.sleep(0.05)
    time.sleep(0.8)  # a second, late redraw would land here
    return shown(cell), cell.evaluate("c => c._added")


def one_full_chart(state: dict, size: tuple[int, int] | None = None, width: int | None = None) -> dict:
    """The single chart of a view: inside the widget, complete (not a blank or cut image), of the given size."""
    assert len(state["images"]) == 1, f"expected one chart, found {len(state['images'])} images: {state['title']}"
    image = state["images"][0]
    assert image["inside"], "the chart is outside the widget"
    if size:
        assert (image["w"], image["h"]) == size
    if width:
        assert image["w"] == width
    assert image["bytes"] > 20_000, f"a chart of {image['bytes']} bytes: drawn blank or cut"
    assert re.search(r"\d", image["alt"]), f"the chart's text alternative states no finding: {image['alt']!r}"
    return image


def test_explore_opens_unmodified_and_runs_without_errors(explore):
    nb, dirty_on_open = explore
    assert not dirty_on_open, "opening explore.ipynb marked it modified"
    assert error_outputs(nb.outputs()) == []
    assert nb.tab.console_errors(IGNORED_CONSOLE) == []


def test_the_treaty_explorer_redraws_the_map_on_every_change(explore):
    nb, _ = explore
    cell = explorer_cell(nb, "treaty_explorer")
    first = shown(cell)
    assert first["title"] == "Mine Ban Treaty on 31 December 2015: 162 States Parties"
    map_2015 = one_full_chart(first, FULL_MAP)
    assert "party to both (95 states)" in map_2015["alt"]

    date = cell.locator("input[type=date]")
    state, drawn = redraw(cell, lambda: date.fill("2010-12-31"), lambda s: "2010" in s["title"])
    assert state["title"] == "Mine Ban Treaty on 31 December 2010: 156 States Parties"
    map_2010 = one_full_chart(state, FULL_MAP)
    assert drawn == 1 and map_2010["digest"] != map_2015["digest"]
    assert "party to both (47 states)" in map_2010["alt"]

    treaty = cell.locator("select").nth(0)
    state, drawn = redraw(cell, lambda: treaty.select_option(label="Convention on Cluster Munitions"),
                          lambda s: s["title"].startswith("Convention"))  # fmt: skip
    assert state["title"] == "Convention on Cluster Munitions on 31 December 2010: 49 States Parties"
    assert one_full_chart(state, FULL_MAP)["digest"] == map_2010["digest"] and drawn == 1  # same day, same map

    which = cell.locator("select").nth(1)
    state, drawn = redraw(cell, lambda: which.select_option(label="States Parties with a stockpile obligation"),
                          lambda s: "stockpile" in s["title"])  # fmt: skip
    assert re.fullmatch(r"Convention on Cluster Munitions on 31 December 2010: \d+ States Parties with a stockpile "
                        r"obligation", state["title"])  # fmt: skip
    one_full_chart(state, FULL_MAP)
    assert drawn == 1 and "Nothing recorded" not in state["text"]


def test_the_state_explorer_redraws_the_timeline_for_a_typed_name(explore):
    nb, _ = explore
    cell = explorer_cell(nb, "state_explorer")
    first = shown(cell)
    assert first["title"] == "Cambodia: treaty record and Monitor figures"
    cambodia = one_full_chart(first)
    name = cell.locator("input[type=text]").first

    def type_name():
        name.fill("Bosnia and Herzegovina")
        name.press("Enter")

    state, drawn = redraw(cell, type_name, lambda s: s["title"].startswith("Bosnia"))
    assert state["title"] == "Bosnia and Herzegovina: treaty record and Monitor figures"
    bosnia = one_full_chart(state, width=cambodia["w"])
    assert drawn == 1 and bosnia["digest"] != cambodia["digest"]
    assert "granted at the 9MSP" in state["text"]


def test_the_metric_explorer_redraws_for_a_place_and_a_figure(explore):
    nb, _ = explore
    cell = explorer_cell(nb, "metric_explorer")
    first = shown(cell)
    assert first["title"] == "Mine/ERW casualties, World"
    world = one_full_chart(first)
    size = (world["w"], world["h"])
    place = cell.locator("input[type=text]").first

    def type_place():
        place.fill("Syria")
        place.press("Enter")

    state, drawn = redraw(cell, type_place, lambda s: s["title"].endswith("Syria"))
    assert state["title"] == "Mine/ERW casualties, Syria"
    syria = one_full_chart(state, size)
    assert drawn == 1 and syria["digest"] != world["digest"]

    figure = cell.locator("select").first
    state, drawn = redraw(cell, lambda: figure.select_option(label="Cluster munition casualties"),
                          lambda s: s["title"].startswith("Cluster"))  # fmt: skip
    assert state["title"] == "Cluster munition casualties, Syria"
    assert drawn == 1 and one_full_chart(state, size)["digest"] != syria["digest"]


def test_the_changes_explorer_opens_on_the_review_year_and_lists_years_in_order(explore):
    nb, _ = explore
    cell = explorer_cell(nb, "changes_explorer")
    first = shown(cell)
    assert first["title"] == "What LM2016 changed from LM2015 for 2015"
    assert "Nothing recorded" not in first["text"].split("Ratings that change")[0]
    year = cell.locator("select").nth(2)
    labels = year.evaluate("s => [...s.options].map(o => o.textContent.replace(/\u00a0/g, ' '))")
    assert year.evaluate("s => s.options[s.selectedIndex] && s.options[s.selectedIndex].textContent") == "2015"
    assert labels[0] == "every year" and labels[1:] == sorted(labels[1:]) and "2014" in labels

    state, _ = redraw(cell, lambda: year.select_option(label="2014"), lambda s: s["title"].endswith("2014"), False)
    assert state["title"] == "What LM2016 changed from LM2015 for 2014"
    assert "3,678" in state["text"] and "3,695" in state["text"]  # world casualties 2014, revised
    state, _ = redraw(cell, lambda: year.select_option(index=0), lambda s: "for" not in s["title"], False)
    assert state["title"] == "What LM2016 changed from LM2015"
    new = cell.locator("select").nth(1)
    state, _ = redraw(cell, lambda: new.select_option("LM2014"), lambda s: not s["titles"], False)
    assert "must come after" in state["text"]  # refused in words
    assert error_outputs(nb.outputs()) == [] and nb.tab.console_errors(IGNORED_CONSOLE) == []


def test_no_chart_is_left_outside_the_explorers_and_the_console_shows_no_raw_nan(explore):
    nb, _ = explore
    for i, cell_outputs in enumerate(nb.outputs()):
        assert not [o for o in cell_outputs if "image/png" in o.get("data", {})], f"a figure under cell {i}"
    console = [i for i, src in enumerate(nb.sources()) if src.startswith(("import icbl", "icbl.", "view = icbl."))]
    assert len(console) == 3
    for i in console:
        text = nb.cell(i).locator(".jp-OutputArea").inner_text()
        assert text.strip() and "NaN" not in text and "nan" not in text.split()


@pytest.mark.parametrize("name", NARRATIVE)
def test_a_narrative_notebook_runs_in_jupyterlab_without_errors(browser, lab, name):
    tab = open_tab(browser)
    try:
        nb = Notebook(tab, lab, f"{name}.ipynb")
        assert not nb.dirty, f"opening {name}.ipynb marked it modified"
        nb.run_all()
        outputs = nb.outputs()
        assert error_outputs(outputs) == []
        assert sum(1 for cell in outputs for o in cell if "image/png" in o.get("data", {})) >= 1
        assert tab.console_errors(IGNORED_CONSOLE) == []
        nb.close()
    finally:
        tab.page.context.close()
