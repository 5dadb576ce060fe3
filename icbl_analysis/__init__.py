"""ICBL-CMC strategic plan 2012-2015 review suite: data, obligation engine, indicators, charts.

Quick start in JupyterLab (or notebooks/explore.ipynb, the same without code)::

    import icbl_analysis as icbl
    icbl.find("retained")                                  # metrics, indicators and states by words
    icbl.states_parties("MBT", on="2015-12-31")            # who, since when, original deadlines
    icbl.clearance_status("MBT", on="2015-12-31")          # every Article 5 state: on track, extended, late...
    icbl.timeline("Cambodia")                              # one state's dated record, each event with its source
    icbl.series("casualties_total", vintage="first")       # a Monitor figure per year, with edition and quote
    icbl.revisions("casualties_total", 2013)               # every edition's value for one year
    icbl.compare_editions("LM2015", "LM2016")              # what the newer edition revised
    icbl.treaty_view("MBT", on="2014-12-31", which="open").show()   # a view: chart, table, sources; .export()

Names are accepted where codes are expected ("Cambodia" for KHM, "Landmine Monitor 2016" for LM2016).
"""

from __future__ import annotations

from .core.errors import DataError
from .data.countries import to_iso3 as _iso3
from .data.load import ReviewData, load_data
from .engine import facts as _facts
from .engine import obligations as _obligations
from .engine.treaties import count_states_parties as _count
from .engine.treaties import states_parties as _states_parties
from .explore.views import _date, _edition, changes_view, find, metric_view, metrics, state_view, timeline, treaty_view
from .review.diff import compare_editions as _compare

__all__ = [
    "DataError",
    "ReviewData",
    "load_data",
    "find",
    "metrics",
    "states_parties",
    "count_states_parties",
    "clearance_status",
    "stockpile_status",
    "timeline",
    "series",
    "revisions",
    "compare_editions",
    "treaty_view",
    "state_view",
    "metric_view",
    "changes_view",
]


def states_parties(treaty: str, on, basis: str = "deposit", data_dir=None):
    """States Parties of `treaty` ("MBT" or "CCM") on a date, with their dates and original deadlines.

    >>> parties = states_parties("CCM", on="2015-12-31")
    >>> len(parties), parties.set_index("iso3").loc["AFG", "deposit"].isoformat()
    (98, '2011-09-08')
    """
    frame = _states_parties(load_data(data_dir).treaty_events, treaty, on, basis)
    cols = ["iso3", "state", "status", "party_since", "deposit", "instrument", "entry_into_force",
            "stockpile_deadline", "clearance_deadline"]  # fmt: skip
    return frame[cols]


def count_states_parties(treaty: str, on, basis: str = "deposit", data_dir=None) -> int:
    """How many States Parties `treaty` had on a date (basis 'deposit' or 'entry_into_force').

    >>> count_states_parties("MBT", on="2015-12-31")
    162
    """
    return _count(load_data(data_dir).treaty_events, treaty, on, basis)


def clearance_status(treaty: str, on, data_dir=None, basis: str = "treaty"):
    """Every state with a clearance obligation (MBT Art. 5 / CCM Art. 4): deadline in force, status, reason.

    `basis="treaty"` (the default) counts as the treaty secretariats do: the States Parties' declarations and
    the meetings' decisions, from entry into force; `basis="monitor"` counts as the Monitor does (from the
    deposit of the instrument, completions from the day the clearance finished, the Monitor's own findings).
    The `basis` column says which.

    >>> status = clearance_status("MBT", on="2011-12-31").set_index("iso3")
    >>> status.loc["BIH", ["status", "deadline"]].tolist()
    ['extended', datetime.date(2019, 3, 1)]
    >>> clearance_status("MBT", on="2013-06-30", basis="monitor").set_index("iso3").loc["BTN", "status"]
    'completed_on_time'
    """
    data = load_data(data_dir)
    return _obligations.history(data, treaty, "clearance", _date(on), basis)


def stockpile_status(treaty: str, on, data_dir=None, basis: str = "treaty"):
    """Every State Party with a recorded stockpile (MBT Art. 4 / CCM Art. 3): deadline, completion, status,
    on `basis` ("treaty" or "monitor", as for `clearance_status`).

    >>> stockpile_status("MBT", on="2015-12-31").set_index("iso3").loc["BLR", "status"]
    'missed_outstanding'
    """
    data = load_data(data_dir)
    return _obligations.history(data, treaty, "stockpile", _date(on), basis)


def series(metric: str, place: str = "World", vintage: str = "latest", data_dir=None):
    """One Monitor figure per year ("first" published, "latest" edition, or an edition like "LM2013").

    >>> first = series("casualties_total", vintage="first").set_index("period")
    >>> float(first.loc["2014", "value"]), first.loc["2014", "edition"]
    (3678.0, 'LM2015')
    """
    return _facts.series(load_data(data_dir).monitor_facts, metric, _iso3(place, column="place"), vintage)


def revisions(metric: str, period, place: str = "World", data_dir=None):
    """Every edition's value of a Monitor figure for one year, oldest edition first.

    >>> revisions("casualties_total", 2014)[["edition", "value"]].drop_duplicates("edition").values.tolist()[:2]
    [['LM2015', 3678.0], ['LM2016', 3695.0]]
    """
    return _facts.revisions(load_data(data_dir).monitor_facts, metric, period, _iso3(place, column="place"))


def compare_editions(old: str, new: str, data_dir=None):
    """The figures `new` revised, states first and no longer states, and the plan ratings that move.

    >>> diff = compare_editions("LM2015", "LM2016")
    >>> row = diff.changes[(diff.changes["metric"] == "casualties_total") & (diff.changes["period"] == "2014")
    ...                    & (diff.changes["place"] == "WLD")]
    >>> row[["change", "old_value", "new_value"]].values.tolist()
    [['revised', 3678.0, 3695.0]]
    """
    return _compare(load_data(data_dir), _edition(old), _edition(new))
