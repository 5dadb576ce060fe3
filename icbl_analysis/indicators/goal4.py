"""Goal 4: ICBL-CMC and the Monitor as the authoritative voice."""

from __future__ import annotations

from . import indicator
from .common import from_facts


@indicator("G4.I07")
def article7_reporting(data, years, vintage):
    return from_facts(data, "article7_reporting_rate", years, vintage)
