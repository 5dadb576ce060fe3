"""Bad input, one case per row: what is fed, the exit code expected, the words the message must hold.

Every case runs through the command line as a researcher would; none may end in a traceback, and a
refused run writes nothing.
"""

# ruff: noqa: E501 - the cases are a table, one row per case, easier to read unwrapped

from __future__ import annotations

import os
from pathlib import Path

import pytest

from icbl_analysis import cli

FACTS = "metric,period,place,value,unit,qualifier,edition,as_of,source_url,quote,note\n"
OK = "https://example.org/source"


def fact(metric="casualties_total", period="2015", place="WLD", value="5000", unit="casualties", qualifier="",
         edition="LM2016", url=OK, quote="a quote") -> str:  # fmt: skip
    return f"{metric},{period},{place},{value},{unit},{qualifier},{edition},,{url},{quote},\n"


EVENTS = "iso3,state,treaty,event,instrument,date,quoted_entry_into_force,source_url,quote,note\n"
CLEARANCE = "iso3,state,treaty,event,date,deadline,meeting,source_url,quote,note\n"
STOCKPILE = "iso3,state,treaty,event,date,quantity,unit,deadline,source_url,quote,note\n"
RETAINED = "iso3,state,year,quantity,qualifier,edition,source_url,quote,note\n"
RESEARCHER = "indicator_id,year,value,unit,source,note\n"
METRICS = "metric,unit,places,meaning\n"
USE = "edition,period,weapon,actor_type,place,actor,confirmed,source_url,quote,note\n"

