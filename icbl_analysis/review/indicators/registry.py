"""Where each computed indicator registers its function, and the row shape they all return."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

COLUMNS = ["year", "value", "unit", "qualifier", "edition", "source_url", "quote", "note"]
# what each value is, so that ratings compare like with like (filled in by `indicators.compute` where a
# computation leaves them out): the measure (a Monitor metric, or what a count counts), the states it covers,
# a caution on the row, the kind of source (Monitor, treaty records, campaign records...), the counting basis,
# and whether another edition states the figure otherwise
DEFINITION = ["measure", "coverage", "caveat", "source_kind", "basis", "revised", "first_value", "first_edition",
              "confirmed_url", "confirmed_edition"]  # fmt: skip
REGISTRY: dict[str, Callable] = {}


def indicator(indicator_id: str):
    """Register a function as the computation of one indicator: (data, years, vintage, published_by) -> rows."""

    def wrap(func):
        REGISTRY[indicator_id] = func
        return func

    return wrap


def rows_frame(rows: list[dict]) -> pd.DataFrame:
    """Indicator rows in the common shape; a year without a value keeps value None (a gap stays a gap)."""
    return pd.DataFrame(rows, columns=COLUMNS + [c for c in DEFINITION if any(c in r for r in rows)])


def year_of_period(period: str) -> int:
    """'2012' -> 2012; a ban-policy period '2012-2013' belongs to its closing year 2013."""
    return int(str(period).split("-")[-1])
