"""Accessibility without a browser: every chart's text alternative states its finding in numbers, it travels
inside the saved PNG, and the text on every status colour meets WCAG AA contrast. The browser tests
(test_browser_pages.py) run axe-core on the published pages themselves."""

from __future__ import annotations

import pytest

from icbl_analysis.explore import views as explore
from icbl_analysis.present import charts, figures
from icbl_analysis.present.alt import alt_text, png_description
from icbl_analysis.present.words import COLOURS, TEXT_ON
from icbl_analysis.review.compute import compute_review


def contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        rgb = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]

    high, low = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("status", list(COLOURS))
def test_the_text_on_every_status_colour_meets_wcag_aa(status):
    assert contrast(TEXT_ON.get(status, "#ffffff"), COLOURS[status]) >= 4.5


@pytest.fixture(scope="module")
def reviews(data):
    return {goal: compute_review(goal, 2015, 2011, "first", data=data) for goal in (None, 1, 3)}


def test_the_world_map_says_how_many_states_are_party_to_what(data):
    view = explore.treaty_view("MBT", "2010-12-31", data=data)
    text = alt_text(view.figure, view.chart_data)
    assert text.startswith("Treaty status on 31 December 2010.")
    assert "party to both (47 states)" in text and "MBT only (109 states)" in text  # 156 MBT, 49 CCM parties


def test_an_indicator_chart_reads_its_values_year_by_year(reviews):
    fig, data = figures.indicator(reviews[1], "G1.I01")
    assert alt_text(fig, data) == ("New CCM States Parties, 2011-2015. 2011: 18; 2012: 10; 2013: 7; "
                                   "2014: 4; 2015: 10.")  # fmt: skip


def test_a_revisions_chart_names_the_years_revised(reviews):
    fig, data = figures.revisions(reviews[3], "G3.C01")
    text = alt_text(fig, data)
    assert "As first published: 2009 3,956" in text and "2014 3,678 to 3,695" in text


def test_the_status_board_writes_each_indicator_status(reviews):
    fig, data = figures.status_board(reviews[None])
    text = alt_text(fig, data)
    assert "at risk (2): G1.I03 Governments using mines" in text and "off track (4)" in text


def test_the_text_alternative_travels_inside_the_saved_png(tmp_path, reviews):
    fig, data = figures.indicator(reviews[1], "G1.I01")
    paths = charts.save(fig, data, "G1_I01", tmp_path)
    assert png_description(paths["png"]) == alt_text(fig, data)


def _figures(review):
    """Every chart the 2015 overview and goal reviews draw from the library (explorers aside)."""
    for indicator_id in review.values["indicator_id"].unique():
        yield indicator_id, figures.indicator(review, indicator_id)[0]
    for treaty in ("MBT", "CCM"):
        for kind in ("clearance", "stockpile"):
            yield f"{treaty} {kind} deadlines", figures.deadlines(review, treaty, kind)[0]
    yield "states parties", figures.states_parties(review)[0]
    yield "world map", figures.world_map(review)[0]
    yield "use", figures.use(review)[0]
    yield "status board", figures.status_board(review)[0]
    yield "coverage", figures.coverage(review)[0]


def test_no_chart_text_runs_off_its_figure(reviews):
    """A title, label or source line cut at the figure's edge (a deadline chart's title once lost its end)."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    cut = []
    for name, fig in _figures(reviews[None]):
        if fig is None:
            continue
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer, box = canvas.get_renderer(), fig.bbox
        legends = [lg for lg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)] if lg is not None]
        texts = [*fig.texts, *(t for lg in legends for t in lg.get_texts())]
        for ax in fig.axes:  # titles (a left-aligned one is its own artist), axis labels, labels on bars
            texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        for text in texts:
            if not text.get_visible() or not text.get_text():
                continue
            extent = text.get_window_extent(renderer)
            if extent.x0 < box.x0 - 1 or extent.x1 > box.x1 + 1:
                cut.append(f"{name}: {text.get_text()[:60]!r}")
        plt.close(fig)
    assert cut == []
