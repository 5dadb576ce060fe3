"""One number, one truth: every number any output states is a figure of the review's (or profile's) registry,
with the same value, qualifier and unit (issue 20)."""

from __future__ import annotations

import csv
import shutil

import pytest

from icbl_analysis.review.figure_check import check_run, check_text, stated_numbers
from icbl_analysis.review.key_figures import KeyFigures
from icbl_analysis.run.runner import run_annual, run_profiles


def rows(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["key"]: r for r in csv.DictReader(fh)}


@pytest.mark.parametrize("year", [2013, 2014])
def test_every_number_in_every_output_of_a_review_is_a_key_figure(tmp_path, year):
    result = run_annual(year, out_root=tmp_path, pdf=False, progress=False)
    assert result.failed == []
    assert (result.folder / "key_figures.csv").exists()
    assert check_run(result.folder) == []


def test_every_number_in_the_2015_review_is_a_key_figure(run_2015):
    assert check_run(run_2015.folder) == []
    figures = rows(run_2015.folder / "key_figures.csv")
    land = figures["G2.I02:2015:land_cleared_km2"]  # cleared only: never called "released"
    assert (land["text"], land["edition"], land["definition"]) == ("171 km²", "LM2016", "land cleared of mines")
    assert land["comparable_with"] == "G2.I02:2014:land_cleared_km2"  # like with like (2011 is land released)
    baseline = figures["G3.C01:2011"]  # one number per vintage, labelled
    assert (baseline["text"], baseline["vintage"]) == ("4,286", "as first published in Landmine Monitor 2012")
    memo = figures["memo:LM2015-LM2016:rating:2015:G3.C01:new:reference"]  # the memo's latest vintage
    assert memo["text"] == "4,474"
    assert figures["gaps:2015"]["value"] == "5.0" and figures["plan:rated"]["value"] == "12.0"
    article7 = figures["G4.I07:2015"]
    assert (article7["secondary"], article7["primary_publication"], article7["as_of"]) == (
        "True", "Landmine Monitor 2015", "2015-06-18")  # fmt: skip


def test_every_number_in_every_profile_is_a_key_figure(tmp_path):
    result = run_profiles(["all"], 2015, out_root=tmp_path, pdf=False, progress=False)
    assert result.failed == []
    assert len(list(result.folder.glob("profile_*/key_figures.csv"))) == 202
    assert check_run(result.folder) == []
    usa = rows(result.folder / "profile_USA" / "key_figures.csv")["monitor:funding_by_donor:2009"]
    assert usa["text"] == "US$10.9 million" and usa["caveat"].startswith("victim-assistance contributions only")
    shown = (result.folder / "profile_USA.html").read_text(encoding="utf-8")
    assert "victim-assistance contributions only" in shown  # the row's caveat is shown where the row is
    assert "funding_by_donor" not in shown and "USD_million" not in shown  # names in people's words


def test_the_check_finds_a_planted_number(run_2015, tmp_path):
    folder = tmp_path / "2015"
    shutil.copytree(run_2015.folder, folder)
    page = folder / "overview.html"
    html = page.read_text(encoding="utf-8")
    assert "171 km²" in html
    page.write_text(html.replace("171 km²", "173 km²", 1), encoding="utf-8")
    chart = folder / "goal2" / "charts" / "G2_I05.svg"
    chart.write_text(chart.read_text(encoding="utf-8").replace(">340.1<", ">341.1<"), encoding="utf-8")
    problems = check_run(folder)
    assert len(problems) == 2
    assert problems[0].startswith("overview.html: 173 km2 is in no key figure")
    assert problems[1].startswith("goal2/charts/G2_I05.svg: 341.1 is in no key figure")


def test_what_counts_as_a_stated_number():
    text = ("Goal 2 review of 2015 against the 2011 baseline (2012-2015), as of 31 December 2015 and 2014-06-23: "
            "G1.I01, LM2016, 14MSP, Article 5, goals 1 and 2. At least 190 km², US$340.1 million, 37%, ≥281, "
            "More than 80, 4,286, change -17.")  # fmt: skip
    found = [(s.qualifier, s.value, s.unit) for s in stated_numbers(text)]
    assert found == [("at least", 190, "km2"), ("", 340.1, "USD_million"), ("", 37, "percent"),
                     ("at least", 281, None), ("more than", 80, None), ("", 4286, None), ("", -17, None)]  # fmt: skip
    registry = KeyFigures()
    registry.add("land", 190, unit="km2", qualifier="at least")
    assert check_text("at least 190 km² were released", registry, "x") == []
    assert check_text("190 km² were released", registry, "x") != []  # a lower bound stated as exact
    assert check_text("at least 190% were released", registry, "x") != []  # another unit
    with pytest.raises(ValueError, match="registered twice"):
        registry.add("land", 191, unit="km2", qualifier="at least")  # one number, one truth


def test_campaign_records_flow_through_the_same_registry(tmp_path):
    from test_records import SYNTHETIC, filled_workbook

    workbook = filled_workbook(tmp_path)
    result = run_annual(2015, records=workbook, notebooks=["overview", "goal4"], out_root=tmp_path / "out",
                        pdf=False, progress=False)  # fmt: skip
    assert result.failed == [] and check_run(result.folder) == []
    visits = rows(result.folder / "key_figures.csv")["G4.I03:2015"]
    assert (visits["text"], visits["source_kind"]) == ("140", "campaign records")
    assert visits["source_url"] == f"{SYNTHETIC} (G4.I03 2015)" and visits["comparable_with"] == "G4.I03:2011"


def test_the_key_figures_workbook_holds_the_csv_rows_for_excel(run_2015, tmp_path):
    import openpyxl

    from icbl_analysis.present.spreadsheet import write_key_figures_xlsx
    from icbl_analysis.review.key_figures import KeyFigures

    folder = run_2015.folder
    registry = KeyFigures.read(folder / "key_figures.csv")
    sheet = openpyxl.load_workbook(folder / "key_figures.xlsx")["Key figures"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_key = {r[header.index("Key")]: r for r in rows[1:]}
    assert set(by_key) == set(registry.figures) and len(rows) - 1 == len(registry.figures)
    parties = by_key["states_parties:MBT:2015:states_parties"]
    assert parties[header.index("Value")] == 162 and parties[header.index("As stated")] == "162"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="key_figures.xlsx"' in index
    # text from the data stays text: a caveat that looks like a formula is shown, never computed
    frame = registry.frame().head(1).assign(caveat='=HYPERLINK("http://example.org","click")')
    path = write_key_figures_xlsx(frame, tmp_path / "k.xlsx")
    cell = openpyxl.load_workbook(path)["Key figures"].cell(row=2, column=header.index("Caveat") + 1)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.org","click")', "s")
