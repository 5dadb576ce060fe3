"""The treaty rules, one function each, against dates quoted by the treaty texts and sources."""

from datetime import date

import pytest

from icbl_analysis.core.errors import DataError
from icbl_analysis.engine import treaties as t


@pytest.mark.parametrize(
    "treaty, deposit, expected",
    [
        ("MBT", date(2014, 8, 20), date(2015, 2, 1)),  # Oman
        ("MBT", date(2012, 12, 27), date(2013, 6, 1)),  # Poland
        ("MBT", date(2000, 2, 29), date(2000, 8, 1)),  # Albania
        ("MBT", date(1997, 12, 3), date(1999, 3, 1)),  # Canada: before the 40th instrument
        ("MBT", date(1998, 9, 16), date(1999, 3, 1)),  # Burkina Faso, the 40th instrument
        ("CCM", date(2015, 1, 2), date(2015, 7, 1)),  # Palestine
        ("CCM", date(2016, 4, 6), date(2016, 10, 1)),  # Cuba
        ("CCM", date(2010, 2, 16), date(2010, 8, 1)),  # Moldova, the 30th instrument
    ],
)
def test_entry_into_force_first_day_of_sixth_month(treaty, deposit, expected):
    assert t.entry_into_force(treaty, deposit) == expected


def test_stockpile_and_clearance_deadlines():
    assert t.stockpile_deadline("MBT", date(2000, 8, 1)) == date(2004, 8, 1)  # Albania, 4 years
    assert t.clearance_deadline("MBT", date(2000, 8, 1)) == date(2010, 8, 1)  # LM2009: "Deadline: 1 August 2010"
    assert t.stockpile_deadline("CCM", date(2010, 8, 1)) == date(2018, 8, 1)  # 8 years
    assert t.clearance_deadline("CCM", date(2010, 8, 1)) == date(2020, 8, 1)


def test_withdrawal_takes_effect_six_months_after_notice():
    assert t.withdrawal_effective("MBT", date(2025, 6, 27)) == date(2025, 12, 27)  # Estonia, Latvia, Lithuania
    assert t.withdrawal_effective("MBT", date(2025, 7, 10)) == date(2026, 1, 10)  # Finland
    assert t.withdrawal_effective("CCM", date(2024, 9, 6)) == date(2025, 3, 6)  # Lithuania, CCM
    assert t.add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)


def test_status_sequence_for_one_state():
    member = {
        "signature": date(1997, 12, 3),
        "deposit": date(2012, 12, 27),
        "entry_into_force": date(2013, 6, 1),
        "withdrawal_notice": date(2025, 8, 20),
        "withdrawal_effective": date(2026, 2, 20),
    }
    assert t.status_on(member, "1997-01-01") == "not_party"
    assert t.status_on(member, "2000-01-01") == "signatory"
    assert t.status_on(member, "2013-01-01") == "deposited"
    assert t.status_on(member, "2015-12-31") == "in_force"
    assert t.status_on(member, "2025-12-31") == "withdrawing"
    assert t.status_on(member, "2026-02-20") == "withdrawn"


def test_unknown_treaty_and_basis_are_refused(events):
    with pytest.raises(DataError, match="unknown treaty"):
        t.entry_into_force("APII", date(2000, 1, 1))
    with pytest.raises(DataError, match="basis must be"):
        t.count_states_parties(events, "MBT", "2015-12-31", basis="ratification")
