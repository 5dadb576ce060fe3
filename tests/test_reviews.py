"""The review notebooks, executed through the runner as a researcher would run them (issues 5 and 6)."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date

import nbformat
import pytest

from icbl_analysis import cli
from icbl_analysis.core.errors import DataError
from icbl_analysis.core.paths import NOTEBOOKS_DIR
from icbl_analysis.run.runner import ANNUAL_NOTEBOOKS, run_annual


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def value(folder, indicator_id, year):
    rows = read_csv(folder / "indicator_values.csv")
    return next(r["value"] for r in rows if r["indicator_id"] == indicator_id and r["year"] == str(year))


def test_annual_review_2015_produces_every_output(run_2015):
    folder = run_2015.folder
    assert run_2015.failed == []
    for name in ANNUAL_NOTEBOOKS:
        assert (folder / f"{name}.html").exists()
        assert (folder / "notebooks" / f"{name}.ipynb").exists()
        assert (folder / name / "ratings.csv").exists()
    for stem in ["goal1/charts/states_parties", "goal2/charts/mbt_clearance_deadlines", "overview/charts/status_board"]:
        for ext in ("png", "svg", "csv"):
            assert (folder / f"{stem}.{ext}").stat().st_size > 0
    assert (folder / "index.html").exists() and (folder / "slides.html").exists()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["parameters"]["review_year"] == 2015
    assert {n["notebook"]: n["outcome"] for n in manifest["notebooks"]} == dict.fromkeys(ANNUAL_NOTEBOOKS, "ok")
    assert len(manifest["data_files"]["treaty_events.csv"]) == 64


def test_values_the_2015_reviews_produce(run_2015):
    folder = run_2015.folder
    assert value(folder / "goal1", "G1.I01", 2015) == "10"  # new CCM States Parties in 2015
    assert value(folder / "goal1", "G1.I14", 2015) == "162"  # as published (LM2016)
    moz = next(r for r in read_csv(folder / "goal2" / "obligations_mbt_clearance.csv") if r["iso3"] == "MOZ")
    assert moz["status"] == "completed_late"
    ratings = read_csv(folder / "overview" / "ratings.csv")
    assert len(ratings) == 54  # 52 plan indicators and 2 context measures
    status = {r["indicator_id"]: r["status"] for r in ratings}
    assert status["G1.I04"] == "off track"  # armed groups used mines in 4 countries (LM2012) and 10 (LM2016)
    assert status["G1.I10"] == "on track"  # 86 MBT stockpiles destroyed at the end of 2011, 88 at the end of 2015
    assert status["G4.I07"] == "off track"  # Article 7 reports in by mid-year: 44% (June 2011), 37% (June 2015)
    assert status["G4.I03"] == "not assessable from public data" and status["G1.I12"] == "no data found"
    plan = [r for r in ratings if r["plan"] == "True"]
    assert sum(r["status"] in ("on track", "at risk", "off track") for r in plan) == 12
    summary = json.loads((folder / "overview" / "summary.json").read_text())
    assert any(
        "6,461 mine/ERW casualties were recorded in 2015 (Landmine Monitor 2016)" in s for s in summary["key_numbers"]
    )


def test_reports_hide_code_and_slides_work_offline(run_2015):
    html = (run_2015.folder / "goal1.html").read_text(encoding="utf-8")
    assert "nb.status_table(" not in html and "Where the goal stands" in html
    assert 'class="toc"' in html and "Parameters and data provenance" in html
    slides = (run_2015.folder / "slides.html").read_text(encoding="utf-8")
    assert slides.count("<section") >= 12 and slides.count('<aside class="notes">') == slides.count("<section")
    assert 'src="http' not in slides and "href='http" not in slides and "data:image/png;base64" in slides


def test_another_review_year(tmp_path):
    result = run_annual(2013, out_root=tmp_path, pdf=False, progress=False, notebooks=["goal1", "goal2"])
    assert result.failed == []
    assert value(result.folder / "goal1", "G1.I01", 2013) == "7"  # CCM: 77 at end 2012, 84 at end 2013
    # Article 5 completions declared in 2012: the six the ISU names at the 12MSP (Gambia included; the ICBL said five)
    assert value(result.folder / "goal2", "G2.I08", 2012) == "6"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["annual", "--year", "2099"], "option --year, value 2099"),
        (["annual", "--vintage", "LM20"], "vintage"),
        (["annual", "--notebooks", "goal9"], "unknown notebook"),
        (["annual", "--data", "/nonexistent/folder"], "data folder does not exist"),
        (["params", "nothing"], "no such notebook"),
    ],
)
def test_bad_parameters_fail_fast_with_one_line(tmp_path, capsys, argv, message):
    assert cli.main(argv + (["--out", str(tmp_path)] if argv[0] == "annual" else [])) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_run_never_displaces_a_good_one_and_reruns_redo_only_what_changed(tmp_path, monkeypatch, capsys):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, notebooks)
    monkeypatch.setenv("ICBL_NOTEBOOKS_DIR", str(notebooks))
    out = tmp_path / "out"
    args = ["annual", "--year", "2015", "--notebooks", "goal3,goal4", "--out", str(out), "--no-pdf", "--quiet"]
    assert cli.main(args) == 0
    good = (out / "2015-goal3-goal4" / "manifest.json").read_bytes()

    original = nbformat.read(notebooks / "goal4.ipynb", as_version=4)
    broken = nbformat.read(notebooks / "goal4.ipynb", as_version=4)
    broken.cells.insert(4, nbformat.v4.new_code_cell('raise RuntimeError("forced failure for the test")'))
    nbformat.write(broken, notebooks / "goal4.ipynb")
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "goal4" in err and "was kept" in err and "Traceback" not in err
    assert (out / "2015-goal3-goal4" / "manifest.json").read_bytes() == good  # the published run is untouched
    failed = next(out.glob("2015-goal3-goal4.failed-*"))
    manifest = json.loads((failed / "manifest.json").read_text())
    outcomes = {n["notebook"]: n for n in manifest["notebooks"]}
    assert outcomes["goal3"]["outcome"] == "ok"
    assert outcomes["goal4"]["outcome"] == "failed" and "forced failure" in outcomes["goal4"]["error"]
    executed = nbformat.read(failed / "notebooks" / "goal4.ipynb", as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in executed.cells for o in c.get("outputs", []))

    original.cells.append(nbformat.v4.new_markdown_cell("A note a researcher added."))
    nbformat.write(original, notebooks / "goal4.ipynb")
    rerun = run_annual(2015, out_root=out, notebooks=["goal3", "goal4"], only_changed=True, pdf=False, progress=False)
    assert [r.get("reused", False) for r in rerun.results] == [True, False]
    assert rerun.failed == [] and rerun.published
    assert rerun.archived is not None and (rerun.archived / "manifest.json").read_bytes() == good

    (out / "2015-goal3-goal4" / "goal3.html").unlink()  # a file of the published run removed by hand: goal3 runs again
    again = run_annual(2015, out_root=out, notebooks=["goal3", "goal4"], only_changed=True, pdf=False, progress=False)
    assert [r.get("reused", False) for r in again.results] == [False, True] and again.published
    assert (out / "2015-goal3-goal4" / "goal3.html").exists()


def test_a_rerun_redoes_only_the_notebooks_a_changed_table_touches(tmp_path):
    from icbl_analysis.core.paths import BUNDLED_DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA_DIR, data)
    out = tmp_path / "out"
    first = run_annual(2015, data_dir=data, out_root=out, notebooks=["goal3", "goal4"], pdf=False, progress=False)
    read = {r["notebook"]: r["tables_read"] for r in first.results}
    assert "va_status" in read["goal3"] and "va_status" not in read["goal4"]
    assert "campaign_statements" in read["goal4"] and "campaign_statements" not in read["goal3"]
    assert "treaty_events" not in read["goal3"]  # goal 3's indicators come from the Monitor's figures alone

    def rerun():
        result = run_annual(2015, data_dir=data, out_root=out, notebooks=["goal3", "goal4"], only_changed=True,
                            pdf=False, progress=False)  # fmt: skip
        return {r["notebook"]: r.get("reused", False) for r in result.results}

    va = data / "va_status.csv"
    va.write_text(va.read_text(encoding="utf-8").replace("Victim assistance since 2015", "Victim assistance from 2015"))
    assert rerun() == {"goal3": False, "goal4": True}
    statements = data / "campaign_statements.csv"
    lines = statements.read_text(encoding="utf-8").splitlines(keepends=True)
    statements.write_text("".join(lines[:-1]), encoding="utf-8")  # a researcher removes the last row
    assert rerun() == {"goal3": True, "goal4": False}
    assert rerun() == {"goal3": True, "goal4": True}


def test_values_computed_once_still_note_the_tables_they_came_from():
    from icbl_analysis.data.load import forget_reads, load_data, tables_read
    from icbl_analysis.engine import obligations

    data = load_data()
    forget_reads()
    obligations.history(data, "MBT", "clearance", __import__("datetime").date(2013, 12, 31))
    first = tables_read()
    forget_reads()
    obligations.history(data, "MBT", "clearance", __import__("datetime").date(2013, 12, 31))  # from the memo
    assert tables_read() == first and {"clearance_events", "treaty_events", "meetings"} <= set(first)


def test_same_inputs_give_identical_charts(tmp_path):
    first = run_annual(2015, out_root=tmp_path / "a", notebooks=["goal1"], pdf=False, progress=False)
    second = run_annual(2015, out_root=tmp_path / "b", notebooks=["goal1"], pdf=False, progress=False)
    charts = sorted((first.folder / "goal1" / "charts").iterdir())
    assert len(charts) >= 12
    for path in charts:
        assert path.read_bytes() == (second.folder / "goal1" / "charts" / path.name).read_bytes(), path.name
    assert (first.folder / "goal1.html").read_bytes() == (second.folder / "goal1.html").read_bytes()


def test_markup_in_data_is_escaped_in_html(tmp_path, data_copy):
    path = data_copy / "monitor_facts.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    for row in rows[1:]:
        if row[0] == "funding_international":
            row[rows[0].index("note")] = "<script>alert('x')</script>"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = run_annual(
        2015, data_dir=data_copy, out_root=tmp_path / "out", notebooks=["goal2"], pdf=False, progress=False
    )
    for page in ("goal2.html", "goal2-researcher.html"):  # the notes are shown in the researcher copy's annex
        html = (result.folder / page).read_text(encoding="utf-8")
        assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


@pytest.mark.parametrize("year", [2011, 2025])
def test_first_and_latest_review_years_run(tmp_path, year):
    result = run_annual(year, out_root=tmp_path, pdf=False, progress=False)
    assert result.failed == []
    parties = value(result.folder / "goal1", "G1.I14", year)
    # 2011: South Sudan 158th (Nov 2011); 2025: Tonga 166th (June 2025), Estonia, Latvia, Lithuania out 27 Dec
    assert parties == {2011: "158", 2025: "163"}[year]


def test_a_year_still_running_cannot_be_reviewed():
    from icbl_analysis.review.compute import check_parameters, latest_year

    assert latest_year(date(2026, 12, 7)) == 2025 and latest_year(date(2026, 12, 31)) == 2026
    last = latest_year()
    with pytest.raises(DataError, match=f"must be a year from 1997 to {last} \\({last + 1} has not ended"):
        check_parameters(last + 1, 2011, "first")


def test_country_profiles(tmp_path):
    from icbl_analysis.run.runner import run_profiles

    result = run_profiles(["Cambodia", "BLR"], 2015, out_root=tmp_path, pdf=False, progress=False)
    assert result.failed == []
    folder = result.folder
    assert folder.name == "profiles-2015-BLR-KHM" and (folder / "profile_KHM.html").exists()  # beside the full set
    rows = read_csv(folder / "profile_BLR" / "obligations.csv")
    stockpile = next(r for r in rows if r["obligation"] == "stockpile" and r["treaty"] == "MBT")
    assert stockpile["status"] == "missed_outstanding"  # Belarus: deadline 1 March 2008, completed only in 2017
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "Cambodia" in index and "MBT party; CCM not party; MBT clearance: within an extended deadline" in index


@pytest.mark.parametrize(
    "vintage, sentence",
    [
        (
            "latest",
            "6,971 mine/ERW casualties were recorded in 2015 (Landmine Monitor 2020, as revised, from a "
            "secondary copy).",
        ),
        ("LM2017", "6,967 mine/ERW casualties were recorded in 2015 (Landmine Monitor 2017, as revised)."),
    ],
)
def test_vintage_reaches_the_notebooks(tmp_path, vintage, sentence):
    result = run_annual(2015, vintage=vintage, out_root=tmp_path, notebooks=["goal3"], pdf=False, progress=False)
    summary = json.loads((result.folder / "goal3" / "summary.json").read_text())
    assert sentence in summary["key_numbers"]


def test_researcher_records_answer_the_indicators_the_public_record_cannot(tmp_path):
    from icbl_analysis.data.load import load_data
    from icbl_analysis.review import indicators, ratings

    user = tmp_path / "records <img src=x onerror=alert(1)>"  # a shared-drive folder name with markup
    user.mkdir()
    (user / "researcher_indicators.csv").write_text(
        "indicator_id,year,value,unit,source,note\n"
        "G4.I03,2011,250000,visits,web analytics export 2012-01,\n"
        "G4.I03,2015,310000,visits,[web analytics](javascript:alert(1)) <b>2016-01</b>,\n",
        encoding="utf-8",
    )
    data = load_data(user_dir=user)
    values = indicators.compute(data, range(2011, 2016), ids={"G4.I03"})
    rating = ratings.rate_all(values, data.indicators, 2011, 2015).iloc[0]
    assert (rating["status"], rating["baseline_value"], rating["review_value"]) == ("on track", "250,000", "310,000")
    result = run_annual(2015, user_dir=user, out_root=tmp_path / "out", notebooks=["goal4"], pdf=False, progress=False)
    ratings = {r["indicator_id"]: r["status"] for r in read_csv(result.folder / "goal4" / "ratings.csv")}
    assert ratings["G4.I03"] == "on track"
    for page in ("goal4.html", "index.html"):  # markup from data and paths is shown as text, never live
        html = (result.folder / page).read_text(encoding="utf-8")
        assert "<img src=x" not in html and 'href="javascript' not in html and "<b>2016-01</b>" not in html
    shown = visible_text((result.folder / "goal4.html").read_text(encoding="utf-8"))
    assert "campaign records: [web analytics](javascript:alert(1)) <b>2016-01</b>" in shown  # as text
    assert "researcher's records in the folder “records <img src=x onerror=alert(1)>”" in shown


RAW_NAMES = [
    "missed_outstanding",
    "completed_on_time",
    "completed_late",
    "not_applicable",
    "in_force",
    "answerable_from",
    "baseline_value",
    "review_value",
    "source_url",
    "indicator_id",
    "G1_I01",
    "va_plan",
    "art5_",
    "insufficient data",
]


def visible_text(html: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


def test_no_raw_names_where_a_reader_looks(run_2015):
    for page in ["index", "overview", "goal1", "goal2", "goal3", "goal4", "slides"]:
        text = visible_text((run_2015.folder / f"{page}.html").read_text(encoding="utf-8"))
        found = [name for name in RAW_NAMES if name in text]
        assert found == [], (page, found)


def test_reports_carry_no_stray_messages(run_2015):
    """Nothing from the machinery (warnings, kernel messages, errors) lands in a report."""
    for page in ["overview", "goal1", "goal2", "goal3", "goal4"]:
        html = (run_2015.folder / f"{page}.html").read_text(encoding="utf-8")
        assert "output_stderr" not in html and "output_error" not in html, page
        text = visible_text(html)
        assert not any(w in text for w in ("ERROR!", "Traceback", "Warning:", "warnings.warn")), page
        assert "output_stdout" not in html, page  # nothing printed: every output is a chart, table or text


def test_the_retreat_deck(run_2015):
    import re

    slides = (run_2015.folder / "slides.html").read_text(encoding="utf-8")
    titles = [visible_text(t).strip() for t in re.findall(r"<h[12]>(.*?)</h[12]>", slides, flags=re.S)]
    assert len(titles) >= 12 and titles[0] == "ICBL-CMC strategic plan 2012-2015"
    assert "Key findings of 2015" in titles and "Then and now: 2011 against 2015, like with like" in titles
    assert "Goal 1 off track: 4 on track, 1 at risk, 1 off track (6 of 15 indicators rated)" in visible_text(slides)
    assert any(t.startswith("Our counts against the published ones") and "0 open" in t for t in titles)


def test_goal4_evidence_tables_stop_at_the_review_date(tmp_path):
    result = run_annual(2013, out_root=tmp_path, notebooks=["goal4"], pdf=False, progress=False)
    meetings = read_csv(result.folder / "goal4" / "meeting_participation.csv")
    statements = read_csv(result.folder / "goal4" / "campaign_statements.csv")
    assert meetings and statements
    assert max(r["held"] for r in meetings) <= "2013-12-31" and min(r["held"] for r in meetings) >= "2011-01-01"
    assert max(r["held"] for r in statements) <= "2013-12-31"
    assert {"MBT/12MSP", "MBT/13MSP"} <= {f"{r['treaty']}/{r['meeting']}" for r in meetings}
    assert "MBT/14MSP" not in {f"{r['treaty']}/{r['meeting']}" for r in meetings}  # held in December 2015


def test_the_overview_links_the_latest_edition_memo(run_2015):
    memo = run_2015.folder / "overview" / "changes" / "LM2015-LM2016.html"
    assert memo.exists() and (memo.with_suffix(".md")).exists()
    assert 'href="overview/changes/LM2015-LM2016.html"' in (run_2015.folder / "overview.html").read_text(
        encoding="utf-8"
    )
    assert 'href="overview/changes/LM2015-LM2016.html"' in (run_2015.folder / "index.html").read_text(encoding="utf-8")
    shown = visible_text((run_2015.folder / "overview.html").read_text(encoding="utf-8"))
    assert "Landmine Monitor 2016 revised 5 of the figures collected from Landmine Monitor 2015" in shown


def test_countries_may_be_given_as_the_shell_splits_them(tmp_path, capsys):
    from icbl_analysis.cli import country_items
    from icbl_analysis.run.runner import GROUPS

    groups = set(GROUPS)
    assert country_items(["United", "States", "Cambodia"], groups) == ["United States", "Cambodia"]
    lao_bih = ["Lao PDR", "Bosnia and Herzegovina"]
    assert country_items(["Lao", "PDR", "Bosnia", "and", "Herzegovina"], groups) == lao_bih
    assert country_items(["KHM,USA"], groups) == country_items(["KHM,", "USA"], groups) == ["KHM", "USA"]
    assert country_items(["Atlantis", "KHM"], groups) == ["Atlantis", "KHM"]  # refused by name, later
    out = tmp_path / "out"
    assert cli.main(["profiles", "--countries", "Cambodia", "Colombia", "--out", str(out), "--no-pdf", "--quiet"]) == 0
    assert (out / "profiles-2015-COL-KHM" / "profile_KHM.html").exists()
    assert cli.main(["profiles", "--countries", "Atlantis", "KHM", "--out", str(out), "--no-pdf", "--quiet"]) == 2
    assert "option --countries, value 'Atlantis': unknown country or area" in capsys.readouterr().err
