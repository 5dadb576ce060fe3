"""The data build: collected batches in `data/incoming/` -> the tables of `data/` (`make data`).

Batches are read-only inputs, kept as collected, each with its notes. `data/incoming/batches.csv` says
which table each batch feeds and what it holds. `corrections.csv` lists the few cells a maintainer
corrected, each with its reason (the corrected row keeps its quote; the note says what changed).
The build writes every table and the per-table source lists of `datapackage.json` byte for byte the
same on every run; a column no table knows is an error, never silently dropped.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import urlparse

from ..core.errors import DataError
from ..core.paths import BUNDLED_DATA_DIR

ACCESSED = "2026-11-28"  # when the stored copies were read (first collection); new batches note their own dates


def _read(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def batches(data: Path) -> list[dict]:
    """The batch list: file, table, holds, fold_into_note (extra columns kept in the note),
    skip_rows_without (columns a row must fill to be built, e.g. a retained-mines row with no year),
    set (cells filled from a template, e.g. `place=WLD metric[treaty=CCM]=ccm_{metric}`)."""
    return _read(data / "incoming" / "batches.csv")


def _columns(descriptor: dict, table: str) -> list[str]:
    for res in descriptor["resources"]:
        if res["name"] == table:
            return [f["name"] for f in res["schema"]["fields"]]
    raise DataError("unknown table in batches.csv", file="data/incoming/batches.csv", column="table", value=table)


def _settings(text: str) -> list[tuple[str, str | None, str | None, str]]:
    """`metric[treaty=CCM]=ccm_{metric} place=WLD` -> [(column, condition column, value, template), ...]."""
    out = []
    for part in (text or "").split():
        match = re.fullmatch(r"(\w+)(?:\[(\w+)=([^\]]*)\])?=(.*)", part)
        if not match:
            raise DataError("expected column=template or column[other=value]=template", column="set", value=part)
        out.append(match.groups())
    return out


def _batch_rows(path: Path, columns: list[str], fold: list[str], skip_without: list[str], settings=()) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        used = {cond for _, cond, _, _ in settings if cond}
        unknown = [c for c in reader.fieldnames or [] if c not in columns and c not in fold and c not in used]
        if unknown:
            raise DataError(
                f"unknown column(s) {unknown}; the table has {columns} (list extra columns under fold_into_note "
                "in batches.csv to keep them in the note)",
                file=str(path),
                row=1,
            )
        rows = []
        for raw in reader:
            row = {c: (raw.get(c) or "").strip() for c in columns}
            for column, cond_col, cond_value, template in settings:
                if cond_col is None or (raw.get(cond_col) or "").strip() == cond_value:
                    row[column] = template.format(**{k: (v or "").strip() for k, v in raw.items()})
            extra = [f"{c}: {raw[c].strip()}" for c in fold if (raw.get(c) or "").strip()]
            if extra:
                row["note"] = "; ".join([*extra, row["note"]] if row.get("note") else extra)
            if any(row.values()) and all(row.get(c) for c in skip_without):
                rows.append(row)
    return rows


def _key_function(descriptor: dict, table: str):
    """A row's primary key (its whole content where the table has none)."""
    res = next(r for r in descriptor["resources"] if r["name"] == table)
    key = res["schema"].get("primaryKey")
    return (lambda row: tuple(row[k] for k in key)) if key else (lambda row: tuple(row.values()))


def _apply_corrections(tables: dict[str, list[dict]], corrections: list[dict]) -> None:
    """Each correction names its table, the row (key=value pairs separated by |), a column, old and new."""
    for n, fix in enumerate(corrections, start=2):
        where = dict(part.split("=", 1) for part in fix["row"].split("|"))
        rows = [r for r in tables[fix["table"]] if all(r.get(k) == v for k, v in where.items())]
        if len(rows) != 1:
            raise DataError(
                f"matches {len(rows)} rows, must match exactly one", file="corrections.csv", row=n, column="row"
            )
        row = rows[0]
        if row[fix["column"]] != fix["old"]:
            raise DataError(
                f"the cell holds {row[fix['column']]!r}, not the expected old value",
                file="corrections.csv",
                row=n,
                column="old",
                value=fix["old"],
            )
        row[fix["column"]] = fix["new"]
        said = f"corrected {fix['column']} {fix['old'] or '(empty)'} -> {fix['new']}: {fix['reason']}"
        row["note"] = f"{row['note']}; {said}" if row.get("note") else said


def build(data: Path = BUNDLED_DATA_DIR, write: bool = True) -> tuple[dict[str, str], list[str]]:
    """Rebuild every table fed by a batch; return ({file name: text}, notes on rows not built).
    Exact repeats are dropped; of two rows with the same key (same fact, same source) the first stands."""
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    incoming = data / "incoming"
    listed = batches(data)
    on_disk = {p.name for p in incoming.glob("*.csv")} - {"batches.csv", "corrections.csv"}
    missing = on_disk - {b["file"] for b in listed}
    if missing:
        raise DataError(f"batch file(s) not listed in batches.csv: {sorted(missing)}", file=str(incoming))
    tables: dict[str, list[dict]] = {}
    skipped: list[str] = []
    for batch in listed:
        columns = _columns(descriptor, batch["table"])
        fold = (batch.get("fold_into_note") or "").split()
        skip_without = (batch.get("skip_rows_without") or "").split()
        path = incoming / batch["file"]
        if not path.exists():
            raise DataError("listed in batches.csv but not found", file=str(path))
        seen = tables.setdefault(batch["table"], [])
        key_of = _key_function(descriptor, batch["table"])
        keys = {key_of(r): r for r in seen}
        for line, row in enumerate(
            _batch_rows(path, columns, fold, skip_without, _settings(batch.get("set") or "")), 2
        ):
            kept = keys.get(key_of(row))
            if kept is None:
                keys[key_of(row)] = row
                seen.append(row)
                continue
            # the same fact from the same source again: the first row stands, its empty cells filled from this one
            for column, value in row.items():
                if value and not kept[column]:
                    kept[column] = value
            clash = [c for c in columns if c not in ("quote", "note") and row[c] and kept[c] != row[c]]
            if clash:
                skipped.append(
                    f"{batch['file']} data row {line - 1}: same key as an earlier row of {batch['table']} but other "
                    f"{', '.join(clash)}; the earlier row stands"
                )
    _apply_corrections(tables, _read(incoming / "corrections.csv"))
    out = {}
    for name, rows in tables.items():
        res = next(r for r in descriptor["resources"] if r["name"] == name)
        columns = _columns(descriptor, name)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[r[c] for c in columns] for r in rows])
        out[res["path"]] = buffer.getvalue()
        res["sources"] = _sources(rows)
    out["datapackage.json"] = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
    if write:
        for filename, text in out.items():
            (data / filename).write_text(text, encoding="utf-8")
    return out, skipped


def _sources(rows: list[dict]) -> list[dict]:
    """One source record per site the rows cite (the datapackage's `sources`)."""
    urls = [r["source_url"] for r in rows if r.get("source_url")]
    domains = sorted({urlparse(u).netloc.removeprefix("www.") for u in urls})
    return [
        {
            "title": d,
            "path": f"https://{d}/",
            "accessed": ACCESSED,
            "rows_citing": sum(1 for u in urls if urlparse(u).netloc.removeprefix("www.") == d),
        }
        for d in domains
    ]
