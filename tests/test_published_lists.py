"""Published lists, state by state, on their own counting basis (issue 19)."""

from datetime import date

import pytest

from icbl_analysis.engine import obligations
from icbl_analysis.engine.derive import derive
from icbl_analysis.engine.reconcile import by_year_and_basis, reconcile, reconcile_lists

# Spot checks: lists from 2005-2010 and 2017-2020 the engine was not tuned for. Each is agreed, explained by a
# named note, or one of these open differences, with the evidence it lacks; a list that starts or stops agreeing
# changes this set and fails the test.
SPOT_CHECK_OPEN = {
    "ICBL2005-6MSP-stockpile-completed": "71 against 72: the ICBL names none; one state counted otherwise",
    "ICBL2019-05-24-stockpile-completed": "93 against 94 (Bhutan and Cote d'Ivoire aside, one more unnamed)",
    "ICBL2019-05-24-stockpile-never": "67 against 62: not named; the Cook Islands, Iraq, Panama, the Philippines and "
    "Togo (the notes of November 2007) would make 67, but the totals (93 + 67 + 3 of 164) leave Bhutan and Cote "
    "d'Ivoire's place open",
    # the secretariat counts one CCM State Party with Article 4 obligations more than the tables in 2020-2022 and
    # names none; not the UK on the record (the Monitor: it never reported cluster munition remnants in its CCM
    # Article 7 reports), and the secretariat's page speaks of a State Party re-opened after declaring compliance
    # round 8 checked on the record, without finding the tenth: the UK (Monitor basis only), Guinea-Bissau (Monitor's
    # completion of 2019; its first CCM report November 2019), Mauritania, Colombia (reported none in 2018), Sri Lanka
    "ISU-DAP-era-art4-obligation": "10 against 9: one State Party not identified",
    "ISU-LAP-era-art4-obligation": "the same, and Afghanistan's CCM extension of 2022 is not on record",
    "ISU2020-07-31-art4-obligation": "11 against 9: Montenegro (the same day's notice, a note) and one not identified",
    "ISU2020-07-31-art4-obligation-after-MNE": "10 against 9: one State Party not identified",
    "LM2019-art5-obligation": "33 against 34: the Monitor's names are in an image; the 34th not identified",
}

# Published counts of 2005-2020 (not lists) that stay open, (measure, treaty, as-of, publisher): what each lacks.
COUNTS_OPEN = {
    ("stockpile_completed", "MBT", "2005-11-30", "ICBL"): "71 against 72: the ICBL names none",
    ("art5_extensions_granted_cumulative", "MBT", "2020-11-30", "news"): "81 against the 79 decisions on record "
    "to the 18th Meeting (Yemen's of 2019 found): two not identified",
}


@pytest.fixture(scope="module")
def lists(data):
    return reconcile_lists(data)


def test_every_list_of_2011_2016_reconciles_by_name(data):
    table, states = reconcile_lists(data, 2011, 2016)
    assert len(table) >= 60 and set(table["basis"]) == {"treaty", "monitor"}
    assert (table["outcome"] == "open").sum() == 0, table.loc[table["outcome"] == "open", "list_id"].tolist()
    assert (states["outcome"] == "open").sum() == 0
    explained = states[states["outcome"] == "explained"]
    assert explained["explanation"].str.len().gt(20).all() and explained["source_url"].str.startswith("http").all()
    summary = by_year_and_basis(table).set_index(["year", "basis"])
    assert summary.loc[(2012, "treaty"), "agreed"] >= 3


