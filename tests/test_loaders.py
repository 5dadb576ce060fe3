"""Bad input gets one clear message naming file, row, column and value."""

import csv

import pytest

from icbl_analysis.core.errors import DataError
from icbl_analysis.data import countries
from icbl_analysis.data.load import load, load_data, read_table, validate_folder


def rewrite(path, edit):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    edit(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def test_bundled_data_validates():
    assert validate_folder() == []


def test_malformed_csv(data_copy):
    path = data_copy / "treaty_events.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'AFG,"unclosed\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"treaty_events.csv, row \d+: malformed CSV"):
        read_table("treaty_events", data_copy)


def test_missing_column(data_copy):
    rewrite(data_copy / "monitor_facts.csv", lambda rows: [r.pop(3) for r in rows])
    with pytest.raises(DataError, match=r"monitor_facts.csv, row 1: missing required column\(s\) \['value'\]"):
        read_table("monitor_facts", data_copy)


def test_bad_date(data_copy):
    def edit(rows):
        rows[5][5] = "31/12/2012"

    rewrite(data_copy / "treaty_events.csv", edit)
    with pytest.raises(DataError) as err:
        read_table("treaty_events", data_copy)
    assert (err.value.row, err.value.column, err.value.value) == (6, "date", "31/12/2012")
    assert "treaty_events.csv" in str(err.value) and "YYYY-MM-DD" in str(err.value)


def test_negative_value_and_year_out_of_range(data_copy):
    def negative(rows):
        rows[2][3] = "-5"

    rewrite(data_copy / "monitor_facts.csv", negative)
    with pytest.raises(DataError, match=r"row 3, column 'value', value '-5': must be at least 0"):
        load("monitor_facts", data_copy)

    def far_year(rows):
        rows[2][2] = "2099"

    rewrite(data_copy / "retained_mines.csv", far_year)
    with pytest.raises(DataError, match=r"column 'year', value '2099': must be at most 2030"):
        load("retained_mines", data_copy)


def test_unknown_country_code(data_copy):
    def edit(rows):
        rows[1][0] = "XYZ"

    rewrite(data_copy / "treaty_events.csv", edit)
    with pytest.raises(DataError, match=r"treaty_events.csv, row 2, column 'iso3', value 'XYZ': unknown country"):
        load("treaty_events", data_copy)


def test_duplicate_row(data_copy):
    rewrite(data_copy / "monitor_facts.csv", lambda rows: rows.append(list(rows[1])))
    with pytest.raises(DataError, match="duplicate row"):
        load("monitor_facts", data_copy)


def test_validate_folder_lists_every_problem(data_copy):
    def edit(rows):
        rows[1][5] = "not a date"
        rows[2][0] = "ZZZ"

    rewrite(data_copy / "treaty_events.csv", edit)
    problems = validate_folder(data_copy)
    assert len(problems) == 2


