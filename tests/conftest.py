"""Shared fixtures: the bundled data, loaded and validated once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import browser, lab, tab  # noqa: F401 - the real-browser fixtures (tests/browser.py)

from icbl_analysis.core.paths import BUNDLED_DATA_DIR
from icbl_analysis.data.load import load_data


@pytest.fixture(scope="session")
def data():
    return load_data()


@pytest.fixture(scope="session")
def events(data):
    return data.treaty_events


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the bundled data folder."""
    target = tmp_path / "data"
    shutil.copytree(BUNDLED_DATA_DIR, target, ignore=shutil.ignore_patterns("incoming", "templates"))
    return target


@pytest.fixture(scope="session")
def run_2015(tmp_path_factory):
    """The 2015 annual review, run once for every test that reads its outputs (no PDFs)."""
    from icbl_analysis.run.runner import run_annual

    return run_annual(2015, out_root=tmp_path_factory.mktemp("out"), pdf=False, progress=False)
