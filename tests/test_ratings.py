"""The rating rules, on small hand-made series."""

import pandas as pd
import pytest

from icbl_analysis import ratings


def series(values: dict, unit="states", qualifiers: dict | None = None):
    qualifiers = qualifiers or {}
    return pd.DataFrame(
        [{"year": y, "value": v, "qualifier": qualifiers.get(y), "unit": unit} for y, v in values.items()],
        columns=["year", "value", "qualifier", "unit"],
    )


@pytest.mark.parametrize(
    "values, rule, status",
    [
        ({2011: 10, 2015: 12}, "increase", "on track"),
        ({2011: 10, 2015: 10}, "increase", "at risk"),
        ({2011: 10, 2015: 8}, "increase", "off track"),
        ({2011: 10, 2015: 8}, "decrease", "on track"),
        ({2011: 3, 2015: 3}, "decrease", "at risk"),
        ({2011: 0, 2015: 0}, "decrease", "on track"),
        ({2011: 4, 2015: 10}, "decrease", "off track"),
        ({2011: 1, 2012: 2, 2013: 1, 2014: 3, 2015: 1}, "positive_each_year", "on track"),
        ({2011: 1, 2012: 0, 2013: 1, 2014: 0, 2015: 1}, "positive_each_year", "at risk"),
        ({2011: 1, 2012: 0, 2013: 0, 2014: 0, 2015: 0}, "positive_each_year", "off track"),
        ({2011: None, 2015: 4}, "increase", "no data found"),
        ({2011: 4, 2015: None}, "increase", "no data found"),
    ],
)
def test_rules(values, rule, status):
    assert ratings.rate_indicator(series(values), rule, 2011, 2015)[0] == status


def test_missing_baseline_falls_back_to_the_first_later_year_and_says_so():
    status, reason = ratings.rate_indicator(series({2011: None, 2012: 281, 2015: 171}, "km2"), "increase", 2011, 2015)
    assert status == "off track"
    assert (
        reason == "281 km² in 2012, 171 km² in 2015: lower, the plan seeks higher (no 2011 value: compared with 2012)"
    )


def test_published_ranges_decide_only_where_they_do_not_overlap():
    frame = series({2011: 80, 2015: 89}, qualifiers={2011: "more than"})
    assert ratings.rate_indicator(frame, "increase", 2011, 2015)[0] == "no data found"  # "more than 80" may be 90
    frame = series({2011: 113, 2015: 140}, qualifiers={2015: "more than"})
    assert ratings.rate_indicator(frame, "increase", 2011, 2015)[0] == "on track"


def test_the_states_that_are_not_judgements():
    empty = series({2011: None, 2015: None})
    assert (
        ratings.rate_indicator(empty, "increase", 2011, 2015, researcher=True)[0] == "not assessable from public data"
    )
    assert ratings.rate_indicator(empty, "increase", 2011, 2015)[0] == "no data found"
    assert ratings.rate_indicator(series({2011: 5}), "increase", 2011, 2011)[0] == "baseline year"


def test_roll_up_takes_the_worst_rated_and_says_how_many_could_not_be_rated():
    frame = pd.DataFrame(
        {
            "objective": ["O01", "O01", "O01", "O02"],
            "status": ["on track", "at risk", "no data found", "not assessable from public data"],
            "plan": [True, True, True, True],
        }
    )
    rolled = ratings.roll_up(frame, "objective").set_index("objective")
    assert rolled.at["O01", "status"] == "at risk"
    assert rolled.at["O02", "status"] == "not rated"
    assert rolled.at["O01", "reason"] == "2 of 3 indicators rated: 1 on track, 1 at risk, 1 no data found"
