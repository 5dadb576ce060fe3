"""ICBL-CMC strategic plan 2012-2015 review suite: data, obligation engine, indicators, charts.

Quick start in JupyterLab::

    import icbl_analysis as icbl
    icbl.states_parties("MBT", on="2015-12-31")            # who, since when, original deadlines
    icbl.clearance_status("MBT", on="2015-12-31")          # every Article 5 state: on track, extended, late...
    icbl.series("casualties_total", vintage="first")       # a Monitor figure per year, with edition and quote
    icbl.revisions("casualties_total", 2013)               # every edition's value for one year
"""

from __future__ import annotations

from . import facts as _facts
from . import obligations as _obligations
from .errors import DataError
from .load import ReviewData, load_data
from .treaties import count_states_parties as _count
from .treaties import states_parties as _states_parties

__all__ = [
    "DataError",
    "ReviewData",
    "load_data",
    "states_parties",
    "count_states_parties",
    "clearance_status",
    "stockpile_status",
    "series",
    "revisions",
]


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


def clearance_status(treaty: str, on, data_dir=None):
    """Every state with a clearance obligation (MBT Art. 5 / CCM Art. 4): deadline in force, status, reason."""
    data = load_data(data_dir)
    return _obligations.clearance_history(data.treaty_events, data.clearance_events, treaty, on, data.meetings)


def stockpile_status(treaty: str, on, data_dir=None):
    """Every State Party with a recorded stockpile (MBT Art. 4 / CCM Art. 3): deadline, completion, status."""
    data = load_data(data_dir)
    return _obligations.stockpile_history(data.treaty_events, data.stockpile_events, treaty, on, data.meetings)


def series(metric: str, place: str = "WLD", vintage: str = "latest", data_dir=None):
    """One Monitor figure per year ("first" published, "latest" edition, or an edition like "LM2013")."""
    return _facts.series(load_data(data_dir).monitor_facts, metric, place, vintage)


def revisions(metric: str, period, place: str = "WLD", data_dir=None):
    """Every edition's value of a Monitor figure for one year, oldest edition first."""
    return _facts.revisions(load_data(data_dir).monitor_facts, metric, period, place)
