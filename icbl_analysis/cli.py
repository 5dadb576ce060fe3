"""`icbl-review`: the annual review, data validation, notebook parameters, quick treaty look-ups.

Campaign staff: `icbl-review records campaign.xlsx` writes the workbook of the indicators only the campaign's
records answer; fill it in Excel, then `icbl-review annual --records campaign.xlsx`.
"""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from . import states_parties
from .core.errors import DataError
from .core.escape import spreadsheet_safe
from .core.paths import BUNDLED_DATA_DIR, notebooks_dir
from .data.blank_tables import write_templates
from .data.build import build
from .data.countries import lookup_name
from .data.load import load_data
from .data.records import check_records, default_years, records_catalogue, records_folder, write_workbook
from .data.schema import day_problem
from .data.validate import validate_folder
from .engine.facts import EDITION_PATTERN
from .engine.reconcile import by_year_and_basis, reconcile, reconcile_lists, summary
from .present.memo import write_memo
from .review import indicators
from .review.compute import check_parameters
from .review.diff import compare_editions, editions, review_pair
from .run.outputs import prepare_out

# The runner is imported by the two commands that run notebooks, when they run: it imports papermill, which
# alone costs about two seconds that `icbl-review validate` or `states-parties` should not pay.
# jsonschema (imported by nbformat) builds the grammars of an optional URI-syntax checker when it is
# installed, 1.3 s at every start; nothing this command runs checks URI formats with it, so it does without.
sys.modules.setdefault("rfc3987_syntax", None)


def _annual(args) -> int:
    from .run.runner import run_annual  # here, for start-up speed: papermill takes about 2 s to import

    notebooks = [n.strip() for n in args.notebooks.split(",")] if args.notebooks else None
    result = run_annual(
        args.year,
        baseline=args.baseline,
        vintage=args.vintage,
        data_dir=args.data,
        user_dir=args.user_data,
        out_root=args.out,
        jobs=args.jobs,
        notebooks=notebooks,
        only_changed=args.only_changed,
        progress=not args.quiet,
        pdf=not args.no_pdf,
        publish_partial=args.publish_partial,
        records=args.records,
    )
    return _report(result, f"review {args.year}")


def country_items(words: list[str], groups: set[str]) -> list[str]:
    """The --countries items, comma-separated or as the shell splits them (`--countries USA Cambodia`); the words of
    one name given unquoted (`United States`) are put back together, the longest known name first."""
    items = []
    for part in (p.strip() for p in " ".join(words).split(",")):
        if not part:
            continue
        if lookup_name(part) or part.lower() in groups:
            items.append(part)
            continue
        rest = part.split()
        while rest:
            size = next((n for n in range(len(rest), 0, -1) if lookup_name(" ".join(rest[:n]))
                         or " ".join(rest[:n]).lower() in groups), 1)  # fmt: skip
            items.append(" ".join(rest[:size]))
            rest = rest[size:]
    return items


def _profiles(args) -> int:
    from .run.runner import GROUPS, run_profiles  # here, for start-up speed: papermill takes about 2 s to import

    result = run_profiles(
        country_items(args.countries, set(GROUPS)),
        args.year,
        vintage=args.vintage,
        data_dir=args.data,
        user_dir=args.user_data,
        out_root=args.out,
        jobs=args.jobs,
        progress=not args.quiet,
        pdf=not args.no_pdf,
        publish_partial=args.publish_partial,
    )
    return _report(result, f"profiles {args.year}")


def _report(result, label: str) -> int:
    """Print what a run did; non-zero when any notebook failed."""
    if result.archived:
        print(f"earlier outputs kept in {result.archived}")
    for r in result.results:
        flag = "reused" if r.get("reused") else r["outcome"]
        print(f"  {r['notebook']:<12} {flag:<7} {r['seconds']:>6.1f}s  {r['error']}")
    notes_file = result.folder / "notes.txt"
    notes = notes_file.read_text(encoding="utf-8").strip() if notes_file.exists() else ""
    if notes:
        print(notes)
    if result.failed:
        names = ", ".join(r["notebook"] for r in result.failed)
        kept = (
            f"; the published run in {result.kept_published} was kept"
            if result.kept_published
            else "; nothing was published"
            if not result.published
            else ""
        )
        print(
            f"error: {len(result.failed)} notebook(s) failed: {names}{kept}. This run, with the error cells, is in "
            f"{result.folder} (use --publish-partial to publish a run with failures)",
            file=sys.stderr,
        )
        return 1
    print(f"{label}: open {result.folder / 'index.html'}")
    return 0