# (case, files of the researcher's folder {name: text or bytes}, expected exit code, words in the message)
FOLDER_CASES = [
    ("negative value", {"monitor_facts.csv": FACTS + fact(value="-5")}, 1, "must be at least 0"),
    ("NaN", {"monitor_facts.csv": FACTS + fact(value="nan")}, 1, "not a finite number"),
    ("infinity", {"monitor_facts.csv": FACTS + fact(value="inf")}, 1, "not a finite number"),
    (
        "percent above 100",
        {"monitor_facts.csv": FACTS + fact("article7_reporting_rate", unit="percent", value="140")},
        1,
        "above the most a percent figure can be (100)",
    ),
    ("half a casualty", {"monitor_facts.csv": FACTS + fact(value="12.5")}, 1, "counted in whole numbers"),
    ("period 0000", {"monitor_facts.csv": FACTS + fact(period="0000")}, 1, "a period must lie between 1997"),
    (
        "reversed range",
        {"monitor_facts.csv": FACTS + fact("use_nsag_apm", period="2015-2012", unit="states_and_areas", value="4")},
        1,
        "from the earlier year to the later",
    ),
    ("future period", {"monitor_facts.csv": FACTS + fact(period="2099")}, 1, "a period must lie between 1997"),
    ("future edition", {"monitor_facts.csv": FACTS + fact(edition="LM2099")}, 1, "no such edition"),
    ("edition before the first", {"monitor_facts.csv": FACTS + fact(edition="LM1998")}, 1, "no such edition"),
    (
        "CMM before 2010",
        {"monitor_facts.csv": FACTS + fact("cm_casualties_total", edition="CMM2009")},
        1,
        "no such edition",
    ),
    ("misspelt edition", {"monitor_facts.csv": FACTS + fact(edition="Monitor2015")}, 1, "edition"),
    ("misspelt metric", {"monitor_facts.csv": FACTS + fact("casualties_totl")}, 1, "did you mean casualties_total"),
    ("wrong unit", {"monitor_facts.csv": FACTS + fact(unit="km2")}, 1, "casualties_total is counted in casualties"),
    ("unknown unit", {"monitor_facts.csv": FACTS + fact(unit="people")}, 1, "unit"),
    (
        "world metric at a country",
        {"monitor_facts.csv": FACTS + fact("funding_total", place="KHM", unit="USD_million", value="5")},
        1,
        "needs place WLD",
    ),
    (
        "country metric at WLD",
        {"monitor_facts.csv": FACTS + fact("funding_by_donor", unit="USD_million", value="5")},
        1,
        "needs place a country",
    ),
    ("unknown country name", {"monitor_facts.csv": FACTS + fact(place="Atlantis")}, 1, "unknown country or area"),
    ("unknown country code", {"monitor_facts.csv": FACTS + fact(place="XYZ")}, 1, "unknown country or area"),
    (
        "qualifier not allowed",
        {"monitor_facts.csv": FACTS + fact(qualifier="approximately")},
        1,
        "not one of the allowed values",
    ),
    ("missing source", {"monitor_facts.csv": FACTS + fact(url="")}, 1, "source_url"),
    (
        "script as source",
        {"monitor_facts.csv": FACTS + fact(url="javascript:alert(1)")},
        1,
        "a source must be a web address starting with http:// or https://",
    ),
    ("missing quote", {"monitor_facts.csv": FACTS + fact(quote="")}, 1, "quote"),
    (
        "unclosed quote",
        {"monitor_facts.csv": FACTS + 'casualties_total,2015,WLD,5,casualties,,LM2016,,https://x.org,"unclosed\n'},
        1,
        "malformed CSV",
    ),
    (
        "missing required column",
        {
            "monitor_facts.csv": FACTS.replace("value,", "")
            + "casualties_total,2015,WLD,casualties,,LM2016,,https://x.org,q,\n"
        },
        1,
        "missing required column",
    ),
    (
        "unknown column",
        {"monitor_facts.csv": FACTS.strip() + ",colour\n" + fact().strip() + ",red\n"},
        1,
        "unknown column",
    ),
    ("extra cell", {"monitor_facts.csv": FACTS + fact().strip() + ",surplus\n"}, 1, "cells"),
    ("empty file", {"monitor_facts.csv": ""}, 1, "empty"),
    ("NUL byte", {"monitor_facts.csv": (FACTS + fact()).encode() + b"\x00\n"}, 1, "NUL byte"),
    ("Latin-1 file", {"monitor_facts.csv": (FACTS + fact(quote="Côte d'Ivoire")).encode("latin-1")}, 1, "CSV UTF-8"),
    (
        "contradicts a bundled figure",
        {
            "monitor_facts.csv": FACTS
            + fact(
                period="2013",
                edition="LM2014",
                value="9999",
                url="http://the-monitor.org/en-gb/reports/2014/landmine-monitor-2014/casualties-and-victim-assistance.aspx",
            )
        },
        1,
        "contradicts the bundled data",
    ),
    ("duplicate row", {"monitor_facts.csv": FACTS + fact() + fact()}, 1, "duplicate"),
    (
        "bad treaty date",
        {"treaty_events.csv": EVENTS + "KHM,Cambodia,MBT,deposit,ratification,28/07/1999,,https://x.org,q,\n"},
        1,
        "expected a date YYYY-MM-DD",
    ),
    (
        "deposit dated otherwise",
        {"treaty_events.csv": EVENTS + "KHM,Cambodia,MBT,deposit,ratification,1999-07-20,,https://x.org,q,\n"},
        1,
        "contradicts the bundled data, which dates the MBT deposit of KHM",
    ),
    (
        "unknown treaty",
        {"treaty_events.csv": EVENTS + "KHM,Cambodia,APMBC,deposit,ratification,1999-07-28,,https://x.org,q,\n"},
        1,
        "not one of the allowed values",
    ),
    (
        "unknown event",
        {"treaty_events.csv": EVENTS + "KHM,Cambodia,MBT,joined,,1999-07-28,,https://x.org,q,\n"},
        1,
        "not one of the allowed values",
    ),
    (
        "bad clearance date",
        {"clearance_events.csv": CLEARANCE + "KHM,Cambodia,MBT,extension_granted,2012/05,,,https://x.org,q,\n"},
        1,
        "write a date as YYYY-MM-DD, or YYYY-MM or YYYY",
    ),
    (
        "negative stockpile",
        {"stockpile_events.csv": STOCKPILE + "GRC,Greece,MBT,remaining_stockpile,2015,-3,mines,,https://x.org,q,\n"},
        1,
        "must be at least 0",
    ),
    (
        "retained year out of range",
        {"retained_mines.csv": RETAINED + "KHM,Cambodia,2099,10,,,https://x.org,q,\n"},
        1,
        "must be at most 2030",
    ),
    (
        "indicator changes unit",
        {"researcher_indicators.csv": RESEARCHER + "G4.I03,2011,100,visits,web,\nG4.I03,2015,5,percent,web,\n"},
        1,
        "G4.I03 is counted in visits",  # the catalogue's unit, said first (then: one indicator keeps one unit)
    ),
    (
        "unknown indicator pattern",
        {"researcher_indicators.csv": RESEARCHER + "G9.I99,2011,100,visits,web,\n"},
        1,
        "write an indicator as in data/indicators.csv",
    ),
    (
        "indicator not in the plan",
        {"researcher_indicators.csv": RESEARCHER + "G1.I99,2011,100,visits,web,\n"},
        1,
        "not found in indicators.csv",
    ),
    (
        "researcher NaN",
        {"researcher_indicators.csv": RESEARCHER + "G4.I03,2011,nan,visits,web,\n"},
        1,
        "not a finite number",
    ),
    ("rewrites the plan", {"indicators.csv": "id,goal\nG1.I01,1\n"}, 1, "may not replace this table"),
    ("misnamed file", {"monitor_fact.csv": FACTS + fact()}, 1, "did you mean monitor_facts.csv"),
    ("bad metric unit", {"metrics.csv": METRICS + "va_people,people,world,People reached\n"}, 1, "unit"),
    (
        "bad weapon",
        {"use_reports.csv": USE + "LM2016,2015-2016,landmines,government,SYR,Syria,confirmed,https://x.org,q,\n"},
        1,
        "not one of the allowed values",
    ),
    ("empty folder", {}, 1, "no table of the data package"),
    # what a spreadsheet does to a table
    (
        "semicolons",
        {"monitor_facts.csv": FACTS.replace(",", ";") + fact().replace(",", ";")},
        1,
        "separated by semicolons",
    ),
    ("tabs", {"monitor_facts.csv": FACTS.replace(",", "\t") + fact().replace(",", "\t")}, 1, "separated by tabs"),
    ("thousands separator", {"monitor_facts.csv": FACTS + fact(value='"3,308"')}, 1, "without thousands separators"),
    (
        "percent sign",
        {"monitor_facts.csv": FACTS + fact("article7_reporting_rate", unit="percent", value="45%")},
        1,
        "without the % sign",
    ),
    (
        "a workbook beside the tables",
        {"monitor_facts.xlsx": b"PK\x03\x04workbook"},
        1,
        "save it as 'CSV UTF-8' named monitor_facts.csv",
    ),
    ("edition in lower case", {"monitor_facts.csv": FACTS + fact(edition="lm2016")}, 1, "write an edition as LM2015"),
    ("UTF-16 export", {"monitor_facts.csv": (FACTS + fact()).encode("utf-16")}, 1, "UTF-16 text, not UTF-8"),
    ("misspelt country", {"monitor_facts.csv": FACTS + fact(place="Cambodja")}, 1, "did you mean Cambodia (KHM)?"),
]
ACCEPTED = [
    ("a UTF-8 byte-order mark", {"monitor_facts.csv": "\ufeff" + FACTS + fact(period="2025", edition="LM2026", value="7")}),
    ("a bundled row restated", {"monitor_facts.csv": FACTS + "casualties_total,2013,WLD,3308,casualties,,LM2014,,http://the-monitor.org/en-gb/reports/2014/landmine-monitor-2014/casualties-and-victim-assistance.aspx,restated,\n"}),
    ("names where codes are expected", {"monitor_facts.csv": FACTS + fact("casualties_total", place="Lao PDR", period="2025", edition="LM2026", value="41")}),
    ("a new metric of one's own", {"metrics.csv": METRICS + "va_people_reached,casualties,country,People reached\n",
                                   "monitor_facts.csv": FACTS + fact("va_people_reached", place="KHM", value="120")}),
    ("a name with a typographic apostrophe", {"monitor_facts.csv": FACTS + fact("casualties_total", place="Côte d’Ivoire", period="2025", edition="LM2026", value="3")}),
]  # fmt: skip


