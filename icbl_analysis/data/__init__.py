"""The tables in and checked: the package's schema and the row rules a schema cannot state, reading a table
(and a researcher's rows merged into it), every check of a data folder, the campaign records workbook, the
country names, the build of the tables from the collected batches, and `load.ReviewData`, the checked tables
that every layer above reads. Imports only `core`; nothing here knows about treaties, ratings or outputs."""