def _templates(args) -> int:
    if Path(args.folder).exists() and not Path(args.folder).is_dir():
        raise DataError("is a file; name a folder for the templates", column="folder", value=args.folder)
    written = write_templates(args.folder)
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} template(s) written to {args.folder} (existing files were left as they were)")
    return 0


REFERENCE_TABLES = ("countries.csv", "units.csv", "goals.csv", "objectives.csv", "indicators.csv")


def _validate(args) -> int:
    folder = Path(args.folder) if args.folder else None
    partial = args.partial
    if folder and not partial and folder.is_dir() and not any((folder / t).exists() for t in REFERENCE_TABLES):
        partial = True  # a researcher's folder (icbl-review templates): its rows join the bundled data
        print(f"{args.folder} holds none of the reference tables ({', '.join(REFERENCE_TABLES)}): checked as a "
              "researcher's folder, joined to the data it adds to (as --partial)", file=sys.stderr)  # fmt: skip
    problems = validate_folder(args.folder, partial=partial, base=args.data, records=args.records)
    if args.records:  # the same checks `annual --records` makes, told by sheet and cell
        problems += check_records(args.records)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print(f"{args.folder or 'bundled data'}: all tables valid")
    if args.records:
        values = len(read_lines(records_folder(args.records) / "researcher_indicators.csv")) - 1
        print(f"{args.records}: every filled cell valid ({values} value(s) from the campaign's records)")
    return 0


def read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _records(args) -> int:
    first = args.from_year or default_years().start
    last = args.to_year or default_years().stop - 1
    if first > last or first < 1997:
        raise DataError(f"the years run from 1997 up, the first not after the last ({last})", column="--from",
                        value=first)  # fmt: skip
    path = write_workbook(args.file, range(first, last + 1), force=args.force)
    count = len(records_catalogue())
    print(f"wrote {path}: {count} indicators only the campaign's records answer, one row per year {first}-{last}")
    print(f"fill it in Excel (sheet 'How to fill'), then: icbl-review annual --records {path}")
    return 0


def _params(args) -> int:
    path = Path(args.notebook)
    if not path.exists():
        path = notebooks_dir() / f"{args.notebook.removesuffix('.ipynb')}.ipynb"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in notebooks_dir().glob("*.ipynb")))
        raise DataError(f"no such notebook; known notebooks: {known}", column="notebook", value=args.notebook)
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"not a readable notebook ({type(exc).__name__})", column="notebook", value=str(path)) from None
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            print(f"{path.stem} accepts:")
            for line in cell.source.splitlines():
                if line and not line.startswith("#"):
                    print(f"  {line}")
            return 0
    print(f"{path.stem} has no parameters cell")
    return 1


def _parties(args) -> int:
    from datetime import date

    problem = day_problem(args.on)
    if problem is None and args.on > date.today().isoformat():
        problem = "a date after today: the record cannot say who will be party then"
    if problem:
        raise DataError(problem, column="--on", value=args.on)
    frame = states_parties(args.treaty, args.on, basis=args.basis, data_dir=args.data)
    print(frame.to_string(index=False))
    print(f"{len(frame)} States Parties of the {args.treaty} on {args.on} (counted from {args.basis})")
    return 0


def _coverage(args) -> int:
    check_parameters(args.to_year, args.from_year, args.vintage, args.data or "", args.user_data or "")
    if args.csv and Path(args.csv).exists():
        raise DataError(
            "the file exists; choose another name (nothing was overwritten)", column="--csv", value=args.csv
        )
    if args.csv and not Path(args.csv).resolve().parent.is_dir():
        raise DataError("its folder does not exist", column="--csv", value=args.csv)
    data = load_data(args.data, args.user_data, args.records)
    years = list(range(args.from_year, args.to_year + 1))
    table = indicators.coverage(indicators.compute(data, years, args.vintage))
    shown = table.drop(columns="indicator").replace("", "-")
    print(shown.to_string(index=False))
    counts = indicators.coverage_counts(table)
    print(
        f"indicator-years: {counts['public record']} from the public record ({args.vintage} vintage), "
        f"{counts['public gap']} public gaps ('-'), {counts['campaign records']} from the campaign's records, "
        f"{counts['awaiting records']} awaiting the campaign's records; 'derived' = computed from the treaty and "
        "obligation tables"
    )
    if args.csv:
        spreadsheet_safe(table).to_csv(args.csv, index=False)
        print(f"wrote {args.csv}")
    return 0


