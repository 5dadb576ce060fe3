"""Country names -> ISO3 codes, from the reviewed table `data/countries.csv`.

Knows the UN's, the Monitor's and the campaign's spellings ("Lao PDR", "State of Palestine",
"Bolivia (Plurinational State of)") and the Monitor's "other areas" (Kosovo XKX,
Nagorno-Karabakh XNK, Somaliland XSL, Taiwan TWN, Western Sahara ESH).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from .datasets import read_table
from .errors import DataError
from .paths import BUNDLED_DATA_DIR


def normalise(name: str) -> str:
    """Fold case, accents, punctuation and a leading 'the' so spellings compare equal."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ").replace("st.", "saint")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@lru_cache(maxsize=1)
def country_table() -> pd.DataFrame:
    """The bundled country table (iso3, name, kind, aliases)."""
    return read_table("countries", BUNDLED_DATA_DIR)


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table = country_table()
    mapping: dict[str, str] = {}
    for row in table.itertuples():
        for spelling in [row.iso3, row.name, *(row.aliases.split("|") if isinstance(row.aliases, str) else [])]:
            if spelling:
                mapping.setdefault(normalise(spelling), row.iso3)
    return mapping


def known_codes() -> set[str]:
    return set(country_table()["iso3"])


def lookup_name(name) -> str | None:
    """The code for a known spelling, or None."""
    return _lookup().get(normalise(str(name))) if isinstance(name, str) else None


def to_iso3(name: str, *, file: str | None = None, row: int | None = None, column: str | None = None) -> str:
    """The ISO3 (or other-area) code for a name or code; DataError naming the value if unknown."""
    code = _lookup().get(normalise(str(name)))
    if code is None:
        raise DataError(
            "unknown country or area name (add it to data/countries.csv if it is a real spelling)",
            file=file,
            row=row,
            column=column,
            value=name,
        )
    return code


def name_of(iso3: str) -> str:
    """The display name of a code."""
    table = country_table().set_index("iso3")
    if iso3 not in table.index:
        raise DataError("unknown country or area code", column="iso3", value=iso3)
    return str(table.at[iso3, "name"])
