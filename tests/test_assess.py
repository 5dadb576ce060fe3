"""The rating rules, on small hand-made series."""

import pandas as pd
import pytest

from icbl_analysis import assess


def series(values: dict, unit="states"):
    return pd.DataFrame(
        [{"year": y, "value": v, "qualifier": None, "unit": unit} for y, v in values.items()],
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
        ({2011: None, 2015: 4}, "increase", "insufficient data"),
        ({2011: 4, 2015: None}, "increase", "insufficient data"),
    ],
)
def test_rules(values, rule, status):
    assert assess.rate_indicator(series(values), rule, 2011, 2015)[0] == status


def test_missing_baseline_falls_back_to_the_first_later_year_and_says_so():
    status, reason = assess.rate_indicator(series({2011: None, 2012: 281, 2015: 171}, "km2"), "increase", 2011, 2015)
    assert status == "off track"
    assert reason == "171 km² in 2015 against 281 km² in 2012 (higher is better); no 2011 value, compared with 2012"


def test_roll_up_takes_the_worst_rating_with_data():
    ratings = pd.DataFrame(
        {
            "objective": ["O01", "O01", "O01", "O02"],
            "status": ["on track", "at risk", "insufficient data", "insufficient data"],
        }
    )
    rolled = assess.roll_up(ratings, "objective").set_index("objective")
    assert rolled.at["O01", "status"] == "at risk"
    assert rolled.at["O02", "status"] == "insufficient data"
    assert rolled.at["O01", "reason"] == "1 on track, 1 at risk, 1 insufficient data"
