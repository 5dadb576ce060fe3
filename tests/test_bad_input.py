"""Bad input, one case per row: what is fed, the exit code expected, the words the message must hold.

Every case runs through the command line as a researcher would; none may end in a traceback, and a
refused run writes nothing.
"""

# ruff: noqa: E501 - the cases are a table, one row per case, easier to read unwrapped

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from icbl_analysis import cli
from icbl_analysis.core.paths import REPO_DIR

FACTS = "metric,period,place,value,unit,qualifier,edition,as_of,source_url,quote,note\n"
OK = "https://example.org/source"


def fact(metric="casualties_total", period="2015", place="WLD", value="5000", unit="casualties", qualifier="",
         edition="LM2016", url=OK, quote="a quote", as_of="", note="") -> str:  # fmt: skip
    return f"{metric},{period},{place},{value},{unit},{qualifier},{edition},{as_of},{url},{quote},{note}\n"


EVENTS = "iso3,state,treaty,event,instrument,date,quoted_entry_into_force,source_url,quote,note\n"
CLEARANCE = "iso3,state,treaty,event,date,deadline,meeting,source_url,quote,note\n"
STOCKPILE = "iso3,state,treaty,event,date,quantity,unit,deadline,source_url,quote,note\n"
RETAINED = "iso3,state,year,quantity,qualifier,edition,source_url,quote,note\n"
RESEARCHER = "indicator_id,year,value,unit,source,note\n"
METRICS = "metric,unit,places,meaning\n"
USE = "edition,period,weapon,actor_type,place,actor,confirmed,source_url,quote,note\n"

TODAY = date.today()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()
FIFO, FOLDER = "<a named pipe>", "<a folder>"  # not files: made by write_folder


class Link(str):
    """A symbolic link to this name, in the same folder."""


