"""The rating rules, on small hand-made series."""

import pandas as pd
import pytest

from icbl_analysis.review import ratings


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
    status, reason = ratings.rate_indicator(frame, "increase", 2011, 2015)
    assert status == "undecided: published range"  # "more than 80" may be 90: a state of its own, not "no data"
    assert reason == (
        "more than 80 in 2011, 89 in 2015: the 2011 figure is a lower bound, which does not settle whether it went "
        "up or down"
    )
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


def measured(rows):
    return pd.DataFrame(rows, columns=["year", "value", "qualifier", "unit", "measure", "coverage", "caveat"])


LABELS = {
    "land_released_km2": "Land released (cleared, reduced, cancelled)",
    "land_cleared_km2": "Land cleared of mines",
}


def test_values_of_different_definitions_are_never_compared():
    frame = measured([(2011, 190, "at least", "km2", "land_released_km2", "", ""), (2015, 171, None, "km2",
                      "land_cleared_km2", "", "")])  # fmt: skip
    status, reason = ratings.rate_indicator(frame, "increase", 2011, 2015, labels=LABELS)
    assert status == "measured differently"
    assert reason.startswith("171 km² in 2015 is land cleared of mines; the 2011 figure, at least 190 km², is land "
                             "released (cleared, reduced, cancelled)")  # fmt: skip
    # a later year of the same measure is compared, and the reason says why the baseline was passed over
    frame = measured([(2011, 190, "at least", "km2", "land_released_km2", "", ""), (2014, 200, "about", "km2",
                      "land_cleared_km2", "", ""), (2015, 171, None, "km2", "land_cleared_km2", "", "")])  # fmt: skip
    status, reason = ratings.rate_indicator(frame, "increase", 2011, 2015, labels=LABELS)
    assert status == "off track" and reason.endswith(
        "(the 2011 figure is land released (cleared, reduced, cancelled): compared with 2014)"
    )
    # all states against States Parties only, or a row cautioned as counting something else: not compared
    frame = measured([(2011, 200, None, "km2", "land_cleared_km2", "all states and areas", ""),
                      (2015, 150, None, "km2", "land_cleared_km2", "States Parties only", "")])  # fmt: skip
    assert ratings.rate_indicator(frame, "increase", 2011, 2015, labels=LABELS)[0] == "measured differently"
    frame = measured([(2011, 81.9, None, "USD_million", "funding_by_donor", "", ""),
                      (2015, 10.9, None, "USD_million", "funding_by_donor", "", "victim-assistance only")])  # fmt: skip
    assert ratings.rate_indicator(frame, "increase", 2011, 2015)[0] == "measured differently"


def test_a_revised_figure_is_labelled_with_its_vintage():
    frame = pd.DataFrame(
        [{"year": 2011, "value": 4286.0, "unit": "casualties", "qualifier": None, "edition": "LM2012", "revised": 1},
         {"year": 2015, "value": 6461.0, "unit": "casualties", "qualifier": None, "edition": "LM2016", "revised": 0}]
    )  # fmt: skip
    status, reason = ratings.rate_indicator(frame, "decrease", 2011, 2015)
    assert (status, reason) == (
        "off track",
        "4,286 in 2011 (as first published in Landmine Monitor 2012), 6,461 in 2015: higher, the plan seeks lower",
    )
    latest = frame.assign(value=[4474.0, 6461.0], edition=["LM2013", "LM2016"], first_value=[4286.0, 6461.0],
                          first_edition=["LM2012", "LM2016"])  # fmt: skip
    reason = ratings.rate_indicator(latest, "decrease", 2011, 2015, vintage="latest")[1]
    assert reason.startswith("4,474 in 2011 (as revised in Landmine Monitor 2013), 6,461 in 2015")
