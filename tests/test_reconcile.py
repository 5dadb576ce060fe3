"""Derived counts against the counts the Monitor and the treaty secretariats published (issue 10)."""

from datetime import date

import pytest

from icbl_analysis import cli
from icbl_analysis.engine.reconcile import derive, reconcile


@pytest.fixture(scope="module")
def table(data):
    return reconcile(data, 2011, 2015)


def test_no_open_difference_in_the_plan_years(table):
    assert len(table) > 90
    assert (table["outcome"] == "open").sum() == 0
    assert (table["outcome"] == "agreed").sum() >= 35


@pytest.mark.parametrize(
    "measure, treaty, on, published",
    [
        ("states_parties", "MBT", date(2011, 9, 30), 157),  # Tuvalu the 157th (LM2011)
        ("states_parties", "MBT", date(2011, 11, 28), 158),  # South Sudan by succession, Nov 2011
        ("states_parties", "MBT", date(2014, 8, 20), 162),  # Oman the 162nd
        ("states_parties", "CCM", date(2015, 1, 2), 89),  # Palestine the 89th
        ("stockpile_completed", "MBT", date(2010, 12, 2), 86),  # ICBL at the 10MSP
        ("stockpile_completed", "CCM", date(2013, 10, 25), 16),  # FYR Macedonia the 16th
        ("stockpile_completed", "CCM", date(2014, 3, 20), 18),  # Denmark the 18th
        ("art5_completed_in_year", "MBT", date(2012, 12, 7), 6),  # six declarations at the 12MSP (ISU; ICBL: five)
    ],
)
def test_derived_counts_equal_published_ones(data, measure, treaty, on, published):
    assert derive(data, measure, treaty, on).count == published


def test_differences_name_their_states_and_cite_a_reason(table):
    row = table[(table["measure"] == "art5_completed_cumulative") & (table["publisher"] == "Monitor LM2011")].iloc[0]
    # Nigeria the 18th (June 2011): Malawi's declaration is on record but undated, so the tables count 17; Montenegro's
    # press report and Namibia's and Niger's reports of no mined areas are no declarations of completion
    assert (row["published"], row["derived"], row["outcome"]) == (18, 17, "explained")
    assert row["states"] == "+MWI"
    assert "Malawi" in row["explanation"] and "landmine-free" in row["explanation"]
    # the Goal 2 count "States Parties with mined areas" is derived (the Monitor's confirmed or suspected)
    row = table[table["measure"] == "states_parties_mine_affected"].iloc[0]
    assert (row["published"], row["derived"], row["outcome"], row["states"]) == (44, 42, "explained", "+MNE +NAM")


def test_every_note_names_the_states_it_accounts_for(data):
    notes = data.reconciliation_notes
    assert len(notes) > 30
    for states in notes["states"]:
        assert all(code[0] in "+-" and code[1:].isalpha() and len(code) == 4 for code in states.split()), states


def test_g1_i10_agrees_with_the_published_stockpile_counts(data):
    from icbl_analysis.review.indicators import compute

    values = compute(data, [2010], ids={"G1.I10"})
    assert values.iloc[0]["value"] == derive(data, "stockpile_completed", "MBT", date(2010, 12, 31)).count == 86


def test_the_command_exits_non_zero_on_an_open_difference(tmp_path, data_copy, capsys):
    path = data_copy / "published_counts.csv"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "states_parties,MBT,2013-06-30,170,,ISU,,treaty,,https://example.org/made-up-for-the-test,"
        + "one hundred seventy,\n",
        encoding="utf-8",
    )
    assert cli.main(["reconcile", "--data", str(data_copy)]) == 1
    out, err = capsys.readouterr()
    assert "open" in out and "1 open difference" in err
    assert cli.main(["reconcile"]) == 0
