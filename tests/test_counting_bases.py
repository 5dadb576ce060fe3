"""Counting bases and the engine rules of issue 19: obligations from the day a state became bound, completions
dated by basis, year-only deadlines completed from the decision's terms, stock found after completion."""

from datetime import date

import pytest

import icbl_analysis as icbl
from icbl_analysis.core.errors import DataError
from icbl_analysis.engine import obligations as o


def status(data, treaty, kind, on, iso3, basis="treaty"):
    table = o.history(data, treaty, kind, on, basis).set_index("iso3")
    return table.loc[iso3] if iso3 in table.index else None


def test_both_names_take_a_basis_and_keep_their_positional_use():
    treaty = icbl.clearance_status("MBT", "2013-06-30").set_index("iso3")
    monitor = icbl.clearance_status("MBT", on="2013-06-30", basis="monitor").set_index("iso3")
    assert set(treaty["basis"]) == {"treaty"} and set(monitor["basis"]) == {"monitor"}
    # Bhutan cleared its last mined area in May 2013 (the Monitor's date) and declared it at the 13th Meeting
    assert treaty.at["BTN", "status"] == "pending"
    assert monitor.at["BTN", "status"] == "completed_on_time"
    assert monitor.at["BTN", "completed"] == date(2013, 5, 31)
    # Venezuela announced completion at the intersessional meetings of May 2013: both bases count it
    assert treaty.at["VEN", "completed"] == date(2013, 5, 29)
    stock = icbl.stockpile_status("CCM", "2012-07-31", basis="monitor").set_index("iso3")
    assert "SWE" in stock.index  # deposited 23 April 2012, bound from 1 October 2012: the Monitor counts it
    assert "SWE" not in icbl.stockpile_status("CCM", "2012-07-31").set_index("iso3").index
    with pytest.raises(DataError, match="basis"):
        icbl.clearance_status("MBT", on="2013-06-30", basis="secretariat")


def test_an_obligation_runs_from_entry_into_force_where_mined_areas_were_declared(data):
    # Turkey (original deadline 1 March 2014) owed clearance long before its December 2013 extension
    turkey = status(data, "MBT", "clearance", "2005-12-02", "TUR")
    assert (turkey["status"], turkey["deadline"]) == ("pending", date(2014, 3, 1))
    for iso3 in ("ARG", "GBR"):  # from entry into force, not from their 2008-2009 extensions
        assert status(data, "MBT", "clearance", "2005-12-02", iso3)["status"] == "pending"
    # Germany declared a previously unknown area in June 2011: no obligation before, as soon as possible after
    assert status(data, "MBT", "clearance", "2005-12-02", "DEU") is None
    assert "previously unknown mined area" in status(data, "MBT", "clearance", "2012-12-31", "DEU")["reason"]


def test_a_year_only_deadline_takes_the_day_and_month_the_decision_set(data):
    # the 13MSP extended Turkey "until 2022"; the Monitor (2015) states 1 March 2022
    turkey = status(data, "MBT", "clearance", "2014-12-31", "TUR")
    assert turkey["deadline"] == date(2022, 3, 1) and "2022" in turkey["reason"]
    # the Third Review Conference extended Yemen "until 2020": 1 March 2020
    assert status(data, "MBT", "clearance", "2015-12-31", "YEM")["deadline"] == date(2020, 3, 1)
    events = o.extension_events(data.clearance_events, "MBT", data.meetings).set_index(["iso3", "meeting"])
    assert events.at[("TUR", "13MSP"), "decided"] == date(2013, 12, 5)  # the decision counts from the meeting


def test_stock_found_after_completion_reopens_the_obligation(data):
    bih = status(data, "CCM", "stockpile", "2013-01-01", "BIH")
    assert bih["status"] == "pending" and bih["reopened"] == date(2012, 4, 19)
    assert "re-opened by stock the state reported holding" in bih["reason"]
    assert status(data, "CCM", "stockpile", "2012-06-30", "BIH")["status"] == "completed_on_time"


@pytest.mark.parametrize(
    "treaty, on, iso3, expected",
    [
        ("MBT", "2011-12-31", "BIH", ("extended", date(2019, 3, 1))),  # 9MSP extension in force, nothing later
        ("MBT", "2012-12-31", "TUR", ("pending", date(2014, 3, 1))),  # the 13MSP extension came a year later
        ("MBT", "2005-12-01", "GTM", ("pending", date(2009, 9, 1))),
        ("MBT", "2005-12-02", "GTM", ("completed_on_time", date(2009, 9, 1))),  # announced at the 6MSP
        ("MBT", "2010-12-31", "KHM", ("extended", date(2020, 1, 1))),  # the 2RevCon extension dates the status
    ],
)
def test_a_status_as_of_a_date_uses_nothing_later(data, treaty, on, iso3, expected):
    row = status(data, treaty, "clearance", on, iso3)
    assert (row["status"], row["deadline"]) == expected


