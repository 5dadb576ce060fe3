"""Loaders: read a table of `data/`, check it against `datapackage.json`, return a typed frame.

Every problem is raised as a DataError naming the file, the line, the column and the value.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .errors import DataError
from .paths import BUNDLED_DATA_DIR
from .paths import data_dir as resolve_data_dir

DESCRIPTOR = "datapackage.json"


@lru_cache(maxsize=1)
def descriptor() -> dict:
    """The bundled `datapackage.json`: the schema every data folder is checked against."""
    return json.loads((BUNDLED_DATA_DIR / DESCRIPTOR).read_text(encoding="utf-8"))


def resource(name: str) -> dict:
    """The datapackage resource called `name`."""
    for res in descriptor()["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in descriptor()["resources"])
    raise DataError(f"unknown table {name!r}; known tables: {known}")


def table_names() -> list[str]:
    return [r["name"] for r in descriptor()["resources"]]


def _parse_value(raw: str, field: dict, where: dict):
    """Convert one cell according to its field type; raise DataError on a bad value."""
    kind = field["type"]
    if kind == "string":
        return raw
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
        if kind == "date":
            return date.fromisoformat(raw)
    except ValueError:
        pass
    expected = {"integer": "a whole number", "number": "a number", "date": "a date YYYY-MM-DD"}[kind]
    raise DataError(f"expected {expected}", **where)


def _check_constraints(value, raw: str, field: dict, where: dict) -> None:
    c = field.get("constraints", {})
    if "enum" in c and raw not in c["enum"]:
        raise DataError(f"not one of the allowed values {c['enum']}", **where)
    if "pattern" in c and not re.fullmatch(c["pattern"], raw):
        raise DataError(f"does not match the pattern {c['pattern']}", **where)
    if "minimum" in c and value < c["minimum"]:
        raise DataError(f"must be at least {c['minimum']}", **where)
    if "maximum" in c and value > c["maximum"]:
        raise DataError(f"must be at most {c['maximum']}", **where)


def read_table(name: str, folder: str | Path | None = None, problems: list | None = None) -> pd.DataFrame:
    """Read and validate one table from `folder` (default: the bundled data).

    Returns a DataFrame with typed columns (dates as datetime.date objects, empty cells as None)
    and a `_line` column with each row's number in the file (the header is row 1).
    With a `problems` list, bad rows are recorded there and skipped instead of raising.
    """
    res = resource(name)
    path = resolve_data_dir(folder) / res["path"]
    if not path.exists():
        raise DataError(f"table {name!r} not found (expected the file {res['path']})", file=str(path))
    fields = res["schema"]["fields"]
    by_name = {f["name"]: f for f in fields}
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            if header is None:
                raise DataError("the file is empty (no header line)", file=str(path))
            header = [h.strip() for h in header]
            missing = [
                f["name"] for f in fields if f.get("constraints", {}).get("required") and f["name"] not in header
            ]
            if missing:
                raise DataError(f"missing required column(s) {missing}; the header is {header}", file=str(path), row=1)
            unknown = [h for h in header if h not in by_name]
            if unknown:
                raise DataError(f"unknown column(s) {unknown}; expected {list(by_name)}", file=str(path), row=1)
            rows = []
            country_cols = {fk["fields"] for fk in res["schema"].get("foreignKeys", [])}
            for line_no, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    raise DataError(
                        f"has {len(cells)} cells, the header has {len(header)}", file=str(path), row=line_no
                    )
                try:
                    rows.append(_parse_row(line_no, header, cells, by_name, path, country_cols))
                except DataError as exc:
                    if problems is None:
                        raise
                    problems.append(exc)
    except csv.Error as exc:
        raise DataError(f"malformed CSV ({exc})", file=str(path), row=reader.line_num) from None
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)) from None
    frame = pd.DataFrame(rows, columns=["_line"] + [f["name"] for f in fields])
    _check_keys(frame, res, path)
    for f in fields:
        if f["type"] == "integer":
            frame[f["name"]] = frame[f["name"]].astype("Int64")
        elif f["type"] == "number":
            frame[f["name"]] = frame[f["name"]].astype("Float64")
    frame.attrs["source_file"] = str(path)
    return frame


def _parse_row(line_no: int, header: list, cells: list, by_name: dict, path: Path, country_cols=()) -> dict:
    record = {"_line": line_no}
    for col, raw in zip(header, cells, strict=False):
        raw = raw.strip()
        if col in country_cols and raw and not re.fullmatch(r"[A-Z]{3}", raw):
            from .countries import lookup_name

            code = lookup_name(raw)  # a researcher may write "Lao PDR" where a code is expected
            if code is None:
                raise DataError(
                    "unknown country or area: neither a code nor a name in data/countries.csv",
                    file=str(path),
                    row=line_no,
                    column=col,
                    value=raw,
                )
            raw = code
        field = by_name[col]
        where = {"file": str(path), "row": line_no, "column": col, "value": raw}
        if raw == "":
            if field.get("constraints", {}).get("required"):
                raise DataError("a value is required", **where)
            record[col] = None
            continue
        value = _parse_value(raw, field, where)
        _check_constraints(value, raw, field, where)
        record[col] = value
    return record


def validate_folder(folder: str | Path | None = None, partial: bool = False) -> list[DataError]:
    """Every problem in every table of a data folder (an empty list when all is well). With
    partial=True (a researcher's folder of extra rows) tables that are absent are not reported."""
    from .countries import known_codes

    problems: list[DataError] = []
    root = resolve_data_dir(folder)
    if not root.is_dir():
        return [DataError("the data folder does not exist", file=str(root))]
    for res in descriptor()["resources"]:
        if (partial or res.get("optional")) and not (root / res["path"]).exists():
            continue
        try:
            frame = read_table(res["name"], root, problems)
            check_foreign_keys(res["name"], frame, known_codes(), problems)
            if res["name"] == "monitor_facts":
                catalogue = _catalogue_for(root, partial)
                if catalogue is not None:
                    check_metrics(frame, catalogue, problems)
        except DataError as exc:
            problems.append(exc)
    return problems


def _catalogue_for(root: Path, partial: bool) -> pd.DataFrame | None:
    """The metric catalogue that applies to a folder; None when it is itself broken (reported apart)."""
    try:
        if partial:
            has_own = (root / resource("metrics")["path"]).exists()
            return load("metrics", None, root if has_own else None)
        return load("metrics", root)
    except DataError:
        return None


def _check_keys(frame: pd.DataFrame, res: dict, path: Path) -> None:
    """Unique fields and the primary key must not repeat."""
    schema = res["schema"]
    for f in schema["fields"]:
        if f.get("constraints", {}).get("unique"):
            dup = frame[frame.duplicated(f["name"], keep="first")]
            if len(dup):
                first = dup.iloc[0]
                raise DataError(
                    "duplicate value (must be unique)",
                    file=str(path),
                    row=int(first["_line"]),
                    column=f["name"],
                    value=first[f["name"]],
                )
    key = schema.get("primaryKey")
    if key:
        dup = frame[frame.duplicated(key, keep="first")]
        if len(dup):
            first = dup.iloc[0]
            values = {k: first[k] for k in key}
            raise DataError(f"duplicate row: the key {values} already appears", file=str(path), row=int(first["_line"]))


def check_foreign_keys(name: str, frame: pd.DataFrame, known_codes: set[str], problems: list | None = None) -> None:
    """Every code in a foreign-key column must be a known country or area."""
    for fk in resource(name)["schema"].get("foreignKeys", []):
        col = fk["fields"]
        for _, bad in frame[~frame[col].isin(known_codes)].iterrows():
            exc = DataError(
                "unknown country or area code (not in countries.csv)",
                file=frame.attrs.get("source_file"),
                row=int(bad["_line"]),
                column=col,
                value=bad[col],
            )
            if problems is None:
                raise exc
            problems.append(exc)


def check_metrics(facts: pd.DataFrame, metrics: pd.DataFrame, problems: list | None = None) -> None:
    """Every fact must use a metric of metrics.csv, in that metric's unit, at a place of the right kind."""
    catalogue = {r.metric: r for r in metrics.itertuples()}
    for _, row in facts.iterrows():
        where = {"file": facts.attrs.get("source_file"), "row": int(row["_line"])}
        entry = catalogue.get(row["metric"])
        if entry is None:
            close = get_close_matches(str(row["metric"]), catalogue, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            exc = DataError(f"unknown metric (not in metrics.csv){hint}", **where, column="metric", value=row["metric"])
        elif row["unit"] != entry.unit:
            exc = DataError(f"{row['metric']} is counted in {entry.unit}", **where, column="unit", value=row["unit"])
        elif (entry.places == "world") != (row["place"] == "WLD") and entry.places != "both":
            need = "WLD (a world figure)" if entry.places == "world" else "a country or area, not WLD"
            exc = DataError(f"{row['metric']} needs place {need}", **where, column="place", value=row["place"])
        else:
            continue
        if problems is None:
            raise exc
        problems.append(exc)


def _empty(name: str) -> pd.DataFrame:
    fields = resource(name)["schema"]["fields"]
    return pd.DataFrame(columns=["_line"] + [f["name"] for f in fields])


def load(
    name: str, data_dir: str | Path | None = None, user_dir: str | Path | None = None, mode: str = "merge"
) -> pd.DataFrame:
    """Load one validated table.

    `data_dir` is a full data folder (default: the bundled data). `user_dir` is a researcher's
    folder holding any subset of the tables in the same shape: with mode="merge" its rows are
    added (a row that contradicts a bundled one is refused), with mode="replace" its table
    replaces the bundled one.
    """
    if mode not in ("merge", "replace"):
        raise DataError("mode must be 'merge' or 'replace'", column="mode", value=mode)
    res = resource(name)
    base_path = resolve_data_dir(data_dir) / res["path"]
    frame = read_table(name, data_dir) if (base_path.exists() or not res.get("optional")) else _empty(name)
    if user_dir is not None:
        user_root = Path(user_dir).expanduser()
        if not user_root.is_dir():
            raise DataError("the researcher's data folder does not exist", file=str(user_root))
        if (user_root / res["path"]).exists():
            user = read_table(name, user_root)
            frame = user if mode == "replace" else _merge(frame, user, res)
    from .countries import known_codes

    check_foreign_keys(name, frame, known_codes())
    if name == "monitor_facts":
        check_metrics(frame, load("metrics", data_dir, user_dir, mode))
    return frame.reset_index(drop=True)


def _merge(base: pd.DataFrame, user: pd.DataFrame, res: dict) -> pd.DataFrame:
    """Add a researcher's rows to the bundled ones; refuse rows that contradict them."""
    key = [k for k in res["schema"].get("primaryKey", []) if k not in ("source_url",)]
    value_cols = [
        f["name"]
        for f in res["schema"]["fields"]
        if f["name"] not in key and f["name"] not in ("source_url", "quote", "note", "state")
    ]
    if key and value_cols and len(base):
        joined = user.merge(base, on=key, how="inner", suffixes=("", "_bundled"))
        for col in value_cols:
            differs = joined[joined[col].astype(str) != joined[f"{col}_bundled"].astype(str)]
            if len(differs):
                row = differs.iloc[0]
                raise DataError(
                    f"contradicts the bundled data, which has {row[f'{col}_bundled']} for "
                    f"{', '.join(f'{k}={row[k]}' for k in key)} (use mode='replace' to replace the bundled table)",
                    file=user.attrs.get("source_file"),
                    row=int(row["_line"]),
                    column=col,
                    value=row[col],
                )
    merged = pd.concat([base, user], ignore_index=True)
    if res["schema"].get("primaryKey"):
        merged = merged.drop_duplicates(subset=res["schema"]["primaryKey"], keep="first")
    merged.attrs["source_file"] = user.attrs.get("source_file")
    return merged


USER_TABLES = [
    "monitor_facts",
    "metrics",
    "treaty_events",
    "clearance_events",
    "stockpile_events",
    "retained_mines",
    "use_reports",
    "researcher_indicators",
]


def template_text(name: str) -> str:
    """The header line of a table: a blank template a researcher fills in."""
    return ",".join(f["name"] for f in resource(name)["schema"]["fields"]) + "\n"


def write_templates(folder: str | Path) -> list[Path]:
    """Blank templates of the tables a researcher may supply, and a README describing their columns,
    in `folder`; existing files are kept."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = {resource(name)["path"]: template_text(name) for name in USER_TABLES} | {"README.md": templates_readme()}
    written = []
    for filename, text in files.items():
        path = folder / filename
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def templates_readme() -> str:
    """How to fill the templates, and every column of every table a researcher may supply."""
    parts = [
        "# Templates for a researcher's own data\n",
        "Blank tables in the shape of `data/`. Copy the ones you need into a folder of your own (or run",
        "`icbl-review templates my_folder`) and add rows. `icbl-review validate --partial my_folder` checks",
        "them; `icbl-review annual --user-data my_folder` checks them too and refuses any row that",
        "contradicts the bundled data, naming file, row, column and value. Country columns take ISO3 codes",
        'or any spelling in `data/countries.csv` ("Lao PDR", "Côte d\'Ivoire"). Every row needs a source.\n',
        "`researcher_indicators.csv` answers the indicators the public record cannot (statements, media,",
        "participation, website visits...: `answerable_from = researcher` in `data/indicators.csv`); once",
        "supplied they are rated like the rest.\n",
        "`monitor_facts.csv` takes the metric names of `data/metrics.csv`, each in its own unit and at a world",
        "(WLD) or country place as listed there; to add a metric, put a row for it in your own `metrics.csv`.\n",
    ]
    for name in USER_TABLES:
        res = resource(name)
        parts.append(f"## {res['path']}: {res.get('title', name)}\n\n{describe_columns(name)}\n")
    return "\n".join(parts)


def describe_columns(name: str) -> str:
    """A Markdown table of a table's columns: type, required, allowed values, meaning."""
    lines = ["| column | type | required | allowed | meaning |", "|---|---|---|---|---|"]
    for f in resource(name)["schema"]["fields"]:
        c = f.get("constraints", {})
        allowed = ", ".join(c["enum"]) if "enum" in c else (f"pattern {c['pattern']}" if "pattern" in c else "")
        if "minimum" in c or "maximum" in c:
            allowed = f"{c.get('minimum', '')}..{c.get('maximum', '')}"
        lines.append(
            f"| {f['name']} | {f['type']} | {'yes' if c.get('required') else ''} | {allowed} | "
            f"{f.get('description', '')} |"
        )
    return "\n".join(lines)