# (case, files of the researcher's folder {name: text or bytes, FIFO, FOLDER or Link}, expected exit code,
# words the message must hold: from round 3 on, the file, row, column and value exactly)
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
    # round 3 (issue 23): each names file, row, column and value exactly
    ("the World joins a treaty", {"treaty_events.csv": EVENTS + "WLD,World,MBT,deposit,accession,2013-05-01,,https://x.org,q,\n"}, 1,
     "mine/treaty_events.csv, row 2, column 'iso3', value 'WLD': WLD is the world as a whole in data/countries.csv: only a state can join a treaty"),
    ("the European Union joins a treaty", {"treaty_events.csv": EVENTS + "EUU,European Union,CCM,deposit,accession,2013-05-01,,https://x.org,q,\n"}, 1,
     "mine/treaty_events.csv, row 2, column 'iso3', value 'EUU': EUU is an organisation in data/countries.csv: only a state can join a treaty"),
    ("Gibraltar joins a treaty", {"treaty_events.csv": EVENTS + "GIB,Gibraltar,MBT,deposit,accession,2013-05-01,,https://x.org,q,\n"}, 1,
     "mine/treaty_events.csv, row 2, column 'iso3', value 'GIB': GIB is a territory in data/countries.csv: only a state can join a treaty"),
    ("a name of a place that cannot join", {"treaty_events.csv": EVENTS + "European Union,European Union,MBT,signature,,2013-05-01,,https://x.org,q,\n"}, 1,
     "mine/treaty_events.csv, row 2, column 'iso3', value 'EUU': EUU is an organisation in data/countries.csv"),
    ("the European Union clears mines", {"clearance_events.csv": CLEARANCE + "EUU,European Union,MBT,completion_declared,2015-06-01,,,https://x.org,q,\n"}, 1,
     "mine/clearance_events.csv, row 2, column 'iso3', value 'EUU': EUU is an organisation in data/countries.csv: only a state can be party"),
    ("the World destroys a stockpile", {"stockpile_events.csv": STOCKPILE + "WLD,World,MBT,destruction_completed,2015,,,,https://x.org,q,\n"}, 1,
     "mine/stockpile_events.csv, row 2, column 'iso3', value 'WLD': WLD is the world as a whole in data/countries.csv"),
    ("Gibraltar retains mines", {"retained_mines.csv": RETAINED + "GIB,Gibraltar,2015,10,,,https://x.org,q,\n"}, 1,
     "mine/retained_mines.csv, row 2, column 'iso3', value 'GIB': GIB is a territory in data/countries.csv"),
    ("use reported in the World", {"use_reports.csv": USE + "LM2016,2015-2016,apm,government,WLD,World,confirmed,https://x.org,q,\n"}, 1,
     "mine/use_reports.csv, row 2, column 'place', value 'WLD': WLD is the world as a whole in data/countries.csv: use happens in a state or an area"),
    ("30 February", {"clearance_events.csv": CLEARANCE + "KHM,Cambodia,MBT,extension_granted,2015-02-30,2020-01-01,,https://x.org,q,\n"}, 1,
     "mine/clearance_events.csv, row 2, column 'date', value '2015-02-30': no such day: February 2015 has 28 days"),
    ("month 13", {"clearance_events.csv": CLEARANCE + "KHM,Cambodia,MBT,extension_granted,2015-13,2020-01-01,,https://x.org,q,\n"}, 1,
     "mine/clearance_events.csv, row 2, column 'date', value '2015-13': no such month"),
    ("29 February of a common year as a deadline", {"stockpile_events.csv": STOCKPILE + "GRC,Greece,MBT,extension_granted,2013,,,2015-02-29,https://x.org,q,\n"}, 1,
     "mine/stockpile_events.csv, row 2, column 'deadline', value '2015-02-29': no such day: February 2015 has 28 days"),
    ("a figure as of 30 February", {"monitor_facts.csv": FACTS + fact(period="2014", edition="", as_of="2015-02-30", place="KHM", value="3")}, 1,
     "mine/monitor_facts.csv, row 2, column 'as_of', value '2015-02-30': no such day"),
    ("a deposit on 30 February", {"treaty_events.csv": EVENTS + "USA,United States,CCM,deposit,ratification,2015-02-30,,https://x.org,q,\n"}, 1,
     "mine/treaty_events.csv, row 2, column 'date', value '2015-02-30': no such day: February 2015 has 28 days"),
    ("a deposit tomorrow", {"treaty_events.csv": EVENTS + f"USA,United States,CCM,deposit,ratification,{TOMORROW},,https://x.org,q,\n"}, 1,
     f"mine/treaty_events.csv, row 2, column 'date', value '{TOMORROW}': a date after today"),
    ("a deposit in 2031", {"treaty_events.csv": EVENTS + "USA,United States,CCM,deposit,ratification,2031-12-31,,https://x.org,q,\n"}, 1,
     "mine/treaty_events.csv, row 2, column 'date', value '2031-12-31': a date after today"),
    ("a completion declared next year", {"clearance_events.csv": CLEARANCE + f"KHM,Cambodia,MBT,completion_declared,{TODAY.year + 1},,,https://x.org,q,\n"}, 1,
     f"mine/clearance_events.csv, row 2, column 'date', value '{TODAY.year + 1}': a date after today"),
    ("a figure as of tomorrow", {"monitor_facts.csv": FACTS + fact(period="2014", edition="", as_of=TOMORROW, place="KHM", value="3")}, 1,
     f"mine/monitor_facts.csv, row 2, column 'as_of', value '{TOMORROW}': a date after today"),
    ("visits counted for next year", {"researcher_indicators.csv": RESEARCHER + f"G4.I03,{TODAY.year + 1},100,visits,web,\n"}, 1,
     f"mine/researcher_indicators.csv, row 2, column 'year', value {TODAY.year + 1}: "
     + (f"a year must lie between 1997 and {TODAY.year}" if TODAY.year < 2030 else "must be at most 2030")),
    ("mines retained as reported by an edition to come", {"retained_mines.csv": RETAINED + "KHM,Cambodia,2015,10,,LM2099,https://x.org,q,\n"}, 1,
     "mine/retained_mines.csv, row 2, column 'edition', value 'LM2099': no such edition"),
    ("use reported for a period to come", {"use_reports.csv": USE + "LM2016,2015-2099,apm,government,SYR,Syria,confirmed,https://x.org,q,\n"}, 1,
     "mine/use_reports.csv, row 2, column 'period', value '2015-2099': a period must lie between 1997 and"),
    ("1e30 casualties in one country", {"monitor_facts.csv": FACTS + fact(place="KHM", period="2025", edition="LM2026", value="1e30")}, 1,
     "mine/monitor_facts.csv, row 2, column 'value', value 1e+30: above the most a casualties figure can be (1,000,000)"),
    ("1e30 website visits", {"researcher_indicators.csv": RESEARCHER + "G4.I03,2012,1e30,visits,web,\n"}, 1,
     "mine/researcher_indicators.csv, row 2, column 'value', value 1e+30: above the most a visits figure can be (10,000,000,000)"),
    ("visits given in percent", {"researcher_indicators.csv": RESEARCHER + "G4.I03,2012,40,percent,web,\n"}, 1,
     "mine/researcher_indicators.csv, row 2, column 'unit', value 'percent': G4.I03 is counted in visits"),
    ("a yes or no answered 7", {"researcher_indicators.csv": RESEARCHER + "G4.I04,2012,7,yes_no,finance,\n"}, 1,
     "mine/researcher_indicators.csv, row 2, column 'value', value 7: above the most a yes_no figure can be (1)"),
    ("US$ thousands past a hundred billion", {"researcher_indicators.csv": RESEARCHER + "G4.I13,2012,1e12,USD_thousand,finance,\n"}, 1,
     "mine/researcher_indicators.csv, row 2, column 'value', value 1000000000000: above the most a USD_thousand figure can be (100,000,000)"),
    ("a stockpile of 10^12 mines", {"stockpile_events.csv": STOCKPILE + "GRC,Greece,MBT,remaining_stockpile,2015,1000000000000,mines,,https://x.org,q,\n"}, 1,
     "mine/stockpile_events.csv, row 2, column 'quantity', value 1000000000000: above the most a mines figure can be (1,000,000,000)"),
    ("a stockpile of 10^30 mines", {"stockpile_events.csv": STOCKPILE + "GRC,Greece,MBT,remaining_stockpile,2015," + "1" + "0" * 30 + ",mines,,https://x.org,q,\n"}, 1,
     "mine/stockpile_events.csv, row 2, column 'quantity', value '1" + "0" * 30 + "': a whole number too large for any count"),
    ("99 billion mines retained", {"retained_mines.csv": RETAINED + "KHM,Cambodia,2015,99000000000,,,https://x.org,q,\n"}, 1,
     "mine/retained_mines.csv, row 2, column 'quantity', value 99000000000: above the most a mines figure can be"),
    ("one figure, two sources, 5 and 500", {"monitor_facts.csv": FACTS + fact(place="KHM", period="2025", edition="LM2026", value="5", url="https://x.org/a") + fact(place="KHM", period="2025", edition="LM2026", value="500", url="https://x.org/b")}, 1,
     "mine/monitor_facts.csv, row 3, column 'value', value 500: row 2 gives 5 for the same figure (casualties_total, 2025, KHM, LM2026) from another source"),
    ("one stock, two sources", {"retained_mines.csv": RETAINED + "KHM,Cambodia,2025,10,,LM2026,https://x.org/a,q,\nKHM,Cambodia,2025,100,,LM2026,https://x.org/b,q,\n"}, 1,
     "mine/retained_mines.csv, row 3, column 'quantity', value 100: row 2 gives 10 for the same figure (KHM, 2025, LM2026)"),
    ("a bundled metric redefined", {"metrics.csv": METRICS + "casualties_total,km2,world,redefined\n"}, 1,
     "mine/metrics.csv, row 2, column 'unit', value 'km2': contradicts the bundled data, which has casualties for metric=casualties_total"),
    ("a table named in capitals", {"monitor_facts.CSV": FACTS + fact(place="KHM", period="2025", edition="LM2026", value="5")}, 1,
     "mine/monitor_facts.CSV: tables are read by their exact names: rename it monitor_facts.csv"),
    ("a table named in mixed case", {"Treaty_Events.csv": EVENTS}, 1, "mine/Treaty_Events.csv: tables are read by their exact names: rename it treaty_events.csv"),
    ("a named pipe", {"monitor_facts.csv": FIFO}, 1, "mine/monitor_facts.csv: not a regular file"),
    ("a folder named like a table", {"monitor_facts.csv": FOLDER}, 1, "mine/monitor_facts.csv: not a regular file"),
    ("a symlink loop", {"monitor_facts.csv": Link("monitor_facts.csv")}, 1, "mine/monitor_facts.csv: a link that leads back to itself (a symlink loop)"),
    ("two links in a loop", {"monitor_facts.csv": Link("treaty_events.csv"), "treaty_events.csv": Link("monitor_facts.csv")}, 1,
     "mine/treaty_events.csv: a link that leads back to itself (a symlink loop)"),
    ("a tab in a web address", {"monitor_facts.csv": FACTS + fact(url="https://example.org/<img\tsrc=x\tonerror=alert(1)>", place="KHM", period="2025", edition="LM2026")}, 1,
     "row 2, column 'source_url', value 'https://example.org/<img\\tsrc=x\\tonerror=alert(1)>': a web address cannot hold spaces"),
    ("a web address over three lines", {"monitor_facts.csv": FACTS + fact(url='"https://example.org/a\n# Heading\n1. item"', place="KHM", period="2025", edition="LM2026")}, 1,
     "row 2, column 'source_url', value 'https://example.org/a\\n# Heading\\n1. item': a web address cannot hold"),

]
ACCEPTED = [
    ("a UTF-8 byte-order mark", {"monitor_facts.csv": "\ufeff" + FACTS + fact(period="2025", edition="LM2026", value="7")}),
    ("a bundled row restated", {"monitor_facts.csv": FACTS + "casualties_total,2013,WLD,3308,casualties,,LM2014,,http://the-monitor.org/en-gb/reports/2014/landmine-monitor-2014/casualties-and-victim-assistance.aspx,restated,\n"}),
    ("names where codes are expected", {"monitor_facts.csv": FACTS + fact("casualties_total", place="Lao PDR", period="2025", edition="LM2026", value="41")}),
    ("a new metric of one's own", {"metrics.csv": METRICS + "va_people_reached,casualties,country,People reached\n",
                                   "monitor_facts.csv": FACTS + fact("va_people_reached", place="KHM", value="120")}),
    ("a name with a typographic apostrophe", {"monitor_facts.csv": FACTS + fact("casualties_total", place="Côte d’Ivoire", period="2025", edition="LM2026", value="3")}),
    # round 3 (issue 23)
    ("Excel's lock file beside the table", {"monitor_facts.csv": FACTS + fact(place="KHM", period="2025", edition="LM2026", value="5"), "~$monitor_facts.xlsx": b"lock"}),
    ("two sources' values, each with a note", {"monitor_facts.csv": FACTS + fact(place="KHM", period="2025", edition="LM2026", value="5", url="https://x.org/a", note="press release; the report says 500")
                                               + fact(place="KHM", period="2025", edition="LM2026", value="500", url="https://x.org/b", note="the report; the press release says 5")}),
    ("a month without a day", {"clearance_events.csv": CLEARANCE + "KHM,Cambodia,MBT,residual_contamination_reported,2015-02,,,https://x.org,q,\n"}),
    ("29 February of a leap year", {"clearance_events.csv": CLEARANCE + "KHM,Cambodia,MBT,residual_contamination_reported,2016-02-29,,,https://x.org,q,\n"}),
    ("a deadline after today", {"clearance_events.csv": CLEARANCE + "KHM,Cambodia,MBT,extension_granted,2025-11-30,2099-12-31,,https://x.org,q,\n"}),
    ("a state joins today", {"treaty_events.csv": EVENTS + f"USA,United States,CCM,deposit,ratification,{TODAY.isoformat()},,https://x.org,q,\n"}),
    ("a quote over three lines with markup", {"monitor_facts.csv": FACTS + fact(place="KHM", period="2025", edition="LM2026", value="5", quote='"line one\n# Heading\n1. <img\tsrc=x\tonerror=alert(1)>"')}),
]  # fmt: skip


