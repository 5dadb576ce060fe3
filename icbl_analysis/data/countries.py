"""Country names -> ISO3 codes, from the reviewed table `data/countries.csv`.

Knows the UN's, the Monitor's and the campaign's spellings ("Lao PDR", "State of Palestine",
"Bolivia (Plurinational State of)") and the Monitor's "other areas" (Kosovo XKX,
Nagorno-Karabakh XNK, Somaliland XSL, Taiwan TWN, Western Sahara ESH).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import get_close_matches
from functools import lru_cache

import pandas as pd

from ..core.errors import DataError
from ..core.paths import BUNDLED_DATA_DIR


def normalise(name: str) -> str:
    """Fold case, accents, punctuation and a leading 'the' so spellings compare equal."""
    text = name.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("&", " and ").replace("st.", "saint")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@lru_cache(maxsize=1)
def country_table() -> pd.DataFrame:
    """The bundled country table (iso3, name, kind, aliases). Namibia's code NA is a code, not a gap."""
    return pd.read_csv(BUNDLED_DATA_DIR / "countries.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table = country_table()
    mapping: dict[str, str] = {}
    for row in table.itertuples():
        for spelling in [row.iso3, row.name, *(row.aliases.split("|") if row.aliases else [])]:
            if spelling:
                mapping.setdefault(normalise(spelling), row.iso3)
    return mapping


@lru_cache(maxsize=1)
def known_codes() -> frozenset[str]:
    return frozenset(country_table()["iso3"])


def lookup_name(name) -> str | None:
    """The code for a known spelling, or None."""
    return _lookup().get(normalise(str(name))) if isinstance(name, str) else None


def did_you_mean(name) -> str:
    """'; did you mean Côte d'Ivoire (CIV)?' for a near spelling, else ''."""
    close = get_close_matches(normalise(str(name)), list(_lookup()), n=1, cutoff=0.75)
    return f"; did you mean {name_of(_lookup()[close[0]])} ({_lookup()[close[0]]})?" if close else ""


def to_iso3(name: str, *, file: str | None = None, row: int | None = None, column: str | None = None) -> str:
    """The ISO3 (or other-area) code for a name or code; DataError naming the value if unknown."""
    code = _lookup().get(normalise(str(name)))
    if code is None:
        raise DataError(
            f"unknown country or area{did_you_mean(name)} (add it to data/countries.csv if it is a real spelling)",
            file=file,
            row=row,
            column=column,
            value=name,
        )
    return code


def name_of(iso3: str) -> str:
    """The display name of a code."""
    names = _names()
    if iso3 not in names:
        raise DataError("unknown country or area code", column="iso3", value=iso3)
    return names[iso3]


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return dict(zip(country_table()["iso3"], country_table()["name"], strict=True))
