"""The campaign records workbook: the plan's indicators only the campaign's own records answer, in one Excel file.

`write_workbook` writes it: a cover sheet (how to fill it, what counts, how to run the review with it) and one
sheet per goal with a row per indicator and year: the indicator, its unit, an empty value cell, a source and a
note cell, the plan's words and what counts. `records_folder` turns a filled workbook into the rows of
`researcher_indicators.csv`, in a folder of its own; `check_records` checks that folder with the same checks as
any researcher's folder (validate.py) and tells each finding back by sheet, cell and value
(`Goal 4!D12: "about 500" is not a number`). A CSV in the shape of researcher_indicators.csv is taken too.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ..core.errors import DataError
from ..core.paths import user_path
from .fingerprints import code_hash
from .read import read_table
from .validate import validate_folder

TABLE = "researcher_indicators.csv"
KEYWORDS = "icbl-review campaign records"
FIELDS = ["indicator_id", "year", "unit", "value", "source", "note"]  # columns A-F of a goal sheet, in order
HEADER = ["Indicator", "Year", "Unit", "Value", "Source", "Note", "Indicator (the plan's words)", "What counts"]
LETTERS = dict(zip(FIELDS, "ABCDEF", strict=True))
HEADER_ROW = 3
WIDTHS = {"A": 10, "B": 7, "C": 14, "D": 12, "E": 42, "F": 32, "G": 70, "H": 120}
UNIT_WORDS = {"yes_no": "yes or no", "USD_thousand": "US$ thousand", "USD_million": "US$ million"}
RULE_WORDS = {
    "increase": "more in the review year than in the baseline year is on track, the same is at risk, less is off track",
    "decrease": "less in the review year than in the baseline year is on track, the same is at risk, more is off track",
    "positive_each_year": "yes in every year after the baseline is on track, in some years at risk, in none off track",
}


def records_catalogue(data_dir=None) -> pd.DataFrame:
    """The indicators only the campaign's records answer (answered_by = researcher in data/indicators.csv)."""
    catalogue = read_table("indicators", data_dir)
    return catalogue[(catalogue["answered_by"] == "researcher") & (catalogue["plan"] == "yes")].reset_index(drop=True)


def default_years() -> range:
    """The baseline 2011 to the last complete year: the plan period and the years tracked after it."""
    return range(2011, date.today().year)


# --- writing -------------------------------------------------------------------------------------