def write_folder(root: Path, files: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            path.symlink_to(content)
        elif content is FIFO:
            os.mkfifo(path)
        elif content is FOLDER:
            path.mkdir()
        else:
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


def test_a_researchers_folder_checked_without_partial_is_taken_as_one(tmp_path, capsys):
    """`validate my_folder` on the folder `templates` wrote once listed 12 reference tables 'not found'."""
    mine = tmp_path / "mine"
    assert cli.main(["templates", str(mine)]) == 0
    (mine / "researcher_indicators.csv").write_bytes(
        "\ufeffindicator_id,year,value,unit,source,note\r\nG4.I03,2012,1500,visits,web stats,\r\n".encode()
    )  # as Excel's 'CSV UTF-8' saves it: a byte-order mark, CRLF
    capsys.readouterr()
    code, text = run(["validate", mine], capsys)
    assert code == 0 and "not found" not in text
    assert "holds none of the reference tables" in text and "checked as a researcher's folder" in text
    (mine / "researcher_indicators.csv").write_text(
        "indicator_id,year,value,unit,source,note\nG4.I03,2012,1.5,visits,web stats,\n", encoding="utf-8"
    )
    code, text = run(["validate", mine], capsys)
    assert code == 1 and "researcher_indicators.csv, row 2, column 'value', value 1.5" in text
    assert "(if 1.500 was written with a point between thousands, write 1500)" in text  # a European "1.500"


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
    (["annual", "--year", "2099"], 2, "option --year, value 2099: must be a year from 1997 to"),
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
    (["profiles", "--countries", "KHM", "--year", "2099"], 2, "option --year, value 2099: must be a year"),
    (["annual", "--baseline", "1990"], 2, "option --baseline, value 1990: must be a year from 1997"),
    (["coverage", "--to", "2099"], 2, "option --to, value 2099: must be a year"),
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
    # round 3 (issue 23): folders that are not ours, places that are not states, days that do not exist
    (["annual", "--out", ""], 2, "argument --out: an empty name (an unset variable in a script?)"),
    (["annual", "--out", " "], 2, "argument --out: an empty name"),
    (["annual", "--out", "/"], 2, "option --out, value '/': a run writes a folder per year into the outputs folder"),
    (["annual", "--out", "~"], 2, "option --out, value '{home}': a run writes a folder per year"),
    (["annual", "--out", "{repo}"], 2, "option --out, value '{repo}': a run writes a folder per year"),
    (["annual", "--out", "{repo}/data"], 2, "option --out, value '{repo}/data': inside the suite's own data/ folder"),
    (["annual", "--out", "{repo}/icbl_analysis/x"], 2, "inside the suite's own icbl_analysis/ folder"),
    (["annual", "--data", ""], 2, "argument --data: an empty name"),
    (["annual", "--user-data", ""], 2, "argument --user-data: an empty name"),
    (["profiles", "--countries", "KHM", "--out", ""], 2, "argument --out: an empty name"),
    (["profiles", "--countries", "KHM", "--out", "/"], 2, "option --out, value '/': a run writes a folder per year"),
    (["profiles", "--countries", "World"], 2, "option --countries, value 'World': WLD is the world as a whole in data/countries.csv"),
    (["profiles", "--countries", "EUU"], 2, "option --countries, value 'EUU': EUU is an organisation"),
    (["profiles", "--countries", "KHM,Gibraltar"], 2, "option --countries, value 'Gibraltar': GIB is a territory"),
    (["diff", "--out", "/"], 2, "option --out, value '/': a run writes a folder per year"),
    (["diff", "--out", ""], 2, "argument --out: an empty name"),
    (["coverage", "--csv", ""], 2, "argument --csv: an empty name"),
    (["templates", ""], 2, "argument folder: an empty name"),
    (["validate", ""], 2, "argument folder: an empty name"),
    (["validate", "--partial", "{file}", "--data", ""], 2, "argument --data: an empty name"),
    (["reconcile", "--user-data", ""], 2, "argument --user-data: an empty name"),
    (["annual", "--out", "{loop}"], 2, "option --out, value '{loop}': a link that leads nowhere (or back to itself)"),
    (["annual", "--data", "{loop}"], 2, "value '{loop}': the data folder does not exist"),
    (["annual", "--user-data", "{loop}"], 2, "value '{loop}': the researcher's data folder does not exist"),
    (["annual", "--records", "{loop}"], 2, "value '{loop}': no such file"),
    (["diff", "--out", "{loop}"], 2, "option --out, value '{loop}': a link that leads nowhere"),
    (["validate", "{loop}"], 1, "{loop}: the data folder does not exist, or is not a folder"),
    (["validate", "--records", "{loop}"], 1, "option --records, value '{loop}': no such file"),
    (["states-parties", "--on", "2015-02-30"], 2, "option --on, value '2015-02-30': no such day: February 2015 has 28 days"),
    (["states-parties", "--on", "2015-13-01"], 2, "option --on, value '2015-13-01': no such month"),
    (["states-parties", "--on", "2099-01-01"], 2, "option --on, value '2099-01-01': a date after today"),
]


