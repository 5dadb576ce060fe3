"""What a data folder must look like, and the checks that say where it does not.

`data/datapackage.json` (a Frictionless Data Package) holds every table's schema: types, required cells,
allowed values, patterns, keys and foreign keys (country codes, metric and unit pairs, indicator ids).
Frictionless checks all of that. This module adds only what it cannot do: files that are not plain UTF-8
text, did-you-mean hints, the kind of place a metric needs, and researcher rows that contradict the
bundled ones. Every problem is a DataError naming file, row, column and value.
"""

from __future__ import annotations

import calendar
import csv
import errno
import io
import json
import math
import re
import stat
import tempfile
import warnings
from datetime import date
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..core.errors import DataError
from ..core.paths import BUNDLED_DATA_DIR

DESCRIPTOR = "datapackage.json"
# the tables a review loads, and those a researcher's folder may hold
TABLES = [
    "treaty_events",
    "clearance_events",
    "stockpile_events",
    "retained_mines",
    "monitor_facts",
    "use_reports",
    "goals",
    "indicators",
    "objectives",
    "researcher_indicators",
    "meetings",
    "published_counts",
    "published_lists",
    "reconciliation_notes",
    "meeting_participation",
    "campaign_statements",
    "va_status",
]
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
REFERENCE_TABLES = ["countries", "metrics", "goals", "objectives", "indicators", "meetings"]


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


def fields(name: str) -> list[dict]:
    return resource(name)["schema"]["fields"]


def check_file(path: Path, root: Path | None = None) -> None:
    """A table file must be a regular file inside its folder, UTF-8 text (a BOM is fine) without NUL bytes."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # Python raises RuntimeError for a symlink loop
        if not path.is_symlink():
            raise DataError(f"cannot be read ({getattr(exc, 'strerror', None) or exc})", file=str(path)) from None
        loop = isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP
        raise DataError("a link that leads back to itself (a symlink loop)" if loop else
                        "a link to a file that does not exist", file=str(path)) from None  # fmt: skip
    if path.is_symlink() and root is not None and root.resolve() not in target.parents:
        raise DataError(f"a link to a file outside the folder ({target}); copy the file in instead", file=str(path))
    if not stat.S_ISREG(target.stat().st_mode):
        raise DataError("not a regular file (a folder, a named pipe or a device): a table is a CSV file",
                        file=str(path))  # fmt: skip
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError("UTF-16 text, not UTF-8 (Excel's 'Unicode Text'); save it as 'CSV UTF-8'", file=str(path))
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DataError("contains a NUL byte (a binary or damaged file?)", file=str(path), row=line)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); in Excel use 'Save as: CSV UTF-8'",
            file=str(path),
            row=line,
        ) from None
    check_csv_syntax(data.decode("utf-8-sig"), path)


def check_csv_syntax(text: str, path: Path) -> None:
    """Quotes must close: an unclosed quote swallows the lines after it, so say so rather than report a
    short row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        for cells in reader:
            if len(cells) < len(header) and any("\n" in c for c in cells):
                start = reader.line_num - sum(c.count("\n") for c in cells)
                raise DataError(
                    "malformed CSV: a quote opened in this row is never closed, so it runs over the next lines",
                    file=str(path),
                    row=start,
                )
    except csv.Error as exc:
        raise DataError(f"malformed CSV ({exc})", file=str(path), row=reader.line_num) from None