def test_a_report_of_no_mined_areas_is_no_completion(data):
    # Namibia's 'mine safe' (2004) and its compliance claim (2009): no obligation on the treaty basis, no completion
    assert status(data, "MBT", "clearance", "2005-12-02", "NAM") is None
    assert status(data, "MBT", "clearance", "2010-12-02", "NAM", "monitor") is None
    # Niger declared mined areas in 2002, reported none in June 2008, found an area in 2012
    assert status(data, "MBT", "clearance", "2005-12-02", "NER")["status"] == "pending"
    assert status(data, "MBT", "clearance", "2009-12-04", "NER") is None
    assert status(data, "MBT", "clearance", "2012-12-31", "NER")["status"] in ("pending", "missed_outstanding")
    # Gambia at the 10MSP: on the treaty basis its report of no mined areas ends the obligation; the Monitor counts
    # it as its completion; Gambia declared completion formally at the 12MSP
    assert status(data, "MBT", "clearance", "2010-12-03", "GMB") is None
    assert status(data, "MBT", "clearance", "2010-12-03", "GMB", "monitor")["completed"] == date(2010, 12, 2)
    assert status(data, "MBT", "clearance", "2012-12-07", "GMB")["completed"] == date(2012, 12, 5)


def test_stockpile_declarations_and_beliefs(data):
    # Guinea never reported on its stocks: the Monitor's belief counts on its basis only
    assert status(data, "CCM", "stockpile", "2019-08-31", "GIN") is None
    assert status(data, "CCM", "stockpile", "2019-08-31", "GIN", "monitor")["status"] in ("pending", "extended")
    # Guinea-Bissau reported stocks in 2019 and then that it holds none (January 2020, May 2022)
    assert status(data, "CCM", "stockpile", "2019-12-31", "GNB")["status"] == "missed_outstanding"
    assert status(data, "CCM", "stockpile", "2020-02-01", "GNB") is None
    # Bosnia and Herzegovina's stock found in 2012 was destroyed by August 2014
    assert status(data, "CCM", "stockpile", "2014-08-22", "BIH")["status"] == "pending"
    assert status(data, "CCM", "stockpile", "2014-08-23", "BIH")["completed"] == date(2014, 8, 23)
    # Slovenia's submunitions found undestroyed in 2017 re-open its 2011 completion until April 2018
    assert status(data, "CCM", "stockpile", "2018-04-30", "SVN")["completed"] == date(2018, 4, 30)


def test_completions_since_the_previous_meeting(data):
    since = o.completed_since(
        data.treaty_events, data.stockpile_events, "CCM", date(2017, 9, 4), date(2018, 9, 3), data.meetings, "monitor"
    )
    assert since == ["CUB", "ESP", "HRV", "SVN"]  # a list dated only to 2018 (Cameroon, Congo, Iraq) is not in it


def test_an_obligation_chart_says_its_basis_and_a_reopened_completion_is_named(data):
    from icbl_analysis.present import figures
    from icbl_analysis.review.compute import compute_review

    review_2015 = compute_review(None, 2015, data=data)
    fig, _ = figures.indicator(review_2015, "G2.I08")
    source = next(t.get_text() for t in fig.texts if t.get_gid() == "source")
    assert "counted by the treaty's rules, as the treaty secretariats count" in source
    fig, _ = figures.indicator(review_2015, "G1.I01")
    assert "from the deposit of each instrument, as the Monitor counts" in next(
        t.get_text() for t in fig.texts if t.get_gid() == "source"
    )
    # North Macedonia and Nigeria reported stock found after their completions (May 2012 intersessional): the
    # count drops from 86 to 84 and says why, by name
    values = review_2015.indicator_values("G1.I10").set_index("year")
    assert (values.at[2011, "value"], values.at[2012, "value"]) == (86, 84)
    assert (
        "re-opened by stock found later, not counted: Guinea-Bissau, North Macedonia, Nigeria"
        in values.at[2012, "note"]
    )
    assert "North Macedonia" not in values.at[2011, "note"]
