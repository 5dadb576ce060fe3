"""Running the reviews: the runner behind `icbl-review annual` and `profiles` (`runner`: check, run in parallel,
publish, move into place, reuse what has not changed), its worker processes (`workers`), each with a warm
kernel (`kernels`) in which papermill runs the notebooks through the engine `icbl-warm` (`papermill_engine`,
`execute`), the publishing of a run's pages and PDFs (`publish`, `pdf`) and the outputs folder with its lock
and journal (`outputs`). Imports `core`, `data`, `engine`, `review` and `present`, never `explore`; only the CLI
imports it."""