def _diff(args) -> int:
    data = load_data(args.data, args.user_data)
    facts = data.monitor_facts
    old, new = args.from_edition, args.to_edition
    if old is None and new is None:  # the two editions that report on the review year (2015: LM2015 and LM2016)
        old, new = review_pair(facts, args.year, "CMM" if args.cmm else "LM")
    elif old is None or new is None:
        given = new or old
        match = EDITION_PATTERN.match(str(given))
        if not match:
            raise DataError("an edition looks like LM2015 or CMM2016", column="--to" if new else "--from", value=given)
        known = editions(facts, match.group(1))
        if given not in known:
            raise DataError(f"no figures of this edition in the data; editions with figures: {', '.join(known)}",
                            column="--to" if new else "--from", value=given)  # fmt: skip
        i = known.index(given)
        if new and i == 0 or old and i == len(known) - 1:
            raise DataError("no edition to compare it with", column="--to" if new else "--from", value=given)
        old, new = (known[i - 1], new) if new else (old, known[i + 1])
    diff = compare_editions(data, old, new)
    root = prepare_out(args.out)
    paths = write_memo(diff, root / "changes", archive=root / "archive" / "changes")
    print(diff.summary())
    print(f"memo: {paths['html']} (and {paths['md'].name}, {paths['csv'].name})")
    return 0


def _reconcile(args) -> int:
    data = load_data(args.data, args.user_data)
    table = reconcile(data, args.from_year, args.to_year)
    lists, states = reconcile_lists(data, args.from_year, args.to_year)
    if table.empty and lists.empty:
        print("no published counts or lists in the data for these years")
        return 0
    shown = table.assign(
        derived=table["derived"].map(lambda v: "-" if v is None or v != v else str(int(v))),
        difference=table["difference"].map(lambda v: "" if v is None or v != v else f"{int(v):+d}"),
    )
    cols = ["as_of", "treaty", "measure", "publisher", "published", "derived", "difference", "outcome", "states"]
    print(shown[cols].to_string(index=False, max_colwidth=60))
    for r in table[table["outcome"] == "explained"].itertuples():
        print(f"  explained: {r.measure} {r.treaty} {r.as_of}: {r.explanation}")
    print(f"reconciliation {args.from_year}-{args.to_year}: {summary(table)}")
    if len(lists):
        cols = ["as_of", "treaty", "basis", "list_id", "published", "derived", "outcome", "states"]
        print("\npublished lists, state by state (-XXX counted by the engine only, +XXX by the publisher only):")
        print(lists[cols].to_string(index=False, max_colwidth=60))
        for r in states[states["outcome"] == "open"].itertuples():
            side = "the publisher only" if r.published else "the engine only"
            print(f"  open: {r.list_id} {r.as_of}: {r.iso3} counted by {side}")
        print(by_year_and_basis(lists).to_string(index=False))
        print(f"lists {args.from_year}-{args.to_year}: {summary(lists)}")
    open_rows = int((table["outcome"] == "open").sum()) + int((lists["outcome"] == "open").sum())
    if open_rows:
        print(
            f"error: {open_rows} open difference(s): fix the data where the difference is ours, or explain it "
            "with a cited row in reconciliation_notes.csv that names every state it accounts for",
            file=sys.stderr,
        )
        return 1
    return 0


def _build(args) -> int:
    folder = Path(args.data) if args.data else BUNDLED_DATA_DIR
    out, skipped = build(folder, write=not args.check)
    for note in skipped:
        print(f"  note: {note}")
    if args.check:
        stale = [name for name, text in out.items() if (folder / name).read_text(encoding="utf-8") != text]
        if stale:
            print(f"error: out of date with the batches: {', '.join(stale)} (run `make data`)", file=sys.stderr)
            return 1
        print(f"{folder}: every table matches its batches")
        return 0
    print(f"rebuilt {len(out)} files in {folder} from {folder / 'incoming'}")
    return 0


