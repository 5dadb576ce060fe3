"""Benchmark: the suite's runner against a plain loop of `papermill` commands, side by side.

- annual review: the five notebooks by a plain papermill loop, then by `icbl-review annual` (which also
  writes the HTML reports, the index and the slides; no PDF), alternately, `--rounds` times;
- country profiles: a plain papermill loop over three states, extrapolated to every state, against
  `icbl-review profiles --countries all` (HTML and charts), and the same with PDFs;
- reruns with `--only-changed` after one changed row, in a table one notebook reads and in one all read;
- loading the bundled data in a fresh process, its checks remembered and not;
- the explorers in JupyterLab in headless Chromium: the time from a control changed by hand to the chart
  redrawn on the page (median per explorer and over all; `--redraw-only` runs this part alone).

Each line gives the wall time, the ratio to its baseline, and the peak memory of the process tree (the sum
of resident memory of every process, sampled ten times a second). Not a test: `make benchmark`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = ["overview", "goal1", "goal2", "goal3", "goal4"]
SAMPLE_STATES = ["KHM", "COL", "FRA"]


def timed(argv: list[str], cwd: Path = REPO, env: dict | None = None) -> tuple[float, float]:
    """Run a command; its wall time in seconds and the peak memory of its process tree in MB."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in tree if p.is_running()) / 2**20)
            except psutil.Error:
                pass
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{err[-2000:]}")
    return time.perf_counter() - start, peak[0]


def papermill(notebook: str, out: Path, params: dict) -> list[str]:
    argv = [str(BIN / "papermill"), str(REPO / "notebooks" / f"{notebook}.ipynb"), str(out), "--no-progress-bar"]
    for key, value in params.items():
        argv += ["-p", key, str(value)]
    return argv


def plain_annual(year: int, out: Path) -> tuple[float, float]:
    out.mkdir(parents=True)
    total, peak = 0.0, 0.0
    for name in NOTEBOOKS:
        seconds, mb = timed(
            papermill(name, out / f"{name}.ipynb", {"review_year": year, "output_dir": out / name}), REPO / "notebooks"
        )
        total, peak = total + seconds, max(peak, mb)
    return total, peak


def plain_profiles(year: int, out: Path) -> tuple[float, float]:
    out.mkdir(parents=True)
    total, peak = 0.0, 0.0
    for code in SAMPLE_STATES:
        argv = papermill("country_profile", out / f"{code}.ipynb", {"country": code, "review_year": year,
                                                                      "output_dir": out / code})  # fmt: skip
        seconds, mb = timed(argv, REPO / "notebooks")
        total, peak = total + seconds, max(peak, mb)
    return total / len(SAMPLE_STATES), peak


def review(*args: str) -> list[str]:
    return [str(BIN / "icbl-review"), *args, "--quiet"]


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def breakdown(run: dict) -> str:
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in run.get("phases", {}).items())
    notebooks = run.get("notebooks", [])
    executed = sum(n["seconds"] for n in notebooks if not n.get("reused"))
    rendered = sum(n.get("render_seconds", 0) for n in notebooks if not n.get("reused"))
    return (f"runner {run['seconds']:.1f} s: {phases}; notebooks executing {executed:.1f} s and rendering "
            f"{rendered:.1f} s in all, over the workers")  # fmt: skip


def load_times() -> tuple[float, float]:
    """Seconds to load and check the bundled data in a fresh process: checks remembered, then not."""
    code = ("import time; from icbl_analysis.data.load import load_data; t = time.perf_counter(); load_data(); "
            "print(time.perf_counter() - t)")  # fmt: skip
    warm = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    with tempfile.TemporaryDirectory() as empty:
        env = dict(os.environ, XDG_CACHE_HOME=empty)
        cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return warm, float(cold.stdout)


def change_row(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


REDRAWS = {  # explorer -> (control, values to alternate, what the title then says)
    "treaty_explorer": ("input[type=date]", ["2010-12-31", "2015-12-31"], ["31 December 2010", "31 December 2015"]),
    "state_explorer": ("input[type=text]", ["Bosnia and Herzegovina", "Cambodia"], ["Bosnia", "Cambodia"]),
    "metric_explorer": ("input[type=text]", ["Syria", "World"], ["Syria", "World"]),
}


def redraw_times(rounds: int) -> dict[str, list[float]]:
    """Seconds from a control changed in the page to the new chart shown, `rounds` times per explorer: the
    notebook open in JupyterLab in headless Chromium, as a researcher uses it."""
    sys.path.insert(0, str(REPO / "tests"))
    from browser import Notebook, launch, open_tab, start_lab, stop_lab
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="icbl-redraw-") as tmp, sync_playwright() as playwright:
        chromium, why = launch(playwright)
        if chromium is None:
            raise SystemExit(f"redraw timing needs a browser: {why}")
        lab = start_lab(Path(tmp))
        try:
            nb = Notebook(open_tab(chromium), lab, "explore.ipynb")
            nb.run_all()
            sources = nb.sources()
            for call, (control, values, titles) in REDRAWS.items():
                cell = nb.cell(next(i for i, src in enumerate(sources) if src.strip() == f"widgets.{call}()"))
                field = cell.locator(control).first
                for i in range(rounds):
                    value, title = values[i % 2], titles[i % 2]
                    old = cell.evaluate("c => (c.querySelector('.widget-output img') || {}).src || ''")
                    start = time.perf_counter()
                    field.fill(value)
                    if control == "input[type=text]":
                        field.press("Enter")
                    cell.evaluate_handle(
                        """(c, [old, title]) => new Promise(done => { const check = () => {
                            const img = c.querySelector('.widget-output img');
                            const h = c.querySelector('.widget-output h3');
                            const drawn = img && img.src !== old && img.complete;
                            if (drawn && h && h.textContent.includes(title)) done(true);
                            else requestAnimationFrame(check); }; check(); })""",
                        [old, title],
                    )
                    times.setdefault(call, []).append(time.perf_counter() - start)
            nb.close()
        finally:
            chromium.close()
            stop_lab(lab)
    return times