@pytest.mark.parametrize(
    "list_id, outcome",
    [
        ("ISU-12MSP-2012-art5-extended-deadlines", "explained"),  # Zimbabwe presented a new request instead
        ("AA-13MSP-2013-art5-obligation", "agreed"),  # 32 still clearing after the 13MSP, Cyprus in neither list
        ("ISU-3RevCon-2014-art5-obligation", "agreed"),  # 31 at the close of the Third Review Conference
        ("HI-LM2015-art5-obligation", "agreed"),  # the Monitor's 33, with Cyprus and Jordan (and Oman)
        ("LM2016-art5-obligation", "agreed"),  # 36: Palau added, Mozambique and Nigeria back, Jordan
        ("ISU-13MSP-2013-art5-completed-cumulative", "explained"),  # Hungary the 26th; Burundi re-opened
        ("CMM2011-art4-obligation", "explained"),  # the table's 8: no Chile, UK or Grenada (cited)
        ("CMM2013-art4-obligation", "explained"),  # 12: Chile and the UK left out (inferred from the count)
        ("CMM2016-art4-obligation", "explained"),  # 13 with the UK (footnote); Guinea-Bissau left out (inferred)
        ("CMM2017-art4-obligation", "explained"),  # the named 12: Guinea-Bissau no longer counted
        ("CMM2019-art4-obligation", "agreed"),  # 12: Guinea-Bissau's completion known by August 2019
        ("CMM2020-art4-obligation", "explained"),  # 10: the UK, past its deadline with nothing on record
        # spot checks settled in round 6
        ("ISU-6MSP-2005-art5-completed-cumulative", "agreed"),  # Guatemala the sixth; Namibia not counted
        ("ISU-6MSP-2005-art5-obligation", "explained"),  # 46: Ethiopia first reported its mined areas in July 2008
        ("ISU-10MSP-2010-art5-obligation", "agreed"),  # 38: Gambia reported no mined areas at the 10MSP
        ("ISU-2RevCon-2009-art5-obligation", "agreed"),
        ("ISU-18MSP-2020-art5-completed-cumulative", "explained"),  # 31 with Malawi, whose declaration is undated
        ("CMC2018-8MSP-stockpile-completed-year", "agreed"),  # Cuba, Spain, Croatia, Slovenia since the 7MSP
        ("CMC2019-9MSP-stockpile-completed-year", "agreed"),  # Botswana (September 2018) and Switzerland
        ("CMC2023-11MSP-stockpile-completed-year", "agreed"),  # Bulgaria, Slovakia, South Africa
        ("ISU2019-03-19-stockpile-holding", "agreed"),  # five after Switzerland; Guinea on the Monitor's basis only
        ("ICBL2008-04-02-stockpile-never", "agreed"),  # 60: Cape Verde's declaration of none undone by its stock
        ("CMC2017-7MSP-stockpile-completed", "explained"),  # 29: Congo and Iraq in, Spain still destroying (inferred)
        ("ISU-current-stockpile-holding", "agreed"),  # four: Guinea-Bissau declared it holds none
    ],
)
def test_named_lists(lists, list_id, outcome):
    table, _ = lists
    assert table.set_index("list_id").at[list_id, "outcome"] == outcome


def test_the_zagreb_count_of_2005_on_the_treaty_basis(data):
    # the ISU's Zagreb progress report: 45 States Parties still owing clearance, Guatemala the sixth to complete
    owing = derive(data, "art5_obligation", "MBT", date(2005, 12, 2), "treaty")
    assert {"TUR", "ARG", "GBR", "NER"} <= set(owing.states) and "GTM" not in owing.states
    assert owing.count == 46 and "ETH" in owing.states  # the ISU's 45: Ethiopia had not yet reported its mined areas
    done = derive(data, "art5_completed_cumulative", "MBT", date(2005, 12, 2), "treaty")
    assert done.states == ["BGR", "CRI", "DJI", "GTM", "HND", "SUR"]  # Namibia's June 2004 'mine safe' is none


@pytest.mark.spot_check
def test_spot_checks_2005_2010_and_2017_2020(lists):
    table, _ = lists
    spot = table[table["as_of"].map(lambda d: d.year <= 2010 or d.year >= 2017)]
    assert len(spot) >= 70 and (spot["outcome"].isin(["agreed", "explained"])).sum() >= 61
    assert set(spot.loc[spot["outcome"] == "open", "list_id"]) == set(SPOT_CHECK_OPEN)


@pytest.mark.parametrize("basis", ["treaty", "monitor"])
@pytest.mark.parametrize(
    "iso3, on, status",
    [
        ("MRT", date(2014, 12, 31), "pending"),  # completion known by the Monitor profile of 27 November 2015
        ("MRT", date(2015, 12, 31), "completed_on_time"),
        ("MRT", date(2018, 12, 31), "completed_on_time"),
        ("MRT", date(2020, 12, 31), "completed_on_time"),
        ("GNB", date(2020, 12, 31), "completed_on_time"),  # known by Cluster Munition Monitor 2019 (August 2019)
    ],
)
def test_ccm_article4_completions_dated_by_the_sources_that_report_them(data, iso3, on, status, basis):
    hist = obligations.history(data, "CCM", "clearance", on, basis).set_index("iso3")
    assert hist.at[iso3, "status"] == status


def test_the_uk_owes_ccm_clearance_on_the_monitor_basis_only(data):
    # the Monitor lists the UK (Falkland Islands/Malvinas) from 2016; the UK never reported cluster munition remnants
    # in its CCM Article 7 reports, so the treaty basis holds no Article 4 obligation for it
    assert "GBR" in derive(data, "art4_obligation", "CCM", date(2019, 8, 1), "monitor").states
    treaty = derive(data, "art4_obligation", "CCM", date(2020, 7, 31), "treaty")
    assert treaty.states == ["AFG", "BIH", "CHL", "DEU", "IRQ", "LAO", "LBN", "SOM", "TCD"]  # no UK
    cmm2011 = derive(data, "art4_obligation", "CCM", date(2011, 8, 25), "monitor").states
    assert {"CHL", "GBR", "GRD"} <= set(cmm2011)  # the Monitor's table names none of the three (cited notes)