def write_workbook(path, years=None, force: bool = False, data_dir=None) -> Path:
    """Write an empty campaign records workbook to `path` (.xlsx); an existing file is refused unless `force`."""
    from openpyxl import Workbook

    path = user_path(path)
    if path.suffix.lower() != ".xlsx":
        raise DataError("name the workbook with the .xlsx ending (Excel opens it by that)", file=str(path))
    if path.exists() and not force:
        raise DataError("the file exists; choose another name, or add --force to replace it (nothing was "
                        "overwritten)", file=str(path))  # fmt: skip
    if not path.resolve().parent.is_dir():
        raise DataError("its folder does not exist", file=str(path))
    years = list(years or default_years())
    catalogue = records_catalogue(data_dir)
    goals = _read("goals", data_dir).set_index("goal")["title"]
    units = _read("units", data_dir).set_index("unit")
    book = Workbook()
    _cover(book.active, catalogue, goals, years)
    for goal, group in catalogue.groupby("goal", sort=True):
        _goal_sheet(book.create_sheet(f"Goal {goal}"), int(goal), str(goals[goal]), group, units, years)
    book.properties.title = "ICBL-CMC strategic plan 2012-2015: campaign records"
    book.properties.keywords = KEYWORDS
    book.properties.creator = "icbl-review records"
    # written beside the target and moved into place: never a half-written workbook under the user's name
    handle, tmp = tempfile.mkstemp(suffix=".xlsx", dir=path.resolve().parent, prefix=".records-")
    os.close(handle)
    try:
        book.save(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def _read(name: str, data_dir=None) -> pd.DataFrame:
    return read_table(name, data_dir)


def _styles():
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    return {
        "title": Font(bold=True, size=14),
        "bold": Font(bold=True),
        "header_fill": PatternFill("solid", fgColor="1F5F8B"),
        "header_font": Font(bold=True, color="FFFFFF"),
        "input_fill": PatternFill("solid", fgColor="FFF7D6"),
        "fixed_font": Font(color="4A5568"),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "top": Alignment(vertical="top"),
        "unlocked": Protection(locked=False),
        "mono": Font(name="Consolas"),
    }


def _cover(sheet, catalogue: pd.DataFrame, goals: pd.Series, years: list[int]) -> None:
    s = _styles()
    sheet.title = "How to fill"
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 16
    sheet.column_dimensions["D"].width = 90
    lines = [
        ("title", "ICBL-CMC strategic plan 2012-2015: the campaign's records"),
        ("text", f"Written by icbl-review records on {date.today():%d %B %Y}, for the years {years[0]}-{years[-1]}."),
        ("", ""),
        ("bold", "What this workbook is"),
        (
            "text",
            f"The plan has 52 indicators. The public record (treaty records, Landmine and Cluster Munition "
            f"Monitor figures) answers some; the {len(catalogue)} in this workbook only the campaign's own "
            "records answer: media monitoring, web analytics, meeting delegations and statements, national "
            "campaigns, finance and governance.",
        ),
        (
            "text",
            "Fill in what your records show. The review then rates each indicator from them, with the same "
            "charts, sentences, slides and key numbers as the public ones, marked 'campaign records'.",
        ),
        ("", ""),
        ("bold", "How to fill it"),
        (
            "text",
            "1. Each goal sheet (Goal 1 to Goal 4) has one row per indicator and year. Columns A-C "
            "(indicator, year, unit) and G-H (the plan's words, what counts) are fixed.",
        ),
        (
            "text",
            "2. Type the value in column D (Value, the yellow cells): a whole number for a count, a number "
            "for an amount, yes or no where the cell offers a list.",
        ),
        (
            "text",
            "3. Column E (Source) is required for every value: the record it comes from, e.g. "
            "'Media monitoring log 2015, communications team' or a web address. Column F (Note) is for "
            "caveats (an estimate, a change of method, the names behind a count).",
        ),
        (
            "text",
            "4. Leave a cell empty where your records do not say. An empty cell is a gap, shown as a gap; "
            "it is never read as zero. Do not estimate to fill a gap.",
        ),
        (
            "text",
            "5. Keep the file an Excel workbook (.xlsx). Do not rename the sheets, move columns or change "
            "columns A-C; rows you leave empty are simply not read.",
        ),
        ("", ""),
        ("bold", "What counts"),
        (
            "text",
            "Column H of each row says what to count, in the plan's terms; count the calendar year "
            "(1 January to 31 December) unless it says otherwise. Count from records you could show a "
            "colleague: a log, a report, a survey, a finance statement.",
        ),
        (
            "text",
            "A value is a number, not words: write 500, not 'about 500' or '500+' (say 'about' in the "
            "Note). Counts are whole numbers of 0 or more; yes/no cells take yes or no.",
        ),
        ("", ""),
        ("bold", "Run the review with it"),
        ("code", "icbl-review validate --records campaign.xlsx"),
        (
            "text",
            "checks the workbook only; every bad cell is listed by sheet, cell and value, for example: "
            'Goal 4!D12: "about 500" is not a number.',
        ),
        ("code", "icbl-review annual --records campaign.xlsx"),
        (
            "text",
            "the annual review (2015 by default; --year 2014 for another) into outputs/<year>/. A bad cell "
            "stops it before anything is published.",
        ),
        ("text", 'In JupyterLab: set records = "campaign.xlsx" (its full path) in a notebook\'s parameters cell.'),
        ("", ""),
        ("bold", "The indicators in this workbook"),
    ]
    row = 1
    for kind, text in lines:
        cell = sheet.cell(row=row, column=1, value=text or None)
        if kind == "title":
            cell.font = s["title"]
        elif kind == "bold":
            cell.font = s["bold"]
        elif kind == "code":
            cell.font = s["mono"]
        row += 1
    for col, title in enumerate(["Indicator", "Short name", "Unit", "How the review rates it"], start=1):
        cell = sheet.cell(row=row, column=col, value=title)
        cell.font, cell.fill = s["header_font"], s["header_fill"]
    for r in catalogue.itertuples():
        row += 1
        values = [r.id, r.short_name, UNIT_WORDS.get(r.unit, r.unit), RULE_WORDS[r.rule]]
        for col, value in enumerate(values, start=1):
            sheet.cell(row=row, column=col, value=value)
    sheet.sheet_view.showGridLines = False


def _validation(unit: str, units: pd.DataFrame):
    """The data validation of a value cell in this unit: a yes/no list, whole numbers or decimals in range."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if unit == "yes_no":
        dv = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
        dv.error = "Choose yes or no (or leave the cell empty where the records do not say)."
    else:
        rule = units.loc[unit] if unit in units.index else None
        whole = rule is not None and rule["whole_number"] == "yes"
        low = 0 if rule is None or pd.isna(rule["minimum"]) else rule["minimum"]
        high = None if rule is None or pd.isna(rule["maximum"]) else rule["maximum"]
        kind = "whole" if whole else "decimal"
        if high is None:
            dv = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=f"{low:g}", allow_blank=True)
            span = f"of {low:g} or more"
        else:
            dv = DataValidation(type=kind, operator="between", formula1=f"{low:g}", formula2=f"{high:.15g}",
                                allow_blank=True)  # fmt: skip
            span = f"from {low:g} to {high:,.15g}"
        dv.error = (f"A {'whole number' if whole else 'number'} {span}, in {UNIT_WORDS.get(unit, unit)} "
                    "(leave the cell empty where the records do not say).")  # fmt: skip
    dv.errorTitle = "Not a value this indicator takes"
    dv.showErrorMessage = True
    return dv


def _goal_sheet(sheet, goal: int, title: str, group: pd.DataFrame, units: pd.DataFrame, years: list[int]) -> None:
    s = _styles()
    sheet.cell(row=1, column=1, value=f"Goal {goal}: {title}").font = s["title"]
    sheet.cell(
        row=2,
        column=1,
        value="Type each value in column D and its source in column E; leave a cell empty "
        "where your records do not say. Column H says what counts. Sheet 'How to fill' says the rest.",
    )
    for col, name in enumerate(HEADER, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=name)
        cell.font, cell.fill = s["header_font"], s["header_fill"]
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    validations: dict[str, object] = {}
    row = HEADER_ROW
    for entry in group.itertuples():
        for year in years:
            row += 1
            values = [entry.id, year, entry.unit, None, None, None, entry.text, entry.measure]
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=col, value=value)
                cell.alignment = s["top"]
                if 4 <= col <= 6:
                    cell.fill, cell.protection = s["input_fill"], s["unlocked"]
                else:
                    cell.font = s["fixed_font"]
            if entry.unit not in validations:
                validations[entry.unit] = _validation(entry.unit, units)
            validations[entry.unit].add(f"D{row}")
    for dv in validations.values():
        sheet.add_data_validation(dv)
    sheet.freeze_panes = f"D{HEADER_ROW + 1}"
    # the fixed columns are protected against slips (no password: Review > Unprotect Sheet lifts it)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


# --- reading -------------------------------------------------------------------------------------


def records_folder(path) -> Path:
    """The filled workbook (or a researcher_indicators CSV) as a folder holding researcher_indicators.csv, which the
    ordinary checks and loaders read; kept in the user's cache, one folder per workbook content."""
    source = _existing(path)
    raw = source.read_bytes()
    key = hashlib.sha256(raw + f"|{path}|{code_hash()}".encode()).hexdigest()[:32]  # messages name the file as given
    folder = _cache_root() / key
    if (folder / TABLE).exists() and (folder / "origin.json").exists():
        return folder
    if source.suffix.lower() == ".csv":
        text, cells = raw.decode("utf-8", errors="surrogateescape"), {}
    else:
        text, cells = _workbook_rows(source, str(path))
    tmp = Path(tempfile.mkdtemp(prefix=".records-", dir=folder.parent))
    (tmp / TABLE).write_bytes(text.encode("utf-8", errors="surrogateescape"))
    (tmp / "origin.json").write_text(json.dumps({"file": str(path), "cells": cells}), encoding="utf-8")
    try:
        tmp.rename(folder)
    except OSError:  # another process wrote the same folder meanwhile
        pass
    return folder if folder.exists() else tmp


def _existing(path) -> Path:
    source = user_path(path)
    if not source.exists():
        raise DataError("no such file (write one with `icbl-review records FILE.xlsx`)", column="--records",
                        value=str(path))  # fmt: skip
    if not source.is_file():
        raise DataError("not a file: name the workbook itself", column="--records", value=str(path))
    return source.resolve()


def _cache_root() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "icbl-review" / "records"
    try:
        root.mkdir(parents=True, exist_ok=True)
        return root
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"icbl-review-records-{os.getuid()}"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


def _open(source: Path, shown: str, **options):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if source.suffix.lower() in (".xls", ".ods", ".numbers"):
        raise DataError("a spreadsheet in another format: save it as 'Excel Workbook (.xlsx)'", file=shown)
    if source.name.startswith("~$"):
        raise DataError(f"Excel's lock file, written while {source.name[2:]} is open: name {source.name[2:]} itself "
                        "(save it in Excel first)", file=shown)  # fmt: skip
    try:
        return load_workbook(source, **options)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError):
        raise DataError("not an Excel workbook (.xlsx), or a damaged one: write one with `icbl-review records "
                        "FILE.xlsx` and fill it in Excel", file=shown) from None  # fmt: skip


