"""Reading a table into a typed frame, and merging a researcher's rows into the bundled ones.

Dates become `datetime.date`, empty cells None, and `_line` holds each row's line in its file. Country
columns accept a name where a code is expected ("Lao PDR" -> LAO). The schema's constraints are checked by
validate.py (Frictionless and our own checks), not here.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd

from ..core.errors import DataError
from ..core.paths import data_dir as resolve_data_dir
from . import schema
from .countries import did_you_mean, known_codes, lookup_name


def _country_columns(name: str) -> set[str]:
    return {
        fk["fields"]
        for fk in schema.resource(name)["schema"].get("foreignKeys", [])
        if fk["reference"]["resource"] == "countries" and isinstance(fk["fields"], str)
    }


def _typed(raw: str, kind: str, where: dict):
    if raw == "":
        return None
    try:
        if kind == "integer":
            value = int(raw)
            if abs(value) >= 2**63:
                raise OverflowError
            return value
        if kind == "number":
            return float(raw)
        if kind == "date":
            return date.fromisoformat(raw)
        return raw
    except ValueError:
        expected = {"integer": "a whole number", "number": "a number", "date": "a date YYYY-MM-DD"}[kind]
        raise DataError(f"expected {expected}", **where) from None
    except OverflowError:
        raise DataError("a whole number too large for any count (more than 18 digits): a typo?", **where) from None


def read_table(name: str, folder: str | Path | None = None) -> pd.DataFrame:
    """Read one table of `folder` (default: the bundled data) into a typed frame.

    Country columns accept a name where a code is expected ("Lao PDR" -> LAO). The schema's
    constraints are checked by `validate_folder` (and so by `load_data`), not here.
    """
    res = schema.resource(name)
    path = resolve_data_dir(folder) / res["path"]
    if not path.exists():
        raise DataError(f"table {name!r} not found (expected the file {res['path']})", file=str(path))
    schema.check_file(path, path.parent)
    columns = schema.fields(name)
    kinds = {f["name"]: f["type"] for f in columns}
    countries = _country_columns(name)
    rows = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, strict=True)
        try:
            header = [h.strip() for h in next(reader, [])]
            if not header:
                raise DataError("the file is empty (no header line)", file=str(path))
            check_header(header, columns, path)
            for line, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    raise DataError(f"has {len(cells)} cells, the header has {len(header)}", file=str(path), row=line)
                record = {"_line": line}
                for col, raw in zip(header, cells, strict=True):
                    raw = raw.strip()
                    where = {"file": str(path), "row": line, "column": col, "value": raw}
                    if col in countries and raw and raw not in known_codes():
                        code = lookup_name(raw)
                        if code is None:
                            hint = did_you_mean(raw)
                            raise DataError(f"unknown country or area: not in data/countries.csv{hint}", **where)
                        raw = code
                    record[col] = _typed(raw, kinds[col], where)
                rows.append(record)
        except csv.Error as exc:
            raise DataError(f"malformed CSV ({exc})", file=str(path), row=reader.line_num) from None
    frame = pd.DataFrame(rows, columns=["_line"] + [f["name"] for f in columns])
    for f in columns:
        if f["type"] == "integer":
            frame[f["name"]] = frame[f["name"]].astype("Int64")
        elif f["type"] == "number":
            frame[f["name"]] = frame[f["name"]].astype("Float64")
    frame.attrs["source_file"] = str(path)
    frame.attrs["columns"] = header  # the columns the file has (a researcher may leave optional ones out)
    return frame


def check_header(header: list[str], columns: list[dict], path: Path) -> None:
    names = [f["name"] for f in columns]
    for sep, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(header) == 1 and sep in header[0]:
            raise DataError(
                f"the columns are separated by {name}, not commas (Excel does this in some languages); "
                "save it as 'CSV UTF-8 (Comma delimited)'",
                file=str(path),
                row=1,
            )
    missing = [f["name"] for f in columns if f.get("constraints", {}).get("required") and f["name"] not in header]
    if missing:
        raise DataError(f"missing required column(s) {missing}; the header is {header}", file=str(path), row=1)
    unknown = [h for h in header if h not in names]
    if unknown:
        raise DataError(f"unknown column(s) {unknown}; expected {names}", file=str(path), row=1)


def empty_table(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=["_line"] + [f["name"] for f in schema.fields(name)])


def _same(a, b) -> bool:
    """Cells compare equal when both are empty (None or NaN) or equal as text."""
    empty_a, empty_b = a is None or (isinstance(a, float) and a != a), b is None or (isinstance(b, float) and b != b)
    if empty_a or empty_b:
        return empty_a and empty_b
    return str(a) == str(b)


def merge(base: pd.DataFrame, user: pd.DataFrame, res: dict) -> pd.DataFrame:
    """Add a researcher's rows to the bundled ones; refuse rows that contradict them (an identical restatement
    of a bundled row is accepted and kept once)."""
    key = [k for k in res["schema"].get("primaryKey", []) if k not in ("source_url",)]
    given = user.attrs.get("columns") or list(user.columns)  # a column the file leaves out says nothing
    value_cols = [
        f["name"]
        for f in res["schema"]["fields"]
        if f["name"] not in key and f["name"] not in ("source_url", "quote", "note", "state") and f["name"] in given
    ]
    if key and value_cols and len(base):
        bundled: dict[tuple, list[dict]] = {}
        for row in base.to_dict("records"):
            bundled.setdefault(tuple(str(row[k]) for k in key), []).append(row)
        for row in user.to_dict("records"):
            same_key = bundled.get(tuple(str(row[k]) for k in key), [])
            if not same_key or any(all(_same(row[c], b[c]) for c in value_cols) for b in same_key):
                continue  # new, or restating a bundled row (the bundled data may hold two sources' values)
            b = same_key[0]
            col = next(c for c in value_cols if not _same(row[c], b[c]))
            raise DataError(
                f"contradicts the bundled data, which has {_text(b[col])} for "
                f"{', '.join(f'{k}={row[k]}' for k in key)} (use mode='replace' to replace the bundled table)",
                file=user.attrs.get("source_file"),
                row=int(row["_line"]),
                column=col,
                value=row[col],
            )
    if res["name"] == "treaty_events" and len(base):
        refuse_other_dates(base, user)
    merged = pd.concat([base, user], ignore_index=True) if len(base) else user.copy()
    if res["schema"].get("primaryKey"):
        merged = merged.drop_duplicates(subset=res["schema"]["primaryKey"], keep="first")
    merged.attrs["source_file"] = user.attrs.get("source_file")
    return merged


def _text(value) -> str:
    """A cell as written: 111, not 111.0; an empty cell as 'nothing'."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return "nothing"
    return f"{value:g}" if isinstance(value, float) else str(value)


def refuse_other_dates(base: pd.DataFrame, user: pd.DataFrame) -> None:
    """A signature, deposit or withdrawal the bundled data dates otherwise is a contradiction, refused like a
    contradicting figure (a row restating the bundled date is fine)."""
    dated = {}
    for r in base.to_dict("records"):
        dated.setdefault((r["iso3"], r["treaty"], r["event"]), set()).add(r["date"])
    for r in user.to_dict("records"):
        known = dated.get((r["iso3"], r["treaty"], r["event"]))
        if known and r["date"] not in known:
            raise DataError(
                f"contradicts the bundled data, which dates the {r['treaty']} {r['event'].replace('_', ' ')} of "
                f"{r['iso3']} {', '.join(str(d) for d in sorted(known))} (mode='replace' replaces the bundled table)",
                file=user.attrs.get("source_file"),
                row=int(r["_line"]),
                column="date",
                value=str(r["date"]),
            )
