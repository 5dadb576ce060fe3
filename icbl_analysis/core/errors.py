"""One error type for bad input, always naming file, row, column and value."""

from __future__ import annotations


class DataError(ValueError):
    """Bad input data or parameter. The message names where the problem is."""

    def __init__(self, message: str, *, file=None, row=None, column=None, value=None):
        if hasattr(value, "item"):  # numpy / pandas scalars print as plain Python values
            value = value.item()
        if isinstance(value, float) and value != value:  # an empty cell read as NaN is no value
            value = None
        elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            value = int(value)  # 500, as the cell said, not 500.0
        self.reason = message  # the message without the place, for a caller that names the place itself
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
