"""The published pages of a review, built once in a temporary folder, opened in a real browser (headless
Chromium): each loads without a console error, axe-core finds no serious or critical WCAG 2.1 A/AA violation on
it (contrast included), every chart has a text alternative that states its finding, statuses are written and not
told by colour alone, the slides work from the keyboard and by address (#n), and the profiles index filters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import axe_violations

from icbl_analysis.present.words import COLOURS
from icbl_analysis.run.runner import run_annual, run_profiles

pytestmark = pytest.mark.browser

REPORTS = ["index", "overview", "goal1", "goal2", "goal3", "goal4"]
PROFILES = {"KHM": "Cambodia", "COL": "Colombia", "USA": "United States"}
NBCONVERT_ALT = "No description has been provided for this image"
STATUS_COLOURS = {c.lower() for c in COLOURS.values() if c.lower() != "#ffffff"}


@dataclass
class Site:
    review: Path  # the 2015 review: index, reports, slides, the edition memo
    profiles: Path  # three country profiles and their index


@pytest.fixture(scope="module")
def site(tmp_path_factory, browser):
    """The 2015 review and three country profiles, built once without PDFs."""
    out = tmp_path_factory.mktemp("published")
    review = run_annual(2015, out_root=out, pdf=False, progress=False)
    profiles = run_profiles(list(PROFILES), 2015, out_root=out, pdf=False, progress=False)
    assert review.published and profiles.published
    return Site(review.folder, profiles.folder)


def visit(tab, path, width: int = 1280, height: int = 900):
    tab.page.set_viewport_size({"width": width, "height": height})
    tab.page.goto(path.as_uri())
    tab.page.wait_for_load_state("load")
    return tab.page


def charts_without_finding(page) -> list[str]:
    """Images whose text alternative is missing, nbconvert's placeholder, or states no number."""
    alts = page.evaluate("() => [...document.querySelectorAll('img')].filter(i => i.offsetParent !== null || "
                         "i.closest('section')).map(i => i.getAttribute('alt'))")  # fmt: skip
    return [str(a) for a in alts if not a or a == NBCONVERT_ALT or not re.search(r"\d", a)]


def colour_only_statuses(page) -> list[str]:
    """Shown elements painted a status colour whose own text is empty: a status told by colour alone."""
    found = page.evaluate(
        """colours => { const hex = c => { const m = c.match(/\\d+/g); return m && m.length >= 3 && (m.length < 4
            || +m[3] > 0) ? '#' + m.slice(0, 3).map(x => (+x).toString(16).padStart(2, '0')).join('') : null; };
          return [...document.querySelectorAll('body *')].filter(e => e.getClientRects().length
            && colours.includes(hex(getComputedStyle(e).backgroundColor)) && !e.innerText.trim())
            .map(e => e.outerHTML.slice(0, 120)); }""",
        sorted(STATUS_COLOURS),
    )
    return found


def test_the_index_links_every_report_and_the_memo(site, tab):
    page = visit(tab, site.review / "index.html")
    links = page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    pages = [h for h in links if h.endswith(".html")]
    for name in ("overview", "goal1", "goal2", "goal3", "goal4", "slides"):
        assert f"{name}.html" in pages
    assert "overview/changes/LM2015-LM2016.html" in pages
    assert all((site.review / h).exists() for h in pages), "a link to a page that was not published"
    assert axe_violations(page) == [] and tab.errors == []


def test_every_published_page_is_accessible_and_its_charts_state_their_finding(site, tab):
    """Every page of the review (reports, researcher copies, key findings, index, memo; the slides apart)."""
    pages = sorted(p for p in site.review.rglob("*.html") if p.name != "slides.html")
    assert {f"{name}.html" for name in REPORTS} <= {p.name for p in pages}
    found = {}
    for path in pages:
        tab.errors.clear()
        page = visit(tab, path)
        problems = axe_violations(page) + charts_without_finding(page) + colour_only_statuses(page) + tab.errors
        if problems:
            found[str(path.relative_to(site.review))] = problems
    assert found == {}