def print_redraws(rounds: int) -> None:
    times = redraw_times(rounds)
    every = [t for ts in times.values() for t in ts]
    print(f"explorer redraw in the browser, control change to chart shown ({rounds} changes each):")
    for call, ts in times.items():
        print(f"  {call:22} median {statistics.median(ts):5.2f} s   (min {min(ts):.2f}, max {max(ts):.2f})")
    print(f"  {'all':22} median {statistics.median(every):5.2f} s   (load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs)")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, default=2015)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the annual comparison (median)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the profiles run with PDFs")
    parser.add_argument("--redraw-only", action="store_true", help="only the explorers' redraw time in a browser")
    parser.add_argument("--redraws", type=int, default=10, help="control changes per explorer (median)")
    args = parser.parse_args()
    year = str(args.year)
    print(f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}; review year {year}")
    if args.redraw_only:
        print_redraws(args.redraws)
        return 0
    subprocess.run([str(BIN / "icbl-review"), "validate"], check=True, capture_output=True)  # checks remembered
    with tempfile.TemporaryDirectory(prefix="icbl-benchmark-") as tmp:
        tmp = Path(tmp)
        plain, ours, peaks, last = [], [], [0.0, 0.0], None
        for i in range(args.rounds):
            seconds, mb = plain_annual(args.year, tmp / f"plain{i}")
            plain.append(seconds)
            peaks[0] = max(peaks[0], mb)
            seconds, mb = timed(review("annual", "--year", year, "--out", str(tmp / f"ours{i}"), "--no-pdf"))
            ours.append(seconds)
            peaks[1] = max(peaks[1], mb)
            last = manifest(tmp / f"ours{i}" / year)
            print(f"  round {i + 1}: papermill loop {plain[-1]:5.1f} s, runner {ours[-1]:5.1f} s", flush=True)
        p, o = statistics.median(plain), statistics.median(ours)
        print(f"annual review, 5 notebooks (median of {args.rounds}):")
        print(f"  plain papermill loop        {p:6.1f} s   peak {peaks[0]:5.0f} MB")
        print(f"  icbl-review annual          {o:6.1f} s   peak {peaks[1]:5.0f} MB   {p / o:.1f}x")
        print(f"  {breakdown(last)}")

        per_state, mb_plain = plain_profiles(args.year, tmp / "plain-profiles")
        seconds, mb = timed(review("profiles", "--countries", "all", "--year", year, "--out", str(tmp / "p"),
                                   "--no-pdf"))  # fmt: skip
        run = manifest(tmp / "p" / f"profiles-{year}")
        states = len(run["notebooks"])
        extrapolated = per_state * states
        print(f"country profiles, {states} states:")
        print(f"  plain papermill loop        {extrapolated:6.1f} s   peak {mb_plain:5.0f} MB   "
              f"({per_state:.2f} s a state over {', '.join(SAMPLE_STATES)}, times {states})")  # fmt: skip
        print(f"  icbl-review profiles        {seconds:6.1f} s   peak {mb:5.0f} MB   {extrapolated / seconds:.1f}x")
        print(f"  {breakdown(run)}")
        if not args.no_pdf:
            seconds, mb = timed(review("profiles", "--countries", "all", "--year", year, "--out", str(tmp / "pp")))
            printing = manifest(tmp / "pp" / f"profiles-{year}")["phases"].get("publish", 0)
            print(f"  with PDFs                   {seconds:6.1f} s   peak {mb:5.0f} MB   {printing:.1f} s printing")

        data, out = tmp / "data", tmp / "rerun"
        shutil.copytree(REPO / "data", data)
        rerun = review("annual", "--year", year, "--data", str(data), "--out", str(out), "--no-pdf", "--only-changed")
        timed(rerun)
        print("rerun with --only-changed after one changed row:")
        for label, table, old, new in [
            ("va_status (goal 3 reads it)", "va_status.csv", "assistance since 2015", "assistance from 2015"),
            ("monitor_facts (every review reads it)", "monitor_facts.csv", "primary chapter page", "primary chapter"),
        ]:  # fmt: skip
            change_row(data / table, old, new)
            seconds, _ = timed(rerun)
            redone = [n["notebook"] for n in manifest(out / year)["notebooks"] if not n.get("reused")]
            print(f"  {label:38} {seconds:5.1f} s, redid {', '.join(redone) or 'nothing'}")
        seconds, _ = timed(rerun)
        print(f"  {'nothing changed':38} {seconds:5.1f} s")

    warm, cold = load_times()
    print(f"loading the bundled data in a fresh process: {warm:.2f} s (checks remembered), {cold:.2f} s (checked)")
    print_redraws(args.redraws)
    return 0


if __name__ == "__main__":
    sys.exit(main())