RECORDS_HELP = "the campaign's filled records workbook (.xlsx, from `icbl-review records`), or a CSV of those rows"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icbl-review", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    annual = sub.add_parser(
        "annual", help="run the goal reviews and the overview for a year, publish into outputs/<year>/"
    )
    annual.add_argument("--year", type=int, default=2015, help="review year (default 2015)")
    annual.add_argument("--baseline", type=int, default=2011, help="baseline year (default 2011)")
    annual_options = {
        "--vintage": {"default": "first", "help": "Monitor figures: first, latest or an edition like LM2013"},
        "--data": {"type": folder_name, "help": "a full data folder (default: the bundled data/)"},
        "--user-data": {"type": folder_name, "help": "a researcher's folder of extra rows in the same shape"},
        "--out": {"type": folder_name, "help": "outputs folder (default: outputs/)"},
    }
    for flag, options in annual_options.items():
        annual.add_argument(flag, **options)
    annual.add_argument("--jobs", type=positive_int, help="notebooks run side by side (default: the number of cores)")
    annual.add_argument("--publish-partial", action="store_true", help="publish the run even if a notebook failed")
    annual.add_argument("--notebooks", help="comma-separated subset, e.g. goal1,overview")
    annual.add_argument(
        "--only-changed",
        action="store_true",
        help="rerun only notebooks that failed or whose notebook, data or parameters changed",
    )
    annual.add_argument("--no-pdf", action="store_true", help="skip PDF printing")
    annual.add_argument("--quiet", action="store_true", help="no progress bar")
    annual.add_argument("--records", type=folder_name, help=RECORDS_HELP)
    annual.set_defaults(func=_annual)

    profiles = sub.add_parser("profiles", help="country profiles for a year, into outputs/profiles-<year>/")
    profiles.add_argument(
        "--countries",
        required=True,
        nargs="+",
        help="ISO3 codes, names or groups (all, affected, mbt-parties, ccm-parties, not-party), separated by commas "
        "or spaces: --countries KHM 'United States' or --countries KHM,USA",
    )
    profiles.add_argument("--year", type=int, default=2015, help="as of 31 December of this year (default 2015)")
    for flag in ("--vintage", "--data", "--user-data", "--out"):
        profiles.add_argument(flag, **annual_options[flag])
    profiles.add_argument("--jobs", type=positive_int, help="profiles run side by side (default: the number of cores)")
    profiles.add_argument("--publish-partial", action="store_true", help="publish the run even if a profile failed")
    profiles.add_argument("--no-pdf", action="store_true", help="skip PDF printing")
    profiles.add_argument("--quiet", action="store_true", help="no progress bar")
    profiles.set_defaults(func=_profiles)

    templates = sub.add_parser("templates", help="blank tables a researcher can fill in, written to a folder")
    templates.add_argument("folder", type=folder_name, help="folder to write them into (created if needed)")
    templates.set_defaults(func=_templates)

    validate = sub.add_parser("validate", help="check every table of a data folder against datapackage.json")
    validate.add_argument("folder", nargs="?", type=folder_name, help="data folder (default: the bundled data/)")
    validate.add_argument("--partial", action="store_true", help="a researcher's folder: absent tables are fine")
    validate.add_argument("--data", type=folder_name, help="with --partial: the data folder it joins")
    validate.add_argument("--records", type=folder_name, help="also check a filled campaign records workbook (every "
                          "bad cell by sheet and cell, as `annual --records` would refuse it)")  # fmt: skip
    validate.set_defaults(func=_validate)

    records = sub.add_parser(
        "records",
        help="write the campaign records workbook (Excel): the indicators only the campaign's records answer, a row "
        "per indicator and year, for staff to fill; then `annual --records FILE`",
    )
    records.add_argument("file", help="the workbook to write, e.g. campaign.xlsx (an existing file is never replaced)")
    records.add_argument("--from", dest="from_year", type=int, help="first year (default 2011, the baseline)")
    records.add_argument("--to", dest="to_year", type=int, help="last year (default: last year)")
    records.add_argument("--force", action="store_true", help="replace the file if it exists")
    records.set_defaults(func=_records)

    params = sub.add_parser("params", help="list the parameters a notebook accepts")
    params.add_argument("notebook", help="a notebook name (goal1, overview, ...) or path")
    params.set_defaults(func=_params)

    cover = sub.add_parser(
        "coverage",
        help="where each indicator's value comes from, year by year: public record, campaign records, awaiting records",
    )
    cover.add_argument("--from", dest="from_year", type=int, default=2011, help="first year (default 2011)")
    cover.add_argument("--to", dest="to_year", type=int, default=2015, help="last year (default 2015)")
    for flag in ("--vintage", "--data", "--user-data"):
        cover.add_argument(flag, **annual_options[flag])
    cover.add_argument("--records", type=folder_name, help=RECORDS_HELP)
    cover.add_argument("--csv", type=folder_name, help="also write the table to this new CSV file")
    cover.set_defaults(func=_coverage)

    rec = sub.add_parser(
        "reconcile",
        help="compare the derived counts and lists with those the Monitor and the secretariats published, by state",
    )
    rec.add_argument(
        "--from", dest="from_year", type=int, default=2011, help="first year of as-of dates (default 2011)"
    )
    rec.add_argument("--to", dest="to_year", type=int, default=2015, help="last year (default 2015)")
    for flag in ("--data", "--user-data"):
        rec.add_argument(flag, **annual_options[flag])
    rec.set_defaults(func=_reconcile)

    changes = sub.add_parser(
        "diff", help="what changed between two Monitor editions: a memo (HTML, Markdown, CSV) in outputs/changes/"
    )
    changes.add_argument(
        "--from", dest="from_edition", help="the older edition, e.g. LM2015 (default: the one before --to)"
    )
    changes.add_argument(
        "--to", dest="to_edition", help="the newer edition, e.g. LM2016 (default: the one after --from)"
    )
    changes.add_argument(
        "--year",
        type=int,
        default=2015,
        help="with no editions named: the review year whose two editions are compared (default 2015: LM2015 to LM2016)",
    )
    changes.add_argument(
        "--cmm", action="store_true", help="with no editions named: the Cluster Munition Monitors of the review year"
    )
    for flag in ("--data", "--user-data", "--out"):
        changes.add_argument(flag, **annual_options[flag])
    changes.set_defaults(func=_diff)

    build = sub.add_parser("build", help="rebuild the data tables from the collected batches in data/incoming/")
    build.add_argument("--data", type=folder_name, help="a data folder with an incoming/ folder (default: bundled)")
    build.add_argument("--check", action="store_true", help="only check that the tables match their batches")
    build.set_defaults(func=_build)

    parties = sub.add_parser("states-parties", help="States Parties of a treaty on a date")
    parties.add_argument("--treaty", default="MBT", choices=["MBT", "CCM"])
    parties.add_argument("--on", required=True, help="date YYYY-MM-DD")
    parties.add_argument("--basis", default="deposit", choices=["deposit", "entry_into_force"])
    parties.add_argument("--data", type=folder_name, help="a full data folder (default: the bundled data/)")
    parties.set_defaults(func=_parties)
    return parser