def test_the_overview_map_and_board_say_in_words_what_they_draw(site, tab):
    page = visit(tab, site.review / "overview.html")
    alts = page.evaluate("() => [...document.querySelectorAll('img')].map(i => i.alt)")
    world = next(a for a in alts if a.startswith("Treaty status on 31 December 2015"))
    assert "party to both (95 states)" in world and "MBT only (67 states)" in world
    board = next(a for a in alts if a.startswith("The plan's indicators, 2015 against 2011"))
    assert "at risk (2): G1.I03 Governments using mines" in board


def test_the_slides_work_from_the_keyboard_and_by_address(site, tab):
    page = visit(tab, site.review / "slides.html", 1600, 900)
    total = page.locator("section").count()
    assert total >= 10

    def at() -> tuple[str, str, int]:
        active = page.evaluate("() => [...document.querySelectorAll('section')].findIndex(s => "
                               "s.classList.contains('active'))")  # fmt: skip
        return page.locator("#n").inner_text(), page.evaluate("() => location.hash"), active

    assert at() == (f"1 / {total}", "#1", 0)
    page.keyboard.press("ArrowRight")
    assert at() == (f"2 / {total}", "#2", 1)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # stays on the first
    assert at() == (f"1 / {total}", "#1", 0)
    page.keyboard.press("End")
    assert at() == (f"{total} / {total}", f"#{total}", total - 1)
    page.keyboard.press("Home")
    assert at()[2] == 0
    page.goto((site.review / "slides.html").as_uri() + "#5")
    assert at() == (f"5 / {total}", "#5", 4)
    page.evaluate("() => { location.hash = '#7'; }")
    page.wait_for_function("() => document.querySelector('#n').textContent.startsWith('7 /')")
    assert tab.errors == []


def test_every_slide_is_accessible_and_its_charts_state_their_finding(site, tab):
    page = visit(tab, site.review / "slides.html", 1600, 900)
    total = page.locator("section").count()
    found = {}
    for n in range(1, total + 1):
        if n > 1:
            page.keyboard.press("ArrowRight")
        title = page.locator("section.active h1, section.active h2").first.inner_text()
        problems = axe_violations(page) + colour_only_statuses(page)
        shown = page.evaluate("() => [...document.querySelectorAll('section.active img')].map(i => i.alt)")
        problems += [f"chart without its finding: {a!r}" for a in shown if not re.search(r"\d", a or "")]
        if problems:
            found[f"slide {n} ({title})"] = problems
    assert found == {}
    page.keyboard.press("n")  # the speaker notes, read on a slide
    assert page.locator("section.active .notes").is_visible()
    assert axe_violations(page) == [] and tab.errors == []


def test_the_profiles_index_filters_and_is_accessible(site, tab):
    page = visit(tab, site.profiles / "index.html")

    def shown() -> set[str]:
        return set(page.evaluate("() => [...document.querySelectorAll('#profiles tbody tr')].filter(r => "
                                 "r.offsetParent !== null).map(r => r.querySelector('a').textContent)"))  # fmt: skip

    assert shown() == set(PROFILES.values())
    for key, expected in [("mbt-party", {"Cambodia", "Colombia"}), ("ccm-party", {"Colombia"}),
                          ("not-party", {"United States"}), ("all", set(PROFILES.values()))]:  # fmt: skip
        button = page.locator(f".filter button[data-filter='{key}']")
        button.click()
        assert shown() == expected, key
        assert button.get_attribute("aria-pressed") == "true"  # the chosen filter is not told by colour alone
        assert page.locator(".filter button[aria-pressed='true']").count() == 1
        assert axe_violations(page) == []
    assert tab.errors == []


@pytest.mark.parametrize("code", list(PROFILES))
def test_a_country_profile_is_accessible(site, tab, code):
    page = visit(tab, site.profiles / f"profile_{code}.html")
    assert PROFILES[code] in page.locator("h1").first.inner_text()
    assert charts_without_finding(page) == [] and colour_only_statuses(page) == []
    assert axe_violations(page) == [] and tab.errors == []


def test_the_edition_memo_shows_both_values_and_is_accessible(site, tab):
    page = visit(tab, site.review / "overview" / "changes" / "LM2015-LM2016.html")
    text = page.locator("body").inner_text()
    assert "3,678" in text and "3,695" in text  # world casualties in 2014, revised by LM2016
    assert axe_violations(page) == [] and tab.errors == []
