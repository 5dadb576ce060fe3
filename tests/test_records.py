"""The campaign records workbook: written for staff, read back through the same checks as any researcher's rows,
rated and shown like the public indicators. Every filled workbook here is built by the test in a temp folder and
says in each source cell that it is synthetic; none is shipped as data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib.pyplot as plt
import openpyxl
import pytest

from icbl_analysis import cli
from icbl_analysis.data.records import HEADER, HEADER_ROW, check_records, records_catalogue, write_workbook
from icbl_analysis.data.validate import validate_folder
from icbl_analysis.engine import facts as F
from icbl_analysis.present import figures, text
from icbl_analysis.review import indicators
from icbl_analysis.review.compute import compute_review
from icbl_analysis.review.ratings import RATED
from icbl_analysis.run.runner import run_annual

SYNTHETIC = "SYNTHETIC TEST VALUE, not a real record"
RECORDS_IDS = list(records_catalogue()["id"])


def filled_workbook(folder: Path, name: str = "campaign.xlsx") -> Path:
    """A synthetic filled workbook: counts 100, 110, ... 140 for 2011-2015, yes/no answers yes except 2013."""
    path = write_workbook(folder / name, range(2011, 2017))
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets[1:]:
        for row in range(HEADER_ROW + 1, sheet.max_row + 1):
            indicator, year, unit = (sheet[f"{c}{row}"].value for c in "ABC")
            if year > 2015:
                continue  # 2016 left empty: a gap stays a gap
            sheet[f"D{row}"] = ("no" if year == 2013 else "yes") if unit == "yes_no" else 100 + 10 * (year - 2011)
            sheet[f"E{row}"] = f"{SYNTHETIC} ({indicator} {year})"
    book.save(path)
    return path


def row_of(sheet, indicator: str, year: int) -> int:
    return next(r for r in range(HEADER_ROW + 1, sheet.max_row + 1) if sheet[f"A{r}"].value == indicator
                and sheet[f"B{r}"].value == year)  # fmt: skip


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return filled_workbook(tmp_path_factory.mktemp("records"))


def test_the_workbook_has_a_row_per_records_indicator_and_year_with_checks_on_the_value_cells(tmp_path):
    path = write_workbook(tmp_path / "campaign.xlsx", range(2011, 2016))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["How to fill", "Goal 1", "Goal 2", "Goal 3", "Goal 4"]
    assert len(RECORDS_IDS) == 31  # the plan's indicators only the campaign's records answer
    goal4 = book["Goal 4"]
    assert [c.value for c in goal4[HEADER_ROW]] == HEADER
    assert goal4.max_row - HEADER_ROW == 14 * 5  # 14 Goal 4 indicators, 2011-2015
    first = HEADER_ROW + 1
    assert [goal4[f"{c}{first}"].value for c in "ABCD"] == ["G4.I01", 2011, "stakeholders", None]
    catalogue = records_catalogue().set_index("id")
    assert goal4[f"H{first}"].value == catalogue.at["G4.I01", "measure"]  # what counts, from the catalogue
    assert goal4[f"G{first}"].value == catalogue.at["G4.I01", "text"]  # the plan's words
    rules = {}
    for dv in goal4.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in range(rng.min_row, rng.max_row + 1):
                rules[goal4[f"A{row}"].value] = (dv.type, dv.operator, dv.formula1, dv.formula2)
    assert rules["G4.I04"] == ("list", None, '"yes,no"', None)  # Monitor resources: a yes/no dropdown
    assert rules["G4.I03"] == ("whole", "between", "0", "10000000000")  # website visits: whole, units.csv's bound
    assert rules["G4.I13"] == ("decimal", "between", "0", "100000000")  # US$ thousand
    assert rules["G4.I16"] == ("whole", "between", "0", "300")  # national campaigns
    assert goal4.protection.sheet and goal4[f"A{first}"].protection.locked
    assert not goal4[f"D{first}"].protection.locked and not goal4[f"E{first}"].protection.locked
    cover = [c.value for c in book["How to fill"]["A"] if c.value]
    assert "icbl-review annual --records campaign.xlsx" in cover
    assert (
        check_records(path)[0]
        .args[0]
        .endswith(
            "no value filled in: type values in column D of the goal sheets "
            "(each with its source in column E), or leave --records out"
        )
    )


def test_records_never_replaces_a_file_unasked(tmp_path, capsys):
    target = tmp_path / "campaign.xlsx"
    target.write_text("my notes\n", encoding="utf-8")
    assert cli.main(["records", str(target)]) == 2
    assert f"error: {target}: the file exists; choose another name" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "my notes\n"
    assert cli.main(["records", str(target), "--from", "2011", "--to", "2015", "--force"]) == 0
    assert openpyxl.load_workbook(target)["Goal 1"].max_row == HEADER_ROW + 3 * 5
    assert cli.main(["records", str(tmp_path / "campaign.csv")]) == 2
    assert "name the workbook with the .xlsx ending" in capsys.readouterr().err
    assert not (tmp_path / "campaign.csv").exists() and not list(tmp_path.glob(".records-*"))


def test_a_filled_workbook_takes_every_records_indicator_from_awaiting_to_rated(workbook):
    before = compute_review(None, 2015)
    after = compute_review(None, 2015, records=str(workbook))
    old, new = before.ratings.set_index("indicator_id"), after.ratings.set_index("indicator_id")
    assert set(old.loc[RECORDS_IDS, "status"]) == {"not assessable from public data"}
    assert new.loc[RECORDS_IDS, "status"].isin(RATED).all()
    plan_old, plan_new = old[old["plan"]], new[new["plan"]]
    assert plan_old["status"].isin(RATED).sum() == 12 and plan_new["status"].isin(RATED).sum() == 12 + 31
    assert (new.at["G4.I03", "status"], new.at["G4.I03", "reason"]) == (
        "on track", "100 in 2011, 140 in 2015: higher, as the plan seeks")  # fmt: skip
    assert (new.at["G4.I04", "status"], new.at["G4.I04", "reason"]) == (
        "at risk",
        "yes in 2015; yes in 3 of the 4 years 2012-2015",
    )  # fmt: skip (no in 2013)
    assert new.at["G4.I13", "review_value"] == "US$140 thousand"
    cover_old, cover_new = (indicators.coverage(r.values).set_index("indicator_id") for r in (before, after))
    assert set(cover_old.loc[RECORDS_IDS, 2015]) == {"awaiting"}
    assert set(cover_new.loc[RECORDS_IDS, 2015]) == {"records"}
    assert cover_new.at["G1.I14", 2015] == "derived" and cover_new.at["G1.I14", "answered_by"] == "public record"
    assert cover_new.at["G4.I03", "answered_by"] == "campaign records"
    values = after.indicator_values("G4.I03")
    assert set(values["source_kind"]) == {"campaign records"}
    assert values.set_index("year").at[2015, "source_url"] == f"{SYNTHETIC} (G4.I03 2015)"
    numbers = text.key_number_lines(after)
    assert sum(f"(campaign records: {SYNTHETIC}" in n for n in numbers) == 31  # one key number each
    assert f"The Monitor website had 140 visits in 2015 (campaign records: {SYNTHETIC} (G4.I03 2015))." in numbers
    for indicator in RECORDS_IDS:
        fig, data = figures.indicator(after, indicator)
        assert fig is not None and data["value"].notna().sum() == 5, indicator
        assert fig.texts[-1].get_text().startswith(f"Source: campaign records: {SYNTHETIC}")
        plt.close(fig)


def test_the_review_run_publishes_records_charts_key_numbers_slides_and_coverage(workbook, tmp_path):
    result = run_annual(2015, records=workbook, notebooks=["overview", "goal4"], out_root=tmp_path, pdf=False,
                        progress=False)  # fmt: skip
    assert not result.failed, result.results
    goal4 = result.folder / "goal4"
    for indicator in [i for i in RECORDS_IDS if i.startswith("G4.")]:
        assert (goal4 / "charts" / f"{indicator.replace('.', '_')}.png").exists(), indicator
    summary = json.loads((goal4 / "summary.json").read_text(encoding="utf-8"))
    assert summary["rated"] == 15 and summary["chart_takeaways"]["G4.I09"].endswith(": on track")
    assert (
        f"The Monitor website had 140 visits in 2015 (campaign records: {SYNTHETIC} (G4.I03 2015))."
        in summary["key_numbers"]
    )
    report = (result.folder / "goal4.html").read_text(encoding="utf-8")
    assert f"campaign records: {SYNTHETIC} (G4.I03 2015)" in report and "campaign records in “campaign.xlsx”" in report
    coverage = (result.folder / "overview" / "charts" / "coverage.csv").read_text(encoding="utf-8")
    assert "G4.I03" in coverage and "records" in coverage and "awaiting" not in coverage
    slides = (result.folder / "slides.html").read_text(encoding="utf-8")
    title = "43 of the plan&#39;s 52 indicators rated: 12 from the public record, 31 from the campaign&#39;s records"
    assert title in slides
    assert json.loads((result.folder / "manifest.json").read_text())["parameters"]["records"] == str(workbook)


def _set(cell: str, value):
    def edit(book, _):
        sheet_name, ref = cell.split("!")
        book[sheet_name][ref] = value

    return edit


BAD_CELLS = [  # (what, edit of the filled workbook at the G4.I03 2015 row, expected words after the cell reference)
    ("text in a number cell", {"D": "about 500"}, "D", '"about 500" is not a number'),
    ("a negative count", {"D": -3}, "D", '"-3" must be at least 0'),
    ("a year out of range", {"B": 2031}, "B", '"2031" must be at most 2030'),
    ("an unknown indicator", {"A": "G4.I99"}, "A", '"G4.I99" is not an indicator of the plan (data/indicators.csv)'),
    ("a public indicator", {"A": "G4.I07"}, "A", '"G4.I07": G4.I07 is answered from the public record (derived)'),
    ("a wrong unit", {"C": "percent"}, "C", '"percent": G4.I03 is counted in visits'),
    ("a value without a source", {"E": None}, "E", "a value needs its source: say in column E which record it"),
    ("not yes or no", {"D": "maybe"}, "D", '"maybe" is not yes or no'),  # on the G4.I04 row, see below
]


@pytest.mark.parametrize("what, edits, column, words", BAD_CELLS, ids=[b[0] for b in BAD_CELLS])
def test_a_bad_cell_is_refused_with_sheet_cell_and_value_and_nothing_is_published(
    workbook, tmp_path, capsys, what, edits, column, words
):
    path = tmp_path / "campaign.xlsx"
    book = openpyxl.load_workbook(workbook)
    sheet = book["Goal 4"]
    row = row_of(sheet, "G4.I04" if what == "not yes or no" else "G4.I03", 2015)
    for col, value in edits.items():
        sheet[f"{col}{row}"] = value
    book.save(path)
    expected = f"{path}: Goal 4!{column}{row}: {words}"
    problems = [str(p) for p in check_records(path)]
    assert any(p.startswith(expected) for p in problems), problems
    assert cli.main(["validate", "--records", str(path)]) == 1
    said = capsys.readouterr()
    assert said.out.splitlines()[0] == problems[0] and "problem(s) found" in said.err
    out = tmp_path / "outputs"
    assert cli.main(["annual", "--records", str(path), "--out", str(out), "--no-pdf", "--quiet"]) == 2
    refused = capsys.readouterr().err
    assert refused.startswith(f"error: the data does not validate: {problems[0]}")  # one check, one answer
    assert not (out / "2015").exists() and not list(out.glob(".staging-*"))


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("campaign.xlsx", None, "no value filled in: type values in column D"),  # the empty workbook as written
        ("campaign.xlsx", b"my notes, not a workbook\n", "not an Excel workbook (.xlsx), or a damaged one"),
        ("campaign.xls", b"\xd0\xcf\x11\xe0old excel", "a spreadsheet in another format: save it as 'Excel Workbook"),
        ("missing.xlsx", False, "no such file (write one with `icbl-review records FILE.xlsx`)"),
        ("~$campaign.xlsx", b"\x0bCampaigner ", "Excel's lock file, written while campaign.xlsx is open: name "
         "campaign.xlsx itself"),  # fmt: skip
    ],
    ids=["empty workbook", "not a workbook", "old xls", "no such file", "Excel's lock file"],
)
def test_a_workbook_that_cannot_be_read_is_refused(tmp_path, capsys, name, content, words):
    path = tmp_path / name
    if content is None:
        write_workbook(path, range(2011, 2016))
    elif content:
        path.write_bytes(content)
    assert words in str(check_records(path)[0])
    out = tmp_path / "outputs"
    assert cli.main(["annual", "--records", str(path), "--out", str(out), "--no-pdf", "--quiet"]) == 2
    assert words in capsys.readouterr().err and not (out / "2015").exists()


def test_a_csv_still_answers_and_a_spreadsheet_in_a_data_folder_is_refused_unless_passed_as_records(tmp_path):
    rows = tmp_path / "visits.csv"
    rows.write_text("indicator_id,year,value,unit,source,note\nG4.I03,2011,250000,visits,web analytics 2012-01,\n"
                    "G4.I03,2015,310000,visits,web analytics 2016-01,\n", encoding="utf-8")  # fmt: skip
    rating = compute_review(4, 2015, records=str(rows)).rating("G4.I03")
    assert (rating["status"], rating["review_value"]) == ("on track", "310,000")
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator_id,year,value,unit,source,note\nG4.I03,2015,lots,visits,web,\n", encoding="utf-8")
    assert str(check_records(bad)[0]) == f"{bad}, row 2, column 'value', value 'lots': expected a number"
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "researcher_indicators.csv").write_text(rows.read_text(encoding="utf-8"), encoding="utf-8")
    book = filled_workbook(folder, "researcher_indicators.xlsx")
    assert "a spreadsheet, which is not read" in str(validate_folder(folder, partial=True)[0])
    assert validate_folder(folder, partial=True, records=book) == []


def test_the_public_figures_of_the_fourth_round_are_shown_beside_their_indicators():
    facts = compute_review(None, 2015).data.monitor_facts
    votes = F.series(facts, "unga_mbt_votes_for", vintage="first").set_index("period")
    assert [int(votes.at[str(y), "value"]) for y in range(2010, 2016)] == [165, 162, 165, 165, 164, 168]
    assert votes.at["2015", "source_url"] == "https://hdl.handle.net/1902.1/12379"
    assert re.match(r"rcid 5423; session 70; unres R/70/55; yes 168; no 0; abstain 17", votes.at["2015", "quote"])
    funding = F.revisions(facts, "funding_total", 2014)
    assert list(zip(funding["edition"], funding["value"], strict=True)) == [("LM2015", 610.4), ("LM2016", 610.8)]
    review = compute_review(1, 2015)
    beside = review.related_figures("G1.I14").set_index(["metric", "year"])
    assert beside.at[("unga_mbt_votes_for", 2014), "value"] == "164"
    assert beside.at[("unga_mbt_abstentions", 2012), "value"] == "19"
    assert "- Public record beside G1.I14: UNGA resolution on the MBT: votes for: 162 in 2011, 165 in 2012, 165 in " \
           "2013, 164 in 2014, 168 in 2015 (hdl.handle.net)." in review_text(review, "O06")  # fmt: skip
    extensions = compute_review(2, 2015).related_figures("G2.I01").set_index(["metric", "year"])
    assert extensions.at[("states_parties_article5_with_extension", 2015), "value"] == "27"
    assert extensions.at[("states_parties_article5_obligation", 2015), "value"] == "33"


def review_text(review, objective: str) -> str:
    from icbl_analysis.present import text

    return text.objective_finding(review, objective)


def test_a_name_starting_with_a_tilde_is_a_name_not_a_home_folder(tmp_path, monkeypatch, capsys):
    """`~$campaign.xlsx` (Excel's lock file beside an open workbook) once ended in a traceback: Path.expanduser
    read it as the home folder of a user named '$campaign'."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "~$campaign.xlsx").write_bytes(b"\x0bCampaigner ")
    assert cli.main(["validate", "--records", "~$campaign.xlsx"]) == 1
    err = capsys.readouterr()
    assert "~$campaign.xlsx: Excel's lock file" in err.out + err.err and "Traceback" not in err.out + err.err
    assert cli.main(["annual", "--records", "~$nobody.xlsx", "--no-pdf", "--quiet", "--out", "out"]) == 2
    assert "option --records, value '~$nobody.xlsx': no such file" in capsys.readouterr().err