def folder_name(text: str) -> str:
    """A folder or file option must name something: an empty value is an unset variable in a script, and
    would otherwise mean the default folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty name (an unset variable in a script?): name a folder or file")
    return text


def positive_int(text: str) -> int:
    """--jobs takes a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _stop_on_sigterm() -> None:
    """SIGTERM (`kill`, a scheduler) and SIGHUP (the terminal closed) stop a run like Ctrl-C: staging removed,
    workers, kernels and the browser stopped, nothing published."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt

    for sig in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, sig):
            signal.signal(getattr(signal, sig), stop)


# a review parameter named by the option that set it (the library names the parameter itself)
OPTIONS = {"review_year": "--year", "baseline_year": "--baseline", "vintage": "--vintage", "data_dir": "--data",
           "user_data_dir": "--user-data", "records": "--records"}  # fmt: skip
RANGE_OPTIONS = {"review_year": "--to", "baseline_year": "--from"}  # coverage: years from .. to


def _as_option(exc: DataError, args) -> DataError:
    if exc.file is not None or exc.row is not None or exc.column not in OPTIONS:
        return exc
    option = (RANGE_OPTIONS if hasattr(args, "to_year") else OPTIONS).get(exc.column, OPTIONS[exc.column])
    return DataError(exc.reason, column=option, value=exc.value)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _stop_on_sigterm()
    try:
        return args.func(args)
    except DataError as exc:
        print(f"error: {_as_option(exc, args)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print(exc.args[0] if exc.args else "interrupted; no outputs were moved into place", file=sys.stderr)
        return 130
    except OSError as exc:  # a full disk, a folder that vanished, a permission refused
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        hint = ""
        if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            hint = " - the disk (or your quota) is full; free some space and run again. Nothing was published"
        print(f"error: {where}{exc.strerror or exc}{hint}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
