"""The key figures as an Excel workbook (key_figures.xlsx beside key_figures.csv): the same rows, in the order and
words a campaign officer reads, numbers as numbers, every text cell kept as text (a cell that starts with "=" is
never a formula), the header frozen and filtered."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .text import BASIS_WORDS

# (column of the registry, header in the workbook, width)
COLUMNS = [
    ("label", "Figure", 46),
    ("text", "As stated", 16),
    ("value", "Value", 12),
    ("unit", "Unit", 12),
    ("period", "Period", 10),
    ("as_of", "As of", 12),
    ("vintage", "Vintage", 14),
    ("basis", "Counted", 22),
    ("definition", "Definition", 30),
    ("caveat", "Caveat", 40),
    ("source", "Source", 28),
    ("source_url", "Source address", 40),
    ("secondary", "Secondary copy", 10),
    ("key", "Key", 30),
]


def write_key_figures_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    """Write the registry's frame (KeyFigures.frame()) to `path` as a one-sheet workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Key figures"
    sheet.append([header for _, header, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.to_dict("records"):
        cells = []
        for name, _, _ in COLUMNS:
            value = row.get(name, "")
            if name == "value":
                value = float(value) if pd.notna(value) else None
            elif name == "basis":
                value = BASIS_WORDS.get(str(value), "" if pd.isna(value) else str(value))
            elif name == "secondary":
                value = "yes" if str(value) == "True" or value is True else ""
            else:
                value = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
            cells.append(value)
        sheet.append(cells)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: "=1+1" in a note is shown, never computed
    for k, (_, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(k)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(path)
    return path