def frictionless_problems(folder: Path, names: list[str], references: Path = BUNDLED_DATA_DIR) -> list[DataError]:
    """Schema, key and foreign-key problems of the tables `names` of `folder`, checked by Frictionless.
    Tables the foreign keys refer to come from `folder` when it has them, else from `references`."""
    from frictionless import Package  # imported here: checks are remembered per content hash, rarely needed

    wanted = set(names)
    for name in names:
        for fk in resource(name)["schema"].get("foreignKeys", []):
            wanted.add(fk["reference"]["resource"])
    with tempfile.TemporaryDirectory(prefix="icbl-validate-") as tmp:
        tmp_path = Path(tmp)
        resources = []
        for res in descriptor()["resources"]:
            if res["name"] not in wanted:
                continue
            source = folder / res["path"] if (folder / res["path"]).exists() else references / res["path"]
            if not source.exists():
                continue
            _normalised_copy(source, tmp_path / res["path"], [f["name"] for f in res["schema"]["fields"]])
            resources.append({k: v for k, v in res.items() if k not in ("sources", "optional")})
        for res in resources:  # a foreign key to a table that is absent cannot be checked here
            keys = res["schema"].get("foreignKeys", [])
            present = {r["name"] for r in resources}
            res["schema"] = dict(res["schema"], foreignKeys=[k for k in keys if k["reference"]["resource"] in present])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = Package({"name": "check", "resources": resources}, basepath=str(tmp_path)).validate()
        problems = []
        for task in report.tasks:
            if task.name not in names:
                continue
            path = str(folder / resource(task.name)["path"])
            for err in task.errors:
                problems.append(_from_frictionless(err, path))
    return problems


def _normalised_copy(source: Path, target: Path, columns: list[str]) -> None:
    """The table with the schema's columns in the schema's order (a researcher may leave out optional
    columns or reorder them), without a byte-order mark."""
    with source.open(newline="", encoding="utf-8-sig") as fh, target.open("w", newline="", encoding="utf-8") as out:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        index = {name: i for i, name in enumerate(header)}
        for cells in reader:
            if not any(c.strip() for c in cells):
                writer.writerow([""] * len(columns))  # keeps line numbers; Frictionless skips blank rows
                continue
            if len(cells) != len(header):
                writer.writerow(cells)  # let the row-length error show
                continue
            writer.writerow([cells[index[c]].strip() if c in index else "" for c in columns])


def _from_frictionless(err, path: str) -> DataError:
    """One Frictionless error as a DataError in our words."""
    row = getattr(err, "row_number", None)
    column = getattr(err, "field_name", None)
    value = getattr(err, "cell", None)
    kind = err.type
    note = getattr(err, "note", "") or ""
    if isinstance(value, str) and value.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
        message = "not a finite number (a spreadsheet's NaN or inf); leave the cell empty for a gap"
    elif kind == "type-error" and isinstance(value, str) and re.fullmatch(r"-?\d{1,3}([,.' ]\d{3})+([.,]\d+)?", value):
        message = "expected a number: write it without thousands separators (3308, not 3,308)"
    elif kind == "type-error" and isinstance(value, str) and re.fullmatch(r"-?\d{19,}", value.strip()):
        message = "a whole number too large for any count (more than 18 digits): a typo?"
    elif kind == "type-error" and isinstance(value, str) and value.strip().endswith("%"):
        message = "expected a number: write it without the % sign (the unit column says what it counts)"
    elif kind == "type-error" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)) and "date" in note:
        message = day_problem(value) or "expected a date YYYY-MM-DD"
    elif kind == "type-error":
        expected = {"integer": "a whole number", "number": "a number", "date": "a date YYYY-MM-DD"}
        field_type = getattr(err, "field_type", "") or ""
        message = "expected " + expected.get(
            field_type, next((v for k, v in expected.items() if f'"{k}' in note), "another type")
        )
    elif kind == "constraint-error" and isinstance(value, str) and value.startswith("http") and URL_BAD.search(value):
        message = URL_WORDS
    elif kind == "constraint-error":
        message = _constraint_words(note)
    elif kind == "missing-cell":
        message = "this row has fewer cells than the header"
    elif kind == "extra-cell":
        message = "this row has more cells than the header"
    elif kind == "primary-key":
        message = "duplicate row: the same key already appears"
        column = None
    elif kind == "unique-error":
        message = "duplicate value (must be unique)"
    elif kind == "foreign-key":
        match = re.search(r'for (.+?): values? (.+?) not found in the lookup table "(\w+)"', note or "")
        if match:
            column = ", ".join(re.findall(r'"([^"]+)"', match.group(1)))
            value = ", ".join(re.findall(r'"([^"]*)"', match.group(2)))
            message = f"not found in {match.group(3)}.csv"
        else:
            message = f"not found in the table it refers to ({note})"
    elif kind in ("missing-label", "extra-label", "blank-label", "duplicate-label", "incorrect-label"):
        message = f"the header does not match the table's columns ({note})"
        row, value = 1, getattr(err, "label", None)
    else:
        message = err.message
    return DataError(message, file=path, row=row, column=column, value=value)


