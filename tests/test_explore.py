"""Exploring: the console API's examples run, the explorers redraw when their controls change, and the
edition comparison finds what the newer edition revised."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

import icbl_analysis
from icbl_analysis import cli
from icbl_analysis.explore import views as explore
from icbl_analysis.explore import widgets


@pytest.mark.parametrize("module", [icbl_analysis, explore], ids=["icbl_analysis", "explore"])
def test_every_docstring_example_runs(module):
    result = doctest.testmod(module)
    assert result.attempted >= 10 and result.failed == 0


def test_the_treaty_explorer_answers_who_had_article5_deadlines_in_2014():
    box = widgets.treaty_explorer()
    assert box.view.title == "Mine Ban Treaty on 31 December 2015: 162 States Parties"
    box.controls["treaty"].value = "CCM"
    assert box.view.title == "Convention on Cluster Munitions on 31 December 2015: 98 States Parties"
    box.controls["treaty"].value = "MBT"
    box.controls["on"].value = date(2014, 12, 31)
    box.controls["which"].value = "open"
    table = box.view.table.set_index("iso3")
    assert table.loc["BIH", "clearance_deadline"] == date(2019, 3, 1)
    assert table.loc["BIH", "clearance_status"] == "within an extended deadline"
    assert "ALB" not in table.index  # Albania completed clearance in 2009
    assert len(box.view.sources) and box.view.figure is not None


def test_the_state_explorer_draws_a_timeline_with_each_extension_and_its_meeting():
    box = widgets.state_explorer()
    box.controls["state"].value = "Bosnia and Herzegovina"
    events = box.view.table
    granted = events[(events["what"] == "extension granted") & (events["treaty"] == "MBT")]
    assert "new deadline 01 March 2019, granted at the 9MSP" in set(granted["detail"])
    assert box.view.figure is not None and "Monitor figures by year and edition" in box.view.more


def test_the_metric_explorer_shows_every_edition_and_the_gaps():
    box = widgets.metric_explorer()
    table = box.view.table.set_index("year")
    assert (table.loc["2014", "LM2015"], table.loc["2014", "LM2016"], bool(table.loc["2014", "revised"])) == (
        "3,678",
        "3,695",
        True,
    )
    assert table.loc["2003", "in the record"] == "no figure (a gap)"
    box.controls["place"].value = "Afghanistan"
    assert box.view.title == "Mine/ERW casualties, Afghanistan"


def test_the_changes_explorer_and_a_bad_choice_said_in_words():
    box = widgets.changes_explorer()
    box.controls["year"].value = 2014
    revised = box.view.table[(box.view.table["What"] == "revised") & (box.view.table["Place"] == "World")]
    row = revised[revised["Figure"] == "Mine/ERW casualties"].iloc[0]
    assert (row["LM2015"], row["LM2016"], row["Change"]) == ("3,678", "3,695", "+17")
    assert "landmine-monitor-2015" in row["Source, LM2015"] and "landmine-monitor-2016" in row["Source, LM2016"]
    box.controls["new"].value = "LM2014"  # older than the first: refused in words, no exception
    assert box.view is None


def test_a_view_exports_its_table_chart_and_sources(tmp_path):
    paths = explore.metric_view("cm_casualties_total").export(tmp_path)
    assert {p.suffix for p in paths.values()} == {".csv", ".png", ".svg"}
    assert all(p.exists() and p.stat().st_size > 0 for p in paths.values())


def test_find_metrics_and_timeline_name_the_rows():
    assert explore.find("retained mines")["code"].tolist()[0] == "retained_mines_total"
    assert "KHM" in set(explore.find("cambodia")["code"])
    assert explore.metrics().set_index("metric").loc["cm_casualties_total", "name"] == "Cluster munition casualties"
    angola = explore.timeline("Angola")
    assert date(2002, 7, 5) in set(angola.loc[angola["what"] == "deposit", "date"])
    with pytest.raises(icbl_analysis.DataError, match="unknown country or area"):
        explore.timeline("Atlantis")


def test_diff_writes_the_memo_with_both_values_and_both_sources(tmp_path, capsys):
    out = tmp_path / "outputs"
    assert cli.main(["diff", "--from", "LM2015", "--to", "LM2016", "--out", str(out)]) == 0
    assert "Landmine Monitor 2016 revised 5 of the figures" in capsys.readouterr().out  # funding 2014: 610.4, 610.8
    memo = (out / "changes" / "LM2015-LM2016.md").read_text(encoding="utf-8")
    line = next(x for x in memo.splitlines() if x.startswith("| Mine/ERW casualties | World | 2014 |"))
    assert "| 3,678 | 3,695 | \\+17 |" in line
    assert "landmine-monitor-2015/casualties-and-victim-assistance" in line
    assert "landmine-monitor-2016/casualties-and-victim-assistance" in line
    html = (out / "changes" / "LM2015-LM2016.html").read_text(encoding="utf-8")
    assert html.count("landmine-monitor-2016/casualties-and-victim-assistance") >= 1 and "<script" not in html
    assert (  # only status changes count as ratings that change; the 2011 baseline is labelled with its vintage
        "| 2015 | G3.C01 Mine/ERW casualties | no data found: 4,474 \\(as revised in Landmine Monitor 2013\\) to no "
        "data | off track: 4,474 \\(as revised in Landmine Monitor 2013\\) to 6,461 |" in memo
    )
    assert "3 ratings of the plan years change status" in memo and "3 more keep their status" in memo

    (out / "changes" / "LM2015-LM2016.md").write_text("my notes", encoding="utf-8")
    assert cli.main(["diff", "--from", "LM2015", "--to", "LM2016", "--out", str(out)]) == 0
    kept = list((out / "archive" / "changes").glob("LM2015-LM2016-*.md"))
    assert [p.read_text(encoding="utf-8") for p in kept] == ["my notes"]  # an edited memo is kept, not overwritten

    assert cli.main(["diff", "--out", str(out)]) == 0  # no editions named: the two reporting on 2015
    assert (out / "changes" / "LM2015-LM2016.html").exists() and not (out / "changes" / "LM2024-LM2025.html").exists()
    assert cli.main(["diff", "--year", "2013", "--cmm", "--out", str(out)]) == 0
    assert (out / "changes" / "CMM2013-CMM2014.html").exists()
    assert cli.main(["diff", "--to", "CMM2016", "--out", str(out)]) == 0
    assert (out / "changes" / "CMM2015-CMM2016.md").exists()


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--from", "LM2016", "--to", "LM2015"], "the newer edition must come after LM2016"),
        (["--from", "LM2015", "--to", "CMM2016"], "same Monitor"),
        (["--from", "LM2030", "--to", "LM2031"], "no figures of this edition"),
        (["--to", "LM1999"], "no edition to compare it with"),
        (["--from", "Monitor2015"], "an edition looks like"),
    ],
)
def test_diff_refuses_a_bad_pair_in_one_line(tmp_path, capsys, argv, words):
    assert cli.main(["diff", *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
