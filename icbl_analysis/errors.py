"""One error type for bad input, always naming file, row, column and value."""

from __future__ import annotations


class DataError(ValueError):
    """Bad input data or parameter. The message names where the problem is."""

    def __init__(self, message: str, *, file=None, row=None, column=None, value=None):
        if hasattr(value, "item"):  # numpy / pandas scalars print as plain Python values
            value = value.item()
        self.file, self.row, self.column, self.value = file, row, column, value
        where = []
        if file is not None:
            where.append(f"{file}")
        if row is not None:
            where.append(f"row {row}")
        if column is not None:  # a command-line option is named as such, a table's column as a column
            where.append(f"option {column}" if str(column).startswith("--") else f"column '{column}'")
        if value is not None:
            where.append(f"value {value!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