URL_BAD = re.compile(r"[\s<>\"`{}|\\^\x00-\x1f\x7f]")  # not in a web address as a browser writes it
URL_WORDS = ("a web address cannot hold spaces, tabs, line breaks, quotes or < > { } | \\ ^ ` (copy it from the "
             "browser's address bar, where they are written %20 and so on)")  # fmt: skip
DATE_PATTERN = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
PATTERN_WORDS = {  # what each pattern of the data package asks for, in words
    DATE_PATTERN: "write a date as YYYY-MM-DD, or YYYY-MM or YYYY when the source gives no day",
    "^(LM|CMM)(19|20)[0-9]{2}$": "write an edition as LM2015 (Landmine Monitor) or CMM2015 (Cluster Munition Monitor)",
    "^https?://.+$": "a source must be a web address starting with http:// or https://",
    "^[0-9]{4}(-[0-9]{4})?$": "write a period as a year (2015) or a range of years (2012-2015)",
    "^G[1-4]\\.I[0-9]{2}$": "write an indicator as in data/indicators.csv, e.g. G4.I03",
    "^[A-Z]{3}$": "write a country as its three-letter code (KHM) or its name",
}


def day_problem(text: str, today: date | None = None) -> str | None:
    """What is wrong with a day written YYYY-MM-DD (a command-line date, a cell of a date column), or None."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", str(text)):
        return "expected a date YYYY-MM-DD"
    return day_problem_of(str(text), today or date.max, future_ok=today is None)


def day_problem_of(value, today: date, future_ok: bool) -> str | None:
    """What is wrong with a date cell (YYYY, YYYY-MM, YYYY-MM-DD or a date): a month or day that does not
    exist, or (unless `future_ok`) a day after `today`."""
    if isinstance(value, date):
        first = value
    else:
        try:
            parts = [int(p) for p in str(value).split("-")]
            year, month, day = (parts + [None, None])[:3]
            if month is not None and not 1 <= month <= 12:
                return "no such month: a month runs from 01 to 12 (write YYYY-MM-DD)"
            days = calendar.monthrange(year, month)[1] if month is not None else 31
            if day is not None and not 1 <= day <= days:
                return f"no such day: {calendar.month_name[month]} {year} has {days} days"
            first = date(year, month or 1, day or 1)
        except ValueError:
            return "expected a date YYYY-MM-DD (or YYYY-MM, or YYYY)"
    if not future_ok and first > today:
        return f"a date after today ({today.isoformat()}): the record can only hold what has happened"
    return None


def _constraint_words(note: str) -> str:
    """'constraint "minimum" is "0"' -> 'must be at least 0'."""
    match = re.match(r'constraint "(\w+)" is "(.*)"', note or "", flags=re.S)
    if not match:
        return note or "breaks a constraint"
    name, value = match.groups()
    return {
        "minimum": f"must be at least {value}",
        "maximum": f"must be at most {value}",
        "pattern": PATTERN_WORDS.get(value, f"does not match the pattern {value}"),
        "enum": f"not one of the allowed values {value}",
        "required": "a value is required",
        "unique": "duplicate value (must be unique)",
    }.get(name, f"breaks the {name} rule ({value})")


def check_metrics(facts, metrics, problems: list | None = None) -> None:
    """Every fact must use a metric of metrics.csv, in that metric's unit, at a place of the right kind
    (with a did-you-mean hint for a mistyped name)."""
    catalogue = {r.metric: r for r in metrics.itertuples()}
    for row in facts.to_dict("records"):
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


EDITION_FIRST = {"LM": 1999, "CMM": 2010}
FIRST_PERIOD = 1997


def check_plausible(name: str, frame, units, problems: list, this_year: int) -> None:
    """Values a schema cannot rule out: finite numbers within their unit's range (percentages 0-100, counts
    whole and not negative), periods from 1997 to this year in order, editions that exist (LM1999 and
    CMM2010 onwards, not after this year), and one unit per researcher indicator."""
    rules = {r.unit: r for r in units.itertuples()} if units is not None else {}
    file = frame.attrs.get("source_file")
    for row in frame.to_dict("records"):
        where = {"file": file, "row": int(row["_line"])}
        problem = _value_problem(row, rules) or _period_problem(row.get("period"), this_year)
        problem = problem or _edition_problem(row.get("edition"), this_year)
        if problem:
            column, message = problem
            problems.append(DataError(message, **where, column=column, value=row.get(column)))
    if name == "researcher_indicators" and len(frame):
        for ind, group in frame.groupby("indicator_id"):
            if group["unit"].nunique() > 1:
                units_seen = ", ".join(sorted(set(group["unit"])))
                second = group.iloc[1]
                message = f"{ind} changes unit between years ({units_seen}); one indicator keeps one unit"
                problems.append(
                    DataError(message, file=file, row=int(second["_line"]), column="unit", value=second["unit"])
                )


def check_researcher(frame, catalogue, problems: list, this_year: int) -> None:
    """A researcher's (or the campaign's) rows answer only the indicators only such records answer
    (answered_by = researcher in indicators.csv), in the catalogue's unit, for years up to this one."""
    entries = {r.id: r for r in catalogue.itertuples()}
    file = frame.attrs.get("source_file")
    for row in frame.to_dict("records"):
        where = {"file": file, "row": int(row["_line"])}
        entry = entries.get(row["indicator_id"])
        if entry is None:
            continue  # an unknown id: the foreign key check names it
        if entry.answered_by != "researcher":
            message = (f"{entry.id} is answered from the public record ({entry.answered_by.replace('_', ' ')}); "
                       "the campaign's records take only the indicators `icbl-review records` lists")  # fmt: skip
            problems.append(DataError(message, **where, column="indicator_id", value=row["indicator_id"]))
        elif isinstance(entry.unit, str) and entry.unit and row["unit"] != entry.unit:
            message = f"{entry.id} is counted in {entry.unit}"
            problems.append(DataError(message, **where, column="unit", value=row["unit"]))
        year = row.get("year")
        if year is not None and year is not pd.NA and int(year) > this_year:
            message = f"a year must lie between {FIRST_PERIOD} and {this_year}"
            problems.append(DataError(message, **where, column="year", value=int(year)))