def write_folder(root: Path, files: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def run(argv, capsys) -> tuple[int, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


@pytest.mark.parametrize("case, files, code, words", FOLDER_CASES, ids=[c[0] for c in FOLDER_CASES])
def test_a_bad_researcher_folder_is_refused_the_same_way_everywhere(tmp_path, capsys, case, files, code, words):
    folder = write_folder(tmp_path / "mine", files)
    got, text = run(["validate", folder, "--partial"], capsys)
    assert (got, words in text) == (code, True), text
    out = tmp_path / "out"
    got, text = run(
        ["annual", "--user-data", folder, "--out", out, "--notebooks", "goal4", "--quiet", "--no-pdf"], capsys
    )
    assert (got, words in text) == (2, True), text  # refused before any kernel starts
    assert not out.exists()  # nothing written


@pytest.mark.parametrize("case, files", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_what_a_researcher_may_write(tmp_path, capsys, case, files):
    folder = write_folder(tmp_path / "mine", files)
    assert run(["validate", folder, "--partial"], capsys)[0] == 0


def test_links_and_files_out_of_place(tmp_path, capsys):
    outside = write_folder(tmp_path / "elsewhere", {"monitor_facts.csv": FACTS + fact()})
    mine = write_folder(tmp_path / "mine", {})
    (mine / "monitor_facts.csv").symlink_to(outside / "monitor_facts.csv")
    code, text = run(["validate", mine, "--partial"], capsys)
    assert code == 1 and "outside the folder" in text
    (mine / "monitor_facts.csv").unlink()
    (mine / "monitor_facts.csv").symlink_to(tmp_path / "gone.csv")
    code, text = run(["validate", mine, "--partial"], capsys)
    assert code == 1 and "does not exist" in text
    afile = tmp_path / "a_file"
    afile.write_text("x")
    assert run(["validate", afile, "--partial"], capsys)[0] == 1
    assert run(["validate", tmp_path / "missing"], capsys)[0] == 1


@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "a_file.txt"
    path.write_text("not a folder")
    return path


PARAMETER_CASES = [
    (["annual", "--year", "2099"], 2, "review_year"),
    (["annual", "--year", "1990"], 2, "must be a year from 1997"),
    (["annual", "--vintage", "LM2030"], 2, "no Monitor edition after"),
    (["annual", "--vintage", "latestt"], 2, "vintage must be"),
    (["annual", "--year", "2015", "--baseline", "2016"], 2, "baseline year must not be after"),
    (["annual", "--jobs", "-3"], 2, "at least 1"),
    (["annual", "--jobs", "0"], 2, "at least 1"),
    (["annual", "--jobs", "two"], 2, "at least 1"),
    (["annual", "--notebooks", "goal9"], 2, "unknown notebook"),
    (["annual", "--data", "/nonexistent/folder"], 2, "does not exist"),
    (["annual", "--out", "{file}"], 2, "is a file"),
    (["annual", "--out", "{file}/reviews"], 2, "option --out, value '{file}/reviews': cannot write there"),
    (["profiles", "--countries", ""], 2, "name at least one country"),
    (["profiles", "--countries", "Atlantis"], 2, "unknown country or area"),
    (["profiles", "--countries", "KHM", "--year", "2099"], 2, "review_year"),
    (["params", "/etc/passwd"], 2, "not a readable notebook"),
    (["params", "nothing"], 2, "no such notebook"),
    (["coverage", "--csv", "/nonexistent/folder/x.csv"], 2, "its folder does not exist"),
    (["coverage", "--csv", "{file}"], 2, "the file exists"),
    (["coverage", "--from", "2016", "--to", "2015"], 2, "baseline year must not be after"),
    (["templates", "{file}"], 2, "is a file"),
    (["states-parties", "--on", "31/12/2015"], 2, "expected a date"),
    (["states-parties", "--treaty", "XYZ", "--on", "2015-12-31"], 2, "invalid choice"),
    (["reconcile", "--data", "/nonexistent/folder"], 2, "does not exist"),
    (["validate", "--partial", "{file}"], 1, "not a folder"),
]


@pytest.mark.parametrize("argv, code, words", PARAMETER_CASES, ids=[" ".join(c[0]) for c in PARAMETER_CASES])
def test_a_bad_parameter_gets_one_line(tmp_path, capsys, a_file, argv, code, words):
    out = tmp_path / "out"
    argv = [a.replace("{file}", str(a_file)) for a in argv]
    words = words.replace("{file}", str(a_file))
    if argv[0] in ("annual", "profiles") and "--out" not in argv:
        argv += ["--out", str(out), "--no-pdf", "--quiet"]
    try:
        got, text = run(argv, capsys)
    except SystemExit as exc:  # argparse refuses the type before main() runs
        got = exc.code
        text = capsys.readouterr().err
    assert (got, words in text) == (code, True), text
    assert not out.exists() or not any(p.name[0].isdigit() for p in out.iterdir())


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere: an unwritable folder cannot be made")
def test_an_unwritable_out_folder(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, text = run(["annual", "--out", locked / "x", "--no-pdf", "--quiet"], capsys)
    assert code == 2 and "cannot write there" in text
