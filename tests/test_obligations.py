"""Obligation history (issue 3): deadlines moved by extensions, completions, stockpiles, retained mines."""

from datetime import date

import pytest

from icbl_analysis.engine import obligations as o


@pytest.fixture(scope="module")
def mbt_clearance_2015(data):
    return o.clearance_history(data.treaty_events, data.clearance_events, "MBT", "2015-12-31").set_index("iso3")


def test_deadline_in_force_moves_with_extensions(data):
    # Bosnia and Herzegovina: original 1 March 2009, extended at the 9MSP (Nov 2008) to 1 March 2019,
    # then at the 18MSP (Nov 2020) to 1 March 2027.
    def deadline(on):
        h = o.clearance_history(data.treaty_events, data.clearance_events, "MBT", on).set_index("iso3")
        return h.at["BIH", "deadline"]

    assert deadline("2015-12-31") == date(2019, 3, 1)
    assert deadline("2021-06-30") == date(2027, 3, 1)


def test_twice_extended_deadline(mbt_clearance_2015):
    # Chad: extended at 10MSP (2010) and again at 12MSP (2012) -> 1 January 2020 (ISU list of Dec 2012).
    chad = mbt_clearance_2015.loc["TCD"]
    assert chad["deadline"] == date(2020, 1, 1)
    assert chad["extensions"] >= 2
    assert chad["status"] == "extended"


def test_statuses_on_31_december_2015(mbt_clearance_2015):
    status = mbt_clearance_2015["status"]
    assert status["ALB"] == "completed_on_time"  # declared 2009, deadline 1 Aug 2010
    assert status["MOZ"] == "completed_late"  # declared Sept 2015 after the 31 Dec 2014 deadline
    assert status["UKR"] == "pending"  # original deadline 1 June 2016
    assert status["CYP"] == "extended"  # declared complete 2013, re-opened by a later extension
    assert set(status) <= set(o.OBLIGATION_STATUSES)
    assert "Mozambique" == mbt_clearance_2015.at["MOZ", "state"]


def test_article5_completions_by_year(data):
    table = o.completions_by_year(data.clearance_events, "MBT", range(2011, 2016), data.meetings, data.treaty_events)
    by_year = table.set_index("year")
    assert by_year.at[2012, "states"] == ["COG", "DNK", "GMB", "GNB", "JOR", "UGA"]  # the ISU names six
    assert by_year.at[2015, "states"] == ["MOZ"]
    # every declaration (not Cyprus 2013, nor Montenegro's press report, Namibia's or Niger's reports of no mined
    # areas); the secretariat's 29 also hold Malawi, whose declaration no stored source dates
    assert by_year.at[2015, "cumulative"] == 28


def test_missed_stockpile_deadlines(data):
    h2011 = o.stockpile_history(data.treaty_events, data.stockpile_events, "MBT", "2011-12-31").set_index("iso3")
    assert h2011.at["BLR", "status"] == "missed_outstanding"  # deadline 1 March 2008
    assert h2011.at["GRC", "status"] == "missed_outstanding"
    assert h2011.at["UKR", "status"] == "missed_outstanding"  # deadline 1 June 2010
    assert h2011.at["TUR", "status"] == "completed_late"  # missed 2008, completed 2011
    h2017 = o.stockpile_history(data.treaty_events, data.stockpile_events, "MBT", "2017-12-31").set_index("iso3")
    assert h2017.at["BLR", "status"] == "completed_late"
    assert h2017.at["BLR", "completed"] == date(2017, 4, 5)


def test_ccm_stockpile_extension_and_late_completion(data):
    h = o.stockpile_history(data.treaty_events, data.stockpile_events, "CCM", "2024-06-30").set_index("iso3")
    assert h.at["BGR", "extensions"] >= 1
    assert h.at["PER", "completed"] == date(2023, 12, 15)


@pytest.mark.parametrize("iso3, year, quantity", [("SWE", 2011, 7094), ("TUN", 2015, 4670), ("BRA", 2012, 6587)])
def test_retained_mines_of_named_states(data, iso3, year, quantity):
    table = o.retained_by_state(data.retained_mines, year).set_index("iso3")
    assert table.at[iso3, "quantity"] == quantity


def test_period_end_of_partial_dates():
    assert o.period_end("2002") == date(2002, 12, 31)
    assert o.period_end("2002-04") == date(2002, 4, 30)
    assert o.period_end("2002-04-11") == date(2002, 4, 11)
    assert o.period_end(None) is None


def test_quick_start_functions_for_jupyterlab():
    import icbl_analysis as icbl

    status = icbl.clearance_status("MBT", on="2015-12-31").set_index("iso3")
    assert status.at["MOZ", "status"] == "completed_late"
    assert icbl.stockpile_status("MBT", on="2011-12-31").set_index("iso3").at["UKR", "status"] == "missed_outstanding"
    assert icbl.revisions("casualties_total", 2013)["edition"].iloc[0] == "LM2014"
    assert icbl.series("casualties_total", vintage="first").set_index("period").at["2012", "value"] == 3628


def test_as_of_a_date_from_evidence_dated_by_then(data):
    def on(day):
        return o.clearance_history(data.treaty_events, data.clearance_events, "MBT", day, data.meetings).set_index(
            "iso3"
        )

    # Bosnia and Herzegovina: extended at the 9MSP (28 November 2008) to 1 March 2019
    bih = on("2011-12-31").loc["BIH"]
    assert (bih["status"], bih["deadline"], bih["extensions"]) == ("extended", date(2019, 3, 1), 1)
    end_2015 = on("2015-12-31")
    # never "missed": completions dated by their source (Guatemala, Suriname), and no obligation from a
    # Monitor mention of residual contamination alone (Cameroon, Mali, Moldova, Namibia, the Philippines)
    assert not (end_2015["status"] == "missed_outstanding").any()
    assert end_2015.at["GTM", "status"] == "completed_on_time" and end_2015.at["SUR", "status"] == "completed_on_time"
    assert {"CMR", "MLI", "PHL"}.isdisjoint(end_2015.index)
    # one decision, one event, however many sources cite it
    assert (end_2015.at["AFG", "extensions"], end_2015.at["ZWE", "extensions"]) == (1, 4)
    # a mined area a State Party declared after its deadline: cleared as soon as possible, not "missed"
    hungary = on("2012-12-31").loc["HUN"]
    assert hungary["status"] == "pending" and "previously unknown mined area declared" in hungary["reason"]


def test_extension_decisions_are_dated_by_their_meeting(data):
    events = o.extension_events(data.clearance_events, "MBT", data.meetings).set_index(["iso3", "meeting"])
    assert events.at[("ZWE", "9MSP"), "decided"] == date(2008, 11, 28)  # the 9MSP closed on 28 November 2008
    assert events.at[("ZWE", "3RevCon"), "new_deadline"] == date(2018, 1, 1)
    assert events.at[("AFG", "12MSP"), "citations"] == 3


def test_stockpiles_previously_unknown_are_not_missed_deadlines(data):
    h = o.stockpile_history(data.treaty_events, data.stockpile_events, "MBT", "2012-12-31", data.meetings).set_index(
        "iso3"
    )
    assert h.at["IRQ", "status"] == "pending"  # declared none in 2008, reported 690 mines in 2009
    assert "CIV" not in h.index  # declared none in 2004; the stock found later is first reported in 2014
    assert sorted(h.index[h["status"] == "missed_outstanding"]) == ["BLR", "GRC", "UKR"]  # as the ICBL said