def _value_problem(row: dict, rules: dict):
    value = row.get("value")
    if value is None or value is pd.NA:
        return None
    value = float(value)
    if not math.isfinite(value):
        return "value", "not a finite number"
    rule = rules.get(row.get("unit"))
    if rule is None:
        return None
    if not _missing(rule.minimum) and value < rule.minimum:
        return "value", f"below the least a {row['unit']} figure can be ({rule.minimum:g})"
    if not _missing(rule.maximum) and value > rule.maximum:
        return "value", f"above the most a {row['unit']} figure can be ({rule.maximum:,.0f}): a typo or a unit mix-up?"
    if rule.whole_number == "yes" and not value.is_integer():
        thousands = value * 1000
        hint = (f" (if {value:.3f} was written with a point between thousands, write {thousands:.0f})"
                if abs(thousands - round(thousands)) < 1e-6 else "")  # fmt: skip
        return "value", f"{row['unit']} are counted in whole numbers{hint}"
    return None


def _period_problem(period, this_year: int):
    if not isinstance(period, str) or not period:
        return None
    years = [int(p) for p in period.split("-")]
    if any(y < FIRST_PERIOD or y > this_year for y in years):
        return "period", f"a period must lie between {FIRST_PERIOD} and {this_year}"
    if len(years) == 2 and years[0] > years[1]:
        return "period", "a range runs from the earlier year to the later"
    return None


def _edition_problem(edition, this_year: int):
    if not isinstance(edition, str) or not edition:
        return None
    family, year = ("CMM", edition[3:]) if edition.startswith("CMM") else ("LM", edition[2:])
    if year.isdigit() and not EDITION_FIRST[family] <= int(year) <= this_year:
        return "edition", f"no such edition: {family} editions run from {family}{EDITION_FIRST[family]} to {this_year}"
    return None


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