def test_the_open_counts_of_2005_2020_are_these(data):
    table = reconcile(data, 2005, 2020)
    open_ = table[table["outcome"] == "open"]
    assert {(r.measure, r.treaty, f"{r.as_of:%Y-%m-%d}", r.publisher) for r in open_.itertuples()} == set(COUNTS_OPEN)
    counts = reconcile(data, 2011, 2015)
    assert (counts["outcome"] == "open").sum() == 0


@pytest.mark.parametrize(
    "measure, as_of, publisher, outcomes",
    [
        ("states_parties", "2017-12-14", "Monitor LM2017", {"explained"}),  # 162: Sri Lanka deposited the day before
        ("stockpile_missed_outstanding", "2008-04-02", "ICBL", {"agreed"}),  # Belarus, Greece, Turkey
        ("stockpile_completed", "2007-11-19", "ICBL", {"agreed"}),  # 81: Belarus had destroyed its non-PFM types only
        ("stockpile_completed", "2017-08-31", "Monitor CMM2017", {"agreed"}),  # the edition's 28, of August 2017
        ("stockpile_holding", "2017-08-31", "Monitor CMM2017", {"agreed"}),  # 13: Slovenia's stock left in Bulgaria
        ("use_nsag_apm", "2016-10-31", "Monitor LM2016", {"agreed"}),  # 10, the five of the footnote from a news copy
        ("stockpile_holding", "2018-06-08", "ICBL", {"explained", "agreed"}),  # 3 named (Sri Lanka aside); 'up to six'
    ],
)
def test_counts_dated_and_labelled_as_their_quotes_say(data, measure, as_of, publisher, outcomes):
    table = reconcile(data, 2005, 2020)
    rows = table[
        (table["measure"] == measure) & (table["as_of"].astype(str) == as_of) & (table["publisher"] == publisher)
    ]
    assert set(rows["outcome"]) == outcomes


def test_the_icbl_counts_of_november_2007_are_explained_state_by_state(data):
    # 81 completed + 66 never possessing + 9 holding = 156, every state that had deposited by 19 November 2007
    table = reconcile(data, 2007, 2007).set_index(["measure", "publisher"])
    never = table.loc[("stockpile_never_held", "ICBL")]
    assert (never["published"], never["derived"], never["outcome"]) == (66, 59, "explained")
    assert set(never["states"].split()) == {"+BRN", "+COK", "+IRQ", "+PAN", "+PHL", "+PLW", "+TGO"}
    holding = table.loc[("stockpile_holding", "ICBL")]
    assert (holding["published"], holding["derived"], holding["states"]) == (9, 8, "+KWT")  # acceded July 2007
    # Palestine declared no stockpile in its voluntary Article 7 report of September 2012; bound from 1 June 2018
    assert "PSE" in derive(data, "stockpile_never_held", "MBT", date(2019, 5, 24), "monitor").states
    assert "PSE" not in derive(data, "stockpile_never_held", "MBT", date(2018, 5, 31), "monitor").states


def test_yemen_extended_at_the_fourth_review_conference(data):
    # requested in 2019 for three years; the 18th Meeting's seven decisions of November 2020 do not include Yemen
    before = obligations.history(data, "MBT", "clearance", date(2019, 11, 28), "treaty").set_index("iso3")
    after = obligations.history(data, "MBT", "clearance", date(2020, 6, 30), "treaty").set_index("iso3")
    assert before.at["YEM", "deadline"] == date(2020, 3, 1)
    assert (after.at["YEM", "deadline"], after.at["YEM", "status"]) == (date(2023, 3, 1), "extended")


def test_a_declaration_of_no_stockpile_undone_by_stock_on_record(data):
    never = derive(data, "stockpile_never_held", "MBT", date(2008, 4, 2), "monitor").states
    assert "CPV" not in never and len(never) == 60  # Cape Verde's 1,471 mines destroyed in June 2006
    assert "BLR" in derive(data, "stockpile_holding", "MBT", date(2007, 11, 19), "monitor").states


def test_slovenia_holds_stock_again_from_the_monitors_profile_of_august_2017(data):
    # Cluster Munition Monitor 2017 (profile of 3 August 2017): 41,825 submunitions sent to Bulgaria still to destroy
    before = derive(data, "stockpile_holding", "CCM", date(2017, 8, 2), "monitor").states
    after = derive(data, "stockpile_holding", "CCM", date(2017, 8, 31), "monitor").states
    assert "SVN" not in before and "SVN" in after and len(after) == 13
    assert "SVN" not in derive(data, "stockpile_holding", "CCM", date(2018, 8, 31), "monitor").states  # destroyed
