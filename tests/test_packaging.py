"""The project's own contracts: one dependency list, a described data folder, thin notebooks."""

import json
import re
import tomllib

import nbformat
import pytest
import yaml

from icbl_analysis.core.paths import BUNDLED_DATA_DIR, NOTEBOOKS_DIR, REPO_DIR
from icbl_analysis.data.schema import descriptor, table_names


def test_environment_yml_installs_the_package_from_pyproject():
    project = tomllib.loads((REPO_DIR / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((REPO_DIR / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.removeprefix("python") == project["requires-python"]
    pip = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert pip == ['-e ".[dev]"']  # the dependency list lives in pyproject.toml only
    names = {re.split(r"[<>=\[]", d)[0] for d in project["dependencies"]}
    assert {"jupyterlab", "pandas", "matplotlib", "seaborn", "papermill", "nbval"} <= names


def test_every_data_file_is_described_and_every_table_exists():
    described = {r["path"] for r in descriptor()["resources"]}
    on_disk = {p.name for p in BUNDLED_DATA_DIR.glob("*.csv")}
    assert on_disk <= described
    for res in descriptor()["resources"]:
        assert res.get("optional") or (BUNDLED_DATA_DIR / res["path"]).exists(), res["name"]
        assert res["schema"]["fields"], res["name"]
    assert "treaty_events" in table_names()


def test_cited_tables_list_their_sources_with_access_dates():
    for res in descriptor()["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        if "source_url" in fields:
            assert res["sources"], res["name"]
            assert all(s["accessed"] and s["path"].startswith("https://") for s in res["sources"])


@pytest.mark.parametrize("name", ["overview", "goal1", "goal2", "goal3", "goal4", "country_profile"])
def test_notebooks_are_thin_and_parameterised(name):
    nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert "review_year: int = 2015" in code[0].source
    for cell in code[1:]:
        lines = [ln for ln in cell.source.splitlines() if ln.strip()]
        assert len(lines) <= 4, cell.source  # short cells calling into icbl_analysis
        assert not any(ln.lstrip().startswith(("def ", "for ", "class ")) for ln in lines)
    assert all(c.get("outputs", []) == [] for c in code)  # committed without outputs


@pytest.mark.parametrize("goal, objectives", [(1, 7), (2, 5), (3, 4), (4, 5)])
def test_goal_notebooks_tell_the_story_objective_by_objective(goal, objectives):
    nb = nbformat.read(NOTEBOOKS_DIR / f"goal{goal}.ipynb", as_version=4)
    sections = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    calls = [c.source for c in nb.cells if c.cell_type == "code" and "nb.objective(" in c.source]
    assert len(calls) == objectives  # each objective: what it asks (markdown), then the finding from the data
    assert len(sections) >= objectives + 1
    assert all(len(c.source.split()) >= 8 for c in sections[1:])  # a sentence on what the objective asks


def test_indicator_catalogue_matches_the_plan():
    plan = REPO_DIR.parent / "shared" / "strategic-plan.md"
    import csv

    rows = list(csv.DictReader((BUNDLED_DATA_DIR / "indicators.csv").open(encoding="utf-8")))
    assert sum(r["plan"] == "yes" for r in rows) == 52  # the plan's indicators, plus charted context measures
    assert {r["id"] for r in rows if r["plan"] == "no"} == {"G3.C01", "G3.C02"}
    if plan.exists():  # CI has ../shared beside the clone
        assert len(re.findall(r"^\| G\d\.I\d\d \|", plan.read_text(), re.M)) == 52
    json.loads((BUNDLED_DATA_DIR / "datapackage.json").read_text())


def test_the_data_build_reproduces_every_table_byte_for_byte(tmp_path):
    import shutil

    from icbl_analysis.data.build import build

    copy = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA_DIR, copy)
    out, _ = build(copy, write=True)
    assert {"treaty_events.csv", "clearance_events.csv", "monitor_facts.csv", "datapackage.json"} <= set(out)
    for name in out:
        assert (copy / name).read_bytes() == (BUNDLED_DATA_DIR / name).read_bytes(), name


def test_a_batch_column_no_table_knows_is_an_error(tmp_path):
    import shutil

    from icbl_analysis.core.errors import DataError
    from icbl_analysis.data.build import build

    copy = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA_DIR, copy)
    batch = copy / "incoming" / "use_reports.csv"
    lines = batch.read_text(encoding="utf-8").splitlines()
    batch.write_text("\n".join([lines[0] + ",colour"] + [ln + ",red" for ln in lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"use_reports.csv, row 1: unknown column\(s\) \['colour'\]"):
        build(copy, write=False)


def test_the_datapackage_passes_the_frictionless_validator():
    from frictionless import Package

    report = Package(str(BUNDLED_DATA_DIR / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
