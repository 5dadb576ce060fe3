"""ICBL-CMC strategic plan 2012-2015 review suite: data, obligation engine, indicators, charts.

Quick start in JupyterLab::

    import icbl_analysis as icbl
    icbl.states_parties("MBT", on="2015-12-31")      # who, since when, original deadlines
"""

from __future__ import annotations

from .data import ReviewData, load_data
from .errors import DataError
from .treaties import count_states_parties as _count
from .treaties import states_parties as _states_parties

__all__ = ["DataError", "ReviewData", "load_data", "states_parties", "count_states_parties"]


def states_parties(treaty: str, on, basis: str = "deposit", data_dir=None):
    """States Parties of `treaty` ("MBT" or "CCM") on a date, with their dates and original deadlines."""
    frame = _states_parties(load_data(data_dir).treaty_events, treaty, on, basis)
    cols = [
        "iso3",
        "state",
        "status",
        "party_since",
        "deposit",
        "instrument",
        "entry_into_force",
        "stockpile_deadline",
        "clearance_deadline",
    ]
    return frame[cols]


def count_states_parties(treaty: str, on, basis: str = "deposit", data_dir=None) -> int:
    """How many States Parties `treaty` had on a date (basis 'deposit' or 'entry_into_force')."""
    return _count(load_data(data_dir).treaty_events, treaty, on, basis)