@pytest.mark.parametrize("argv, code, words", PARAMETER_CASES, ids=[" ".join(c[0]) for c in PARAMETER_CASES])
def test_a_bad_parameter_gets_one_line(tmp_path, capsys, a_file, argv, code, words):
    out = tmp_path / "out"
    loop = tmp_path / "loop"
    loop.symlink_to(loop)  # a link to itself
    places = {"{file}": str(a_file), "{repo}": str(REPO_DIR), "{home}": str(Path.home().resolve()), "{loop}": str(loop)}
    for key, value in places.items():
        argv = [a.replace(key, value) for a in argv]
        words = words.replace(key, value)
    if argv[0] in ("annual", "profiles"):  # never a real run, whatever happens: one notebook, no PDFs
        argv += (["--out", str(out)] if "--out" not in argv else []) + ["--no-pdf", "--quiet"]
        argv += ["--notebooks", "goal4"] if argv[0] == "annual" and "--notebooks" not in argv else []
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


# ---- outputs folders that are not ours (round 3) --------------------------------------------------------------

# (case, what the outputs folder holds before the run, the command, the words of the refusal)
OUTPUT_REFUSALS = [
    ("a researcher's own 2015 folder", {"2015/notes.txt": "my notes"}, ["annual"],
     "out/2015: is not a folder this suite made (it has no .icbl-review.json); a run would replace it"),
    ("a researcher's folder named as the partial run", {"2015-goal4/notes.txt": "mine"}, ["annual", "--notebooks", "goal4"],
     "out/2015-goal4: is not a folder this suite made"),
    ("a file named as the review", {"2015": "a file"}, ["annual"], "out/2015: is not a folder this suite made"),
    ("a link named as the review", {"2015": Link("elsewhere")}, ["annual"], "out/2015: is not a folder this suite made"),
    ("a researcher's own profiles folder", {"profiles-2015-KHM/notes.txt": "mine"}, ["profiles", "--countries", "KHM"],
     "out/profiles-2015-KHM: is not a folder this suite made"),
    ("a file where the archive goes", {"archive": "a file"}, ["annual", "--notebooks", "goal4"],
     "out/archive: is not a folder: earlier runs are kept in outputs/archive/"),
]  # fmt: skip


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file, folder and link under `root` with its content (the lock file aside)."""
    found = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.name == ".icbl-review.lock":
            continue
        found[key] = f"-> {os.readlink(path)}" if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return found


@pytest.mark.parametrize("case, before, argv, words", OUTPUT_REFUSALS, ids=[c[0] for c in OUTPUT_REFUSALS])
def test_a_folder_that_is_not_ours_is_never_replaced(tmp_path, capsys, case, before, argv, words):
    out = write_folder(tmp_path / "out", before)
    was = snapshot(out)
    got, text = run([*argv, "--out", out, "--no-pdf", "--quiet"], capsys)
    assert (got, words in text) == (2, True), text
    assert snapshot(out) == was  # nothing moved, replaced or deleted; nothing half-written


def marked(folder: Path, pid: int, kind: str = "staging", run_id: str = "") -> Path:
    """A folder as a run of this suite leaves it (its marker), for a process `pid`."""
    import json
    import socket

    folder.mkdir(parents=True)
    info = {"made_by": "icbl-review", "run_id": run_id or folder.name.rsplit("-", 3)[-1], "kind": kind, "pid": pid,
            "host": socket.gethostname()}  # fmt: skip
    (folder / ".icbl-review.json").write_text(json.dumps(info), encoding="utf-8")
    (folder / "index.html").write_text(f"a {kind} folder", encoding="utf-8")
    return folder


def a_dead_pid() -> int:
    import psutil

    return next(p for p in range(4_000_000, 3_000_000, -1) if not psutil.pid_exists(p))


def test_a_partial_run_is_published_beside_the_full_review_and_leaves_what_is_not_ours(tmp_path, capsys):
    out = tmp_path / "out"
    marked(out / "2015", os.getpid(), "review", run_id="earlier")  # the full review published last week
    write_folder(out, {".staging-x-1/notes.txt": "a researcher's", ".staging-2015-goal4-999999/notes.txt": "also"})
    dead = a_dead_pid()
    killed = marked(out / f".staging-2015-goal4-20260101T000000-{dead}-abcdef", dead)  # a run killed with -9
    theirs = {k: v for k, v in snapshot(out).items() if not k.startswith(killed.name)}
    got, text = run(["annual", "--notebooks", "goal4", "--out", out, "--no-pdf", "--quiet"], capsys)
    assert got == 0, text
    assert "open " + str(out / "2015-goal4" / "index.html") in text
    after = snapshot(out)
    assert {k: after.get(k) for k in theirs} == theirs  # the full review and the researcher's folders untouched
    assert not killed.exists()  # the killed run's staging (marked, its process gone) is cleared
    assert sorted(p.name for p in out.glob(".staging-*")) == [".staging-2015-goal4-999999", ".staging-x-1"]
    assert (out / "2015-goal4" / ".icbl-review.json").exists() and not (out / "archive").exists()


def test_three_runs_at_once_all_publish_one_after_another(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "out"
    argv = [sys.executable, "-m", "icbl_analysis.cli", "annual", "--notebooks", "goal4", "--out", str(out),
            "--no-pdf", "--quiet", "--jobs", "1"]  # fmt: skip
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    done = [(p.wait(timeout=600), *p.communicate()) for p in runs]
    assert [code for code, _, _ in done] == [0, 0, 0], done
    assert all("Traceback" not in err for _, _, err in done)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".icbl")) == ["2015-goal4", "archive"]
    archived = sorted((out / "archive").iterdir())
    assert len(archived) == 2 and all((p / ".icbl-review.json").exists() for p in archived)
    assert not list(out.glob(".staging-*")) and not list(out.glob(".icbl-publishing*"))


@pytest.fixture(scope="module")
def published_goal4(tmp_path_factory) -> Path:
    """A published run of goal 4 that the --only-changed cases copy and damage."""
    out = tmp_path_factory.mktemp("published")
    assert cli.main(["annual", "--notebooks", "goal4", "--out", str(out), "--no-pdf", "--quiet"]) == 0
    return out


def _damage_manifest(text: str):
    def damage(run: Path) -> None:
        (run / "manifest.json").write_text(text, encoding="utf-8")

    return damage


def _edit_manifest(change):
    def damage(run: Path) -> None:
        import json

        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
        change(manifest["notebooks"][0])
        (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    return damage


# (case, what is done to the published run, whether goal4's outputs may be reused after it)
REUSE_CASES = [
    ("nothing changed", lambda run: None, True),
    ("a non-UTF-8 executed notebook", lambda run: (run / "notebooks" / "goal4.ipynb").write_bytes(b"\xff\xfe{not json"), False),
    ("an executed notebook cut short", lambda run: (run / "notebooks" / "goal4.ipynb").write_bytes((run / "notebooks" / "goal4.ipynb").read_bytes()[:500]), False),
    ("ratings.csv deleted", lambda run: (run / "goal4" / "ratings.csv").unlink(), False),
    ("a chart's data edited", lambda run: (run / "goal4" / "charts" / "G4_I06.csv").write_text("year,value\n2015,1\n"), False),
    ("the HTML report deleted", lambda run: (run / "goal4.html").unlink(), False),
    ("a manifest that is not JSON", _damage_manifest("{not json"), False),
    ("a manifest that is a list", _damage_manifest("[1, 2]"), False),
    ("a manifest in Latin-1", lambda run: (run / "manifest.json").write_bytes(b'{"notebooks": "\xe9"}'), False),
    ("a manifest entry of the wrong shape", _damage_manifest('{"review_year": 2015, "notebooks": [1, "goal4", null]}'), False),
    ("an output named outside the run", _edit_manifest(lambda e: e["outputs"].update({"../../etc/passwd": "0" * 64})), False),
    ("outputs of the wrong type", _edit_manifest(lambda e: e.update(outputs=["goal4.html"])), False),
    ("tables read of the wrong type", _edit_manifest(lambda e: e.update(tables_read="goal4")), False),
    ("a manifest from before output hashes", _edit_manifest(lambda e: e.pop("outputs")), False),
]  # fmt: skip


def reusable(out: Path) -> bool:
    """Whether a rerun of goal 4 with the same inputs would reuse the published outputs (the runner's own test)."""
    from icbl_analysis.core.paths import data_dir
    from icbl_analysis.data.fingerprints import data_hashes
    from icbl_analysis.run import runner

    params = runner._base_params(2015, "first", data_dir(None), None) | {"baseline_year": 2011, "records": ""}
    return "goal4" in runner._reusable(out / "2015-goal4", {"goal4": ("goal4", params)}, data_hashes(data_dir(None)))


@pytest.mark.parametrize("case, damage, reused", REUSE_CASES, ids=[c[0] for c in REUSE_CASES])
def test_only_changed_reuses_nothing_damaged(tmp_path, published_goal4, case, damage, reused):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(published_goal4, out, symlinks=True)
    damage(out / "2015-goal4")
    assert reusable(out) is reused


@pytest.mark.parametrize("case, damage, reused", [REUSE_CASES[i] for i in (0, 1, 3, 7)], ids=[REUSE_CASES[i][0] for i in (0, 1, 3, 7)])
def test_only_changed_reruns_what_is_damaged_and_publishes_it_whole(tmp_path, capsys, published_goal4, case, damage,
                                                                    reused):  # fmt: skip
    import shutil

    out = tmp_path / "out"
    shutil.copytree(published_goal4, out, symlinks=True)
    damage(out / "2015-goal4")
    got, text = run(["annual", "--notebooks", "goal4", "--only-changed", "--out", out, "--no-pdf", "--quiet"], capsys)
    assert got == 0, text
    assert ("goal4        reused" in text) is reused, text
    assert (out / "2015-goal4" / "goal4" / "ratings.csv").exists()
    assert b"\xff" not in (out / "2015-goal4" / "notebooks" / "goal4.ipynb").read_bytes()
    assert reusable(out)  # what was published is whole again, and recorded so


# ---- text from data is text in every format (round 3) ---------------------------------------------------------

HOSTILE = [
    "a source cell\n# over three lines\n1. becomes a list",
    "a heading underlined\n===",
    "<img\tsrc=x\tonerror=alert(1)>",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "+1",
    "\t=1+1",
    "US$5 (core) and US$10",
    "$x$ and $$y$$",
    "right-to-left \u202eexe.txt",
    "zero\u200bwidth\u200cjoin\u200d\ufeffmarks\u2066",
    "- a list item",
    "* another",
    "> a quote",
    "`code` and ```fenced```",
    "[a link](javascript:alert(1)) and <javascript:alert(1)>",
    "**bold** _em_ ~~struck~~",
    "| a | table |\n|---|---|",
    "&amp; &lt;b&gt; \\*",
]


class Tags(__import__("html.parser").parser.HTMLParser):
    """The tags and the text of an HTML fragment."""

    def __init__(self, text: str):
        super().__init__()
        self.tags, self.text = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def shown(text: str) -> str:
    """What a reader should see of a cell: its characters, without the invisible ones."""
    from icbl_analysis.core.escape import clean

    return clean(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_html_shows_data_as_text(text):
    from icbl_analysis.core.escape import esc
    from icbl_analysis.present.html import ENV
    from icbl_analysis.present.tables import styled

    for page in (esc(text), ENV.from_string("{{ x }}").render(x=text)):
        parsed = Tags(page)
        assert parsed.tags == [] and "".join(parsed.text) == shown(text), page
    table = Tags(styled(pd.DataFrame({"quote": [text]})).to_html())
    assert {t for t, _ in table.tags} <= {"style", "table", "thead", "tr", "th", "tbody", "td"}
    assert " ".join(shown(text).split()) in " ".join("".join(table.text).split())


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_shows_data_as_one_line_of_text(text):
    from markdown_it import MarkdownIt
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from icbl_analysis.core.escape import md

    gfm = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # GitHub's Markdown, without linkify
    for render in (markdown2html_mistune, MarkdownIt("commonmark").render, gfm.render):
        for place in (md(text), f"A finding\n{md(text)}", f"- {md(text)}"):  # alone, under a line, in a list
            parsed = Tags(render(place))
            assert {t for t, _ in parsed.tags} <= {"p", "ul", "li"}, (place, render(place))
            assert " ".join(shown(text).split()) in " ".join("".join(parsed.text).split()), render(place)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_memo_link_stays_one_link(text):
    from markdown_it import MarkdownIt

    from icbl_analysis.present.memo import _md_link

    parsed = Tags(MarkdownIt("commonmark").render(_md_link("https://example.org/" + text)))
    assert [t for t, _ in parsed.tags] == ["p", "a"], parsed.tags
    assert parsed.tags[1][1]["href"].startswith("https://example.org/")


@pytest.mark.parametrize("dtype", [object, "str", "string"])
def test_csv_cells_never_run_as_formulas(tmp_path, dtype):
    import csv

    from icbl_analysis.core.escape import spreadsheet_safe

    frame = pd.DataFrame({"note": pd.Series(HOSTILE, dtype=dtype), "value": range(len(HOSTILE))})
    path = tmp_path / "out.csv"
    spreadsheet_safe(frame).to_csv(path, index=False)
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    for row, text in zip(rows, HOSTILE, strict=True):
        assert row["note"][:1] not in ("=", "+", "-", "@", "\t", "\r"), row
        assert row["note"].removeprefix("'") == shown(text)
    assert [int(r["value"]) for r in rows] == list(range(len(HOSTILE)))  # numbers stay numbers
    assert spreadsheet_safe(pd.DataFrame({"n": ["-5", "-2.5"]}))["n"].tolist() == ["-5", "-2.5"]  # plain numbers


def test_hostile_text_in_a_researcher_folder_is_text_in_the_report_and_its_files(tmp_path, capsys):
    import csv

    source = '"' + "\n".join(HOSTILE[:4] + HOSTILE[9:12]).replace('"', "'") + '"'
    rows = "".join(f"G4.I03,{year},{1000 + year},visits,{source},{source}\n" for year in range(2011, 2016))
    folder = write_folder(tmp_path / "mine", {"researcher_indicators.csv": RESEARCHER + rows})
    out = tmp_path / "out"
    got, text = run(["annual", "--notebooks", "goal4", "--user-data", folder, "--out", out, "--no-pdf", "--quiet"],
                    capsys)  # fmt: skip
    assert got == 0, text
    page = (out / "2015-goal4" / "goal4.html").read_text(encoding="utf-8")
    body = page[page.index("<body") :]
    assert "US$5 (core) and US$10" in body and "a source cell # over three lines 1. becomes a list" in body
    tags = Tags(body).tags
    assert not [t for t in tags if "onerror" in t[1] or t[1].get("src") == "x"] and "<script>alert" not in body
    assert "\u202e" not in page and "\\(core\\)" not in page
    assert "<h1" not in body.split("researcher")[-1]  # no heading made from the source cell
    for path in (out / "2015-goal4").rglob("*.csv"):
        for row in csv.reader(path.open(encoding="utf-8", newline="")):
            for cell in row:
                assert cell[:1] not in ("=", "+", "@", "\t", "\r") and not cell.startswith("-2+3"), (path, cell)


# ---- one validation, one answer (round 3) ---------------------------------------------------------------------


def test_validate_and_annual_give_one_answer_as_the_data_they_join_changes(tmp_path, capsys, data_copy):
    mine = write_folder(tmp_path / "mine", {"monitor_facts.csv": FACTS + fact(place="KHM", period="2025", edition="LM2026", value="5")})  # fmt: skip
    assert run(["validate", mine, "--partial", "--data", data_copy], capsys)[0] == 0  # remembered as valid
    with (data_copy / "monitor_facts.csv").open("a", encoding="utf-8") as fh:  # the data it joins gains a row
        fh.write(fact(place="KHM", period="2025", edition="LM2026", value="7", url="https://example.org/b"))
    words = "mine/monitor_facts.csv, row 2, column 'value', value 5: contradicts the bundled data, which has 7"
    code, text = run(["validate", mine, "--partial", "--data", data_copy], capsys)
    assert (code, words in text) == (1, True), text
    out = tmp_path / "out"
    code, text = run(["annual", "--data", data_copy, "--user-data", mine, "--notebooks", "goal4", "--out", out,
                      "--no-pdf", "--quiet"], capsys)  # fmt: skip
    assert (code, words in text) == (2, True), text
    assert not out.exists()


def test_a_remembered_check_is_forgotten_when_the_bundled_tables_or_the_day_change(monkeypatch, data_copy):
    from icbl_analysis.data import validate

    monkeypatch.setattr(validate, "BUNDLED_DATA_DIR", data_copy)
    first = validate._key("folder", "the same researcher's folder")
    assert validate._key("folder", "the same researcher's folder") == first
    (data_copy / "units.csv").write_text((data_copy / "units.csv").read_text() + "widgets,0,10,yes,widgets\n")
    changed = validate._key("folder", "the same researcher's folder")
    assert changed != first

    class Tomorrow(date):
        @classmethod
        def today(cls):
            return date.fromordinal(date.today().toordinal() + 1)

    monkeypatch.setattr(validate, "date", Tomorrow)
    assert validate._key("folder", "the same researcher's folder") != changed


@pytest.mark.parametrize("text", [*HOSTILE, "$\\frac{ unclosed maths $"])
def test_a_chart_shows_data_as_text(tmp_path, text):
    import matplotlib.pyplot as plt

    from icbl_analysis.present.charts import footer

    fig = plt.figure()
    footer(fig, text)
    fig.savefig(tmp_path / "chart.png")  # bad maths would fail to draw here
    shown_text = fig.texts[0].get_text()
    plt.close(fig)
    assert shown_text.replace("\\$", "$") == "Source: " + " ".join(shown(text).split()) and "\u202e" not in shown_text


def test_rows_from_elsewhere_are_checked_by_the_same_path():
    """A workbook's rows (not a CSV file) go through the same checks, named by the workbook and its rows."""
    from icbl_analysis.data.validate import validate_rows

    good = {"metric": "casualties_total", "period": "2025", "place": "KHM", "value": 5, "unit": "casualties",
            "edition": "LM2026", "source_url": OK, "quote": "a quote", "_line": 4}  # fmt: skip
    assert validate_rows("monitor_facts", [good], file="records.xlsx, sheet Figures") == []
    bad = [good, dict(good, place="WLD", metric="casualties_total", value=1e30, _line=9), dict(good, place="GIB", _line=12)]
    events = [{"iso3": "GIB", "state": "Gibraltar", "treaty": "MBT", "event": "deposit", "date": "2013-05-01",
               "source_url": OK, "quote": "q", "_line": 3}]  # fmt: skip
    found = [str(p) for p in validate_rows("monitor_facts", bad, file="records.xlsx, sheet Figures")]
    found += [str(p) for p in validate_rows("treaty_events", events, file="records.xlsx, sheet Treaties")]
    assert found == [
        "records.xlsx, sheet Figures, row 9, column 'value', value 1e+30: above the most a casualties figure can be "
        "(1,000,000): a typo or a unit mix-up?",
        "records.xlsx, sheet Treaties, row 3, column 'iso3', value 'GIB': GIB is a territory in data/countries.csv: "
        "only a state can join a treaty",
    ]


# a full data folder (--data): the same rules hold in every table, the reference tables included
FULL_FOLDER_CASES = [
    ("a meeting that starts on 30 February", "meetings.csv", "2011-11-28,2011-12-02", "2011-02-30,2011-12-02",
     "meetings.csv, row 2, column 'start', value '2011-02-30': no such day: February 2011 has 28 days"),
    ("a published count as of a month to come", "published_counts.csv", "states_parties,MBT,2011-09,", f"states_parties,MBT,{TODAY.year + 1}-09,",
     f"published_counts.csv, row 2, column 'as_of', value '{TODAY.year + 1}-09': a date after today"),
    ("the World in the treaty table", "treaty_events.csv", "\nAFG,Islamic Republic of Afghanistan,", "\nWLD,World,",
     "treaty_events.csv, row 2, column 'iso3', value 'WLD': WLD is the world as a whole in data/countries.csv"),
]  # fmt: skip


@pytest.mark.parametrize("case, table, old, new, words", FULL_FOLDER_CASES, ids=[c[0] for c in FULL_FOLDER_CASES])
def test_a_full_data_folder_is_held_to_the_same_rules(tmp_path, capsys, data_copy, case, table, old, new, words):
    path = data_copy / table
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, said = run(["validate", data_copy], capsys)
    assert (code, words in said) == (1, True), said
    code, said = run(["annual", "--data", data_copy, "--notebooks", "goal4", "--out", tmp_path / "out", "--no-pdf",
                      "--quiet"], capsys)  # fmt: skip
    assert (code, words in said) == (2, True), said
