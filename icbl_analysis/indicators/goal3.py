"""Goal 3: measurable progress in the quality of life of victims."""

from __future__ import annotations

from . import indicator
from .common import from_facts


@indicator("G3.I05")
def victim_assistance_funding(data, years, vintage):
    return from_facts(data, "va_funding", years, vintage)