def _workbook_rows(source: Path, shown: str) -> tuple[str, dict]:
    """researcher_indicators.csv text from the goal sheets' rows that have a value, a source or a note, and the
    sheet and row each line came from."""
    book = _open(source, shown, data_only=True)
    formulas = _open(source, shown)
    sheets = [name for name in book.sheetnames if name.strip().lower().startswith("goal ")]
    if not sheets:
        raise DataError(f"not a campaign records workbook: no sheet named Goal 1 to Goal 4 (its sheets: "
                        f"{', '.join(book.sheetnames)}); write one with `icbl-review records FILE.xlsx`",
                        file=shown)  # fmt: skip
    lines, cells = [], {}
    for name in sheets:
        sheet, raw = book[name], formulas[name]
        start = _header_row(sheet, name, shown)
        for row in range(start + 1, sheet.max_row + 1):
            got = {f: sheet[f"{LETTERS[f]}{row}"].value for f in FIELDS}
            if all(_blank(got[f]) for f in ("value", "source", "note")):
                continue
            if _blank(got["value"]) and isinstance(raw[f"D{row}"].value, str) and raw[f"D{row}"].value.startswith("="):
                raise DataError(f"{name}!D{row}: a formula whose result was not saved; open the workbook in Excel "
                                "and save it, or type the number", file=shown)  # fmt: skip
            if _blank(got["value"]):
                continue  # a source or note without a value: nothing to read
            lines.append([_text(got["indicator_id"]), _text(got["year"]), _value(got["value"], got["unit"]),
                          _text(got["unit"]), _text(got["source"]), _text(got["note"])])  # fmt: skip
            cells[str(len(lines) + 1)] = [name, row, _text(got["unit"])]
    if not lines:
        raise DataError("no value filled in: type values in column D of the goal sheets (each with its source in "
                        "column E), or leave --records out", file=shown)  # fmt: skip
    out = []
    writer = csv.writer(_Lines(out), lineterminator="\n")
    writer.writerow(["indicator_id", "year", "value", "unit", "source", "note"])
    writer.writerows(lines)
    return "".join(out), cells


