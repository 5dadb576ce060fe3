"""Exploring the data without writing code: views of a treaty on a date, a state's time line, a figure by
edition and an edition's changes, each a table, a chart and the sources of its numbers (`views`), and the
exploration notebook's controls over them (`widgets`). Imports `core`, `data`, `engine`, `review` and
`present`, never `run`; the console API in the package's `__init__` is built on these views."""
