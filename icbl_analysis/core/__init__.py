"""The foundations every layer uses: one error type that names file, row, column and value (`errors`), where
files live (`paths`), and text from the data made safe for each output format (`escape`). Nothing here imports
any other module of this package; every layer may import from here."""
