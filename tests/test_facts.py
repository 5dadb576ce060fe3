"""Monitor figures as edition-aware facts (issue 4): vintages, revisions, qualifiers, gaps."""

import pytest

from icbl_analysis.core.errors import DataError
from icbl_analysis.engine import facts as F


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


def test_country_funding_received_first_published_and_revised(data):
    lao = F.revisions(data.monitor_facts, "funding_by_recipient", 2015, place="LAO")
    assert dict(zip(lao["edition"], lao["value"].round(1), strict=True)) == {"LM2016": 29.7, "LM2018": 38.2}
    assert set(lao["unit"]) == {"USD_million"}


def test_clearance_of_2014_as_first_published_and_restated(data):
    cleared = F.revisions(data.monitor_facts, "land_cleared_km2", 2014)
    assert list(zip(cleared["edition"], cleared["value"], cleared["qualifier"], strict=True)) == [
        ("LM2015", 200, "about"),  # Landmine Monitor 2015, reported by RTS at the launch
        ("LM2016", 201, "about"),
    ]
    assert set(cleared["unit"]) == {"km2"}


def test_country_contamination_keeps_confirmed_and_suspected_apart(data):
    facts = data.monitor_facts
    hrv = facts[(facts["place"] == "HRV") & (facts["period"] == "2015") & (facts["edition"] == "LM2016")]
    assert dict(zip(hrv["metric"], hrv["value"], strict=True)) == {
        "contaminated_area_confirmed_km2": 294,
        "contaminated_area_suspected_km2": 189,
    }


def test_states_parties_retaining_mines(data):
    retaining = F.series(data.monitor_facts, "states_parties_retaining_apm", vintage="first")
    assert F.value_for(retaining, 2011)["value"] == 76  # HRW/ICBL fact sheet, June 2011
    assert F.value_for(retaining, 2017)["value"] == 71  # Monitor FAQ, based on Landmine Monitor 2017


def test_country_casualties_keep_each_edition(data):
    colombia = F.revisions(data.monitor_facts, "casualties_total", 2010, place="COL")
    assert list(zip(colombia["edition"], colombia["value"], strict=True)) == [("LM2011", 512), ("LM2012", 540)]


def test_coverage_names_the_edition_of_each_value_and_leaves_gaps_blank(data):
    from icbl_analysis.review import indicators

    values = indicators.compute(data, range(2011, 2016), "first")
    table = indicators.coverage(values).set_index("indicator_id")
    assert table.loc["G1.I03", 2011] == "LM2011"  # government use, Landmine Monitor 2011
    assert table.loc["G2.I05", 2013] == "LM2014"  # international funding for 2013, first published in LM2014
    assert table.loc["G1.I14", 2015] == "derived"  # MBT States Parties, counted from treaty_events.csv
    assert table.loc["G3.I01", 2015] == "awaiting"  # answered only from the campaign's own records, none given
    assert table.loc["G3.I01", "answered_by"] == "campaign records"
    assert table.loc["G1.I14", "answered_by"] == "public record"
    public = values[values["answerable_from"] == "public"]
    blank = public[public["value"].isna()]
    assert len(blank) > 0
    for row in blank.itertuples():
        assert table.loc[row.indicator_id, row.year] == ""


def test_coverage_command_never_overwrites_a_file(tmp_path, capsys):
    from icbl_analysis import cli

    target = tmp_path / "coverage.csv"
    assert cli.main(["coverage", "--from", "2011", "--to", "2012", "--csv", str(target)]) == 0
    assert target.read_text().splitlines()[0] == "indicator_id,indicator,answered_by,2011,2012"
    target.write_text("my notes\n")
    assert cli.main(["coverage", "--csv", str(target)]) == 2
    assert "nothing was overwritten" in capsys.readouterr().err
    assert target.read_text() == "my notes\n"
    assert cli.main(["coverage", "--from", "2016", "--to", "2015"]) == 2


def test_producers_of_antipersonnel_mines_as_first_published():
    import icbl_analysis as icbl

    first = icbl.series("producers_apm", vintage="first").set_index("period")
    assert (float(first.loc["2011", "value"]), first.loc["2011", "edition"]) == (12.0, "LM2011")
    assert (float(first.loc["2014", "value"]), first.loc["2014", "edition"]) == (11.0, "LM2014")
