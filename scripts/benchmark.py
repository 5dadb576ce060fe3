"""Benchmark: the annual review (`icbl-review annual`) against a plain loop of `papermill` runs.

Both run the same notebooks with the same parameters, alternately, `--rounds` times; the script prints
each time, the medians and the ratio. The runner also publishes HTML, index and slides (PDF off), so
the comparison is conservative. Not a test: run it with `make benchmark`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = ["overview", "goal1", "goal2", "goal3", "goal4"]


def plain_loop(year: int, out: Path) -> float:
    out.mkdir(parents=True)
    start = time.perf_counter()
    for name in NOTEBOOKS:
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(REPO / "notebooks" / f"{name}.ipynb"),
                str(out / f"{name}.ipynb"),
                "-p",
                "review_year",
                str(year),
                "-p",
                "output_dir",
                str(out / name),
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
            cwd=REPO / "notebooks",
        )
    return time.perf_counter() - start


def runner(year: int, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "icbl-review"), "annual", "--year", str(year), "--out", str(out), "--no-pdf", "--quiet"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2015)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    plain, ours = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            plain.append(plain_loop(args.year, Path(tmp) / f"plain{i}"))
            ours.append(runner(args.year, Path(tmp) / f"ours{i}"))
            print(f"round {i + 1}: papermill loop {plain[-1]:6.1f}s   icbl-review annual {ours[-1]:6.1f}s", flush=True)
    p, o = statistics.median(plain), statistics.median(ours)
    print(
        f"median: papermill loop {p:.1f}s, icbl-review annual {o:.1f}s -> {p / o:.2f}x faster "
        f"({len(NOTEBOOKS)} notebooks, review year {args.year})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