def test_country_names_used_by_the_un_the_monitor_and_the_campaign():
    for name, code in [
        ("Lao PDR", "LAO"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("State of Palestine", "PSE"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Micronesia", "FSM"),
        ("Holy See", "VAT"),
        ("Kosovo", "XKX"),
        ("Nagorno-Karabakh", "XNK"),
        ("Somaliland", "XSL"),
        ("Taiwan", "TWN"),
        ("Western Sahara", "ESH"),
        ("Namibia", "NAM"),
        ("Türkiye", "TUR"),
        ("DR Congo", "COD"),
        ("Congo", "COG"),
        ("Republic of Korea", "KOR"),
        ("The Gambia", "GMB"),
    ]:
        assert countries.to_iso3(name) == code
    with pytest.raises(DataError, match=r"my.csv, row 4, column 'country', value 'Atlantis'"):
        countries.to_iso3("Atlantis", file="my.csv", row=4, column="country")


def test_researcher_rows_merge_and_contradictions_are_refused(tmp_path, data):
    user = tmp_path / "mine"
    user.mkdir()
    header = "metric,period,place,value,unit,qualifier,edition,source_url,quote,note\n"
    (user / "monitor_facts.csv").write_text(
        header + "casualties_total,2025,WLD,5000,casualties,,LM2026,https://example.org/lm2027,draft,unpublished\n",
        encoding="utf-8",
    )
    merged = load_data(user_dir=user).monitor_facts
    assert len(merged) == len(data.monitor_facts) + 1
    (user / "monitor_facts.csv").write_text(
        header + "casualties_total,2013,WLD,9999,casualties,,LM2014,https://example.org/x,typo,\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match=r"mine/monitor_facts.csv, row 2, column 'value', value 9999: contradicts"):
        load("monitor_facts", user_dir=user)
    replaced = load("monitor_facts", user_dir=user, mode="replace")
    assert len(replaced) == 1


@pytest.mark.parametrize(
    "row, column, message",
    [
        (
            "casualties_totl,2025,WLD,5,casualties",
            "metric",
            "unknown metric (not in metrics.csv); did you mean casualties_total?",
        ),
        ("casualties_total,2025,WLD,5,km2", "unit", "casualties_total is counted in casualties"),
        ("funding_by_donor,2025,WLD,5,USD_million", "place", "funding_by_donor needs place a country or area, not WLD"),
    ],
)
def test_facts_must_use_a_catalogued_metric_in_its_unit(tmp_path, row, column, message):
    from icbl_analysis.data.load import validate_folder

    user = tmp_path / "mine"
    user.mkdir()
    (user / "monitor_facts.csv").write_text(
        "metric,period,place,value,unit,qualifier,edition,source_url,quote,note\n"
        f"{row},,LM2026,https://example.org/lm2027,draft,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        load("monitor_facts", user_dir=user)
    assert f"mine/monitor_facts.csv, row 2, column '{column}'" in str(caught.value)
    assert message in str(caught.value)
    assert [str(p) for p in validate_folder(user, partial=True)] == [str(caught.value)]


def test_a_researcher_can_define_a_new_metric(tmp_path):
    user = tmp_path / "mine"
    user.mkdir()
    (user / "metrics.csv").write_text(
        "metric,unit,places,meaning\nva_survivors_reached,casualties,country,Survivors reached by services\n",
        encoding="utf-8",
    )
    (user / "monitor_facts.csv").write_text(
        "metric,period,place,value,unit,qualifier,edition,source_url,quote,note\n"
        "va_survivors_reached,2015,Cambodia,120,casualties,,LM2016,https://example.org/va,internal table,\n",
        encoding="utf-8",
    )
    facts = load_data(user_dir=user).monitor_facts
    assert facts[facts["metric"] == "va_survivors_reached"]["place"].tolist() == ["KHM"]


def test_researcher_indicator_template_is_documented():
    from icbl_analysis.core.paths import BUNDLED_DATA_DIR

    header = (BUNDLED_DATA_DIR / "templates" / "researcher_indicators.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "indicator_id,year,value,unit,source,note"


def test_names_are_accepted_where_codes_are_expected(tmp_path):
    user = tmp_path / "mine"
    user.mkdir()
    (user / "monitor_facts.csv").write_text(
        "metric,period,place,value,unit,qualifier,edition,source_url,quote,note\n"
        "casualties_total,2025,Lao PDR,41,casualties,,LM2026,https://example.org/lm2027,draft,\n"
        "casualties_total,2025,Atlantis,1,casualties,,LM2026,https://example.org/lm2027,draft,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"mine/monitor_facts.csv, row 3, column 'place', value 'Atlantis': unknown"):
        read_table("monitor_facts", user)
    path = user / "monitor_facts.csv"
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    assert list(read_table("monitor_facts", user)["place"]) == ["LAO"]


def test_templates_match_the_schema_and_never_overwrite(tmp_path):
    from icbl_analysis.core.paths import BUNDLED_DATA_DIR
    from icbl_analysis.data.blank_tables import write_templates
    from icbl_analysis.data.load import USER_TABLES
    from icbl_analysis.data.schema import resource

    for name in USER_TABLES:
        header = (BUNDLED_DATA_DIR / "templates" / resource(name)["path"]).read_text(encoding="utf-8").strip()
        assert header.split(",") == [f["name"] for f in resource(name)["schema"]["fields"]]
    (tmp_path / "monitor_facts.csv").write_text("my own rows\n", encoding="utf-8")
    written = write_templates(tmp_path)
    assert len(written) == len(USER_TABLES)  # the other templates and the README
    assert (tmp_path / "monitor_facts.csv").read_text(encoding="utf-8") == "my own rows\n"
    problems = validate_folder(tmp_path, partial=True)  # blank templates are valid; the odd file is not
    assert [(p.row, "missing required column" in str(p)) for p in problems] == [(1, True)]


def test_bundled_templates_readme_is_current():
    from icbl_analysis.core.paths import BUNDLED_DATA_DIR
    from icbl_analysis.data.blank_tables import templates_readme

    assert (BUNDLED_DATA_DIR / "templates" / "README.md").read_text(encoding="utf-8") == templates_readme()
