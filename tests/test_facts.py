"""Monitor figures as edition-aware facts (issue 4): vintages, revisions, qualifiers, gaps."""

import pytest

from icbl_analysis import facts as F
from icbl_analysis.errors import DataError


def test_first_published_and_revised_values_of_the_same_year(data):
    revisions = F.revisions(data.monitor_facts, "casualties_total", 2013)
    by_edition = dict(zip(revisions["edition"], revisions["value"], strict=False))
    assert by_edition["LM2014"] == 3308  # as first published
    assert by_edition["LM2017"] == 3450  # revised
    first = F.value_for(F.series(data.monitor_facts, "casualties_total", vintage="first"), 2013)
    latest = F.value_for(F.series(data.monitor_facts, "casualties_total", vintage="latest"), 2013)
    assert (first["value"], first["edition"]) == (3308, "LM2014")
    assert latest["edition"] > "LM2017" and latest["value"] > 3308


def test_named_edition_vintage(data):
    lm2013 = F.series(data.monitor_facts, "casualties_total", vintage="LM2013")
    assert list(lm2013["edition"].unique()) == ["LM2013"]
    assert F.value_for(lm2013, 2012)["value"] == 3628


def test_qualifier_survives(data):
    killed = F.series(data.monitor_facts, "casualties_killed", vintage="first")
    row = F.value_for(killed, 2010)
    assert (row["value"], row["qualifier"]) == (1155, "at least")
    assert F.format_value(row["value"], row["qualifier"]) == "at least 1,155"


def test_top_donor_amount_and_unit(data):
    donors = data.monitor_facts[(data.monitor_facts["metric"] == "funding_by_donor")]
    usa_2016 = donors[(donors["place"] == "USA") & (donors["period"] == "2016")].iloc[0]
    assert (usa_2016["value"], usa_2016["unit"], usa_2016["edition"]) == (152.1, "USD_million", "LM2017")


def test_cluster_munition_funding_is_kept_apart_from_mine_action_totals(data):
    intl = F.series(data.monitor_facts, "funding_international", vintage="first")
    assert not intl["edition"].str.startswith("CMM").any()
    assert F.value_for(intl, 2015)["value"] == 340.1


def test_missing_years_stay_missing(data):
    found = F.series(data.monitor_facts, "funding_international", vintage="first")
    assert "2011" in F.missing_periods(found, range(2009, 2016))  # LM2012's support chapter is not stored


def test_bad_vintage_and_metric_are_refused(data):
    with pytest.raises(DataError, match="vintage must be"):
        F.series(data.monitor_facts, "casualties_total", vintage="newest")
    with pytest.raises(DataError, match="unknown metric"):
        F.series(data.monitor_facts, "casualties_totl")