class _Lines:
    def __init__(self, out: list):
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)


def _header_row(sheet, name: str, shown: str) -> int:
    for row in range(1, 11):
        found = [str(sheet.cell(row=row, column=c).value or "").strip().lower() for c in range(1, 7)]
        if found == [h.lower() for h in HEADER[:6]]:
            return row
    raise DataError(
        f"{name}: no header row Indicator, Year, Unit, Value, Source, Note in columns A-F; do not move "
        "the columns (write a fresh workbook with `icbl-review records FILE.xlsx`)",
        file=shown,
    )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _value(value, unit) -> str:
    """A value cell as the table's text: yes/no as 1/0 where the unit is yes_no, numbers as typed, anything else
    as its text (the checks then say what is wrong with it)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if unit == "yes_no" and isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return "1" if value.strip().lower() == "yes" else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return _text(value)


# --- checking: the same checks as any researcher's folder, told by sheet and cell ---------------------


def check_records(path, data_dir=None) -> list[DataError]:
    """Every problem of a filled workbook (or a researcher_indicators CSV), by sheet, cell and value; [] if none.
    It is checked as a researcher's folder holding researcher_indicators.csv: the same checks, the same answer."""
    try:
        folder = records_folder(path)
    except DataError as exc:
        return [exc]
    return [told_by_cell(p, folder) for p in validate_folder(folder, partial=True)]


