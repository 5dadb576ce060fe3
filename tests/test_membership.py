"""Treaty membership from the bundled, cited events against published figures."""

from datetime import date

import pytest

import icbl_analysis as icbl
from icbl_analysis.engine import treaties as t


# The Cook Islands' MBT ratification (16 March 2006) comes from German Wikinews, the one stored source
# giving it; with it every published year-end count is matched exactly, with no undetermined state.
@pytest.mark.parametrize(
    "on, published",
    [
        (date(2012, 12, 31), 161),
        (date(2013, 12, 31), 161),
        (date(2014, 12, 31), 162),
        (date(2015, 12, 31), 162),
        (date(2018, 12, 31), 164),
        (date(2024, 12, 31), 164),
    ],
)
def test_mbt_states_parties_at_year_end_by_deposit(events, on, published):
    assert t.count_states_parties(events, "MBT", on) == published
    assert t.undetermined(events, "MBT", on) == []


def test_mbt_after_the_2025_26_withdrawals(events):
    # 166 joined (Tonga, June 2025); Estonia, Latvia, Lithuania left 27 Dec 2025, Finland 10 Jan 2026,
    # Poland 20 Feb 2026; Ukraine's withdrawal is suspended by Art. 20(3).
    on = date(2025, 7, 1)
    assert t.count_states_parties(events, "MBT", on) == 166
    assert t.count_states_parties(events, "MBT", date(2025, 12, 31)) == 163
    assert t.count_states_parties(events, "MBT", date(2026, 3, 1)) == 161
    assert t.undetermined(events, "MBT", date(2005, 12, 31)) == []
    cook = t.membership(events, "MBT").set_index("iso3").loc["COK"]
    assert (cook["deposit"], cook["entry_into_force"]) == (date(2006, 3, 16), date(2006, 9, 1))
    status = t.status_table(events, "MBT", date(2026, 3, 1)).set_index("iso3")["status"]
    assert status["EST"] == status["FIN"] == status["POL"] == "withdrawn"
    assert status["UKR"] == "withdrawing"


def test_ccm_counts_and_lithuanias_withdrawal(events):
    assert t.count_states_parties(events, "CCM", date(2015, 12, 31)) == 98
    assert t.count_states_parties(events, "CCM", date(2023, 12, 31)) == 112
    assert t.count_states_parties(events, "CCM", date(2025, 3, 6)) == 111
    assert t.status_table(events, "CCM", date(2025, 3, 6)).set_index("iso3").at["LTU", "status"] == "withdrawn"


def test_legal_count_lags_the_monitors_count(events):
    # Poland deposited 27 Dec 2012 (counted by the Monitor) but was bound only from 1 Jun 2013.
    on = date(2012, 12, 31)
    assert (
        t.count_states_parties(events, "MBT", on, "entry_into_force") == t.count_states_parties(events, "MBT", on) - 1
    )


@pytest.mark.parametrize(
    "treaty, iso3, ordinal",
    [
        ("CCM", "LTU", 55),
        ("CCM", "PSE", 89),
        ("CCM", "CUB", 99),
        ("CCM", "PLW", 100),
        ("CCM", "NGA", 111),
        ("CCM", "SSD", 112),
        ("MBT", "OMN", 162),
        ("MBT", "LKA", 163),
        ("MBT", "PSE", 164),
        ("MBT", "MHL", 165),
        ("MBT", "TON", 166),
        ("MBT", "POL", 161),
        ("MBT", "FIN", 159),
    ],
)
def test_ordinals_of_named_accessions(events, treaty, iso3, ordinal):
    assert t.ordinal(events, treaty, iso3) == ordinal


@pytest.mark.parametrize(
    "treaty, iso3, quoted",
    [
        ("MBT", "OMN", date(2015, 2, 1)),
        ("MBT", "POL", date(2013, 6, 1)),
        ("MBT", "ALB", date(2000, 8, 1)),
        ("MBT", "FIN", date(2012, 7, 1)),
        ("MBT", "AFG", date(2003, 3, 1)),
    ],
)
def test_derived_entry_into_force_matches_the_quoted_date(events, treaty, iso3, quoted):
    row = t.membership(events, treaty).set_index("iso3").loc[iso3]
    assert row["entry_into_force"] == quoted == row["quoted_entry_into_force"]


def test_every_quoted_entry_into_force_agrees_with_the_rule_or_is_a_recorded_conflict(events):
    table = t.membership(events, "MBT")
    table = table[table["quoted_entry_into_force"].notna()]
    differ = table[table["entry_into_force"] != table["quoted_entry_into_force"]]
    # Only these disagree, and each has a second source row noting the conflict.
    assert set(differ["iso3"]) <= {"BEN", "MYS", "MUS", "TTO", "HRV"}


def test_complete_lists(events):
    mbt, ccm = t.membership(events, "MBT"), t.membership(events, "CCM")
    assert mbt["deposit"].notna().sum() == 166
    assert mbt["signature"].notna().sum() == 133
    assert ccm["deposit"].notna().sum() == 112
    assert ccm["signature"].notna().sum() == 108


def test_two_line_question_from_the_issue():
    parties = icbl.states_parties("MBT", on="2015-12-31")
    assert len(parties) == 162  # as published (LM2015, LM2016)
    oman = parties.set_index("iso3").loc["OMN"]
    assert oman["party_since"] == date(2014, 8, 20)
    assert oman["stockpile_deadline"] == date(2019, 2, 1)
    assert oman["clearance_deadline"] == date(2025, 2, 1)


@pytest.mark.parametrize(
    "treaty, iso3, chosen, other",
    [
        ("MBT", "TON", date(2025, 6, 25), "2025-06-26"),  # sources differ between 25 and 26 June 2025
        ("MBT", "ARG", date(1999, 9, 14), "1999-07-21"),  # LM2004's date contradicts its own entry into force
        ("MBT", "SWE", date(1998, 11, 30), "1998-11-25"),  # treaty secretariat preferred over the Monitor
        ("CCM", "IRQ", date(2013, 5, 14), "2013-05-15"),  # Monitor/CMC against Iraq's mine action agency
    ],
)
def test_where_sources_disagree_the_choice_is_pinned_and_the_other_recorded(events, treaty, iso3, chosen, other):
    row = t.membership(events, treaty).set_index("iso3").loc[iso3]
    assert row["deposit"] == chosen
    assert other in row["conflicts"]