def ensure_records(path) -> Path:
    """The checked records folder of a workbook; a workbook with problems is refused naming the first one."""
    problems = check_records(path)
    if problems:
        more = f" (and {len(problems) - 1} more: run `icbl-review validate --records`)" if len(problems) > 1 else ""
        raise DataError(f"{problems[0]}{more}")
    return records_folder(path)


def origin(folder: Path) -> dict:
    return json.loads((Path(folder) / "origin.json").read_text(encoding="utf-8"))


def told_by_cell(problem: DataError, folder: Path) -> DataError:
    """A finding on the records folder's table, told as the workbook's sheet, cell and value."""
    found = origin(folder)
    if not found["cells"]:  # a CSV: its own file name and line
        return DataError(str(problem).replace(str(Path(folder) / TABLE), found["file"]))
    where = found["cells"].get(str(problem.row)) if problem.row is not None else None
    if where is None:
        return DataError(bare_message(problem), file=found["file"])
    sheet, row, unit = where
    column = (problem.column or "indicator_id").split(",")[0].strip()
    cell = f"{sheet}!{LETTERS.get(column, 'A')}{row}"
    exc = DataError(f"{cell}: {_in_words(problem, column, unit)}", file=found["file"])
    exc.sheet, exc.cell, exc.value = sheet, cell, problem.value
    return exc


def _in_words(problem: DataError, column: str, unit: str) -> str:
    message, value = bare_message(problem), problem.value
    shown = f'"{value}"'
    if column == "value" and unit == "yes_no":
        return f"{shown} is not yes or no"
    if column == "value" and message.startswith("expected"):
        rest = message.split(":", 1)[1].strip() if ":" in message else ""
        return f"{shown} is not a number" + (f" ({rest})" if rest else "")
    if column == "source" and value in (None, ""):
        return "a value needs its source: say in column E which record it comes from"
    if column == "indicator_id" and "not found in indicators.csv" in message:
        return f"{shown} is not an indicator of the plan (data/indicators.csv)"
    if value in (None, ""):
        return message
    return f"{shown} {message}" if message.startswith(("must ", "is ", "above ", "below ")) else f"{shown}: {message}"


def bare_message(problem: DataError) -> str:
    """A DataError's own words, without the file, row, column and value it names."""
    prefix = str(DataError("", file=problem.file, row=problem.row, column=problem.column, value=problem.value))
    text = str(problem)
    return text[len(prefix) :] if prefix.strip() and text.startswith(prefix) else text


def records_rows(path) -> pd.DataFrame:
    """The checked rows of a workbook as the researcher_indicators table (typed, as read_table reads it)."""
    folder = ensure_records(path)
    frame = read_table("researcher_indicators", folder)
    frame.attrs["records_folder"] = str(folder)
    return frame
