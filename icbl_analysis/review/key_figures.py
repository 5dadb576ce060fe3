"""The key-figures registry: every number a review or a profile states, computed once, with what it is.

A figure is one number with its unit and qualifier, what it measures (the measure, the states it covers, the
caution on its row), when (period, as of), where it comes from (edition and vintage, source URL, whether that
page is the publisher's own or a secondary copy, and the kind of source: Monitor, treaty records, campaign
records...), the basis it was counted on, and the figure it was compared with. `compute_review` and
`compute_profile` fill the registry; every output (sentences, tables, chart labels, statuses, slides, the
index, the key findings sheet) reads its numbers from it, and `key_figures.csv` is published beside them.
`figure_check` reads every output back and finds any number the registry does not hold.

Kinds of figure: "figure" (an indicator's value for a year), "count" (a count the review derives: ratings by
status, gaps, obligations by status...), "cell" (a number in a table a report shows, keyed by table, row and
column).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd

from ..core.escape import spreadsheet_safe
from ..engine.facts import EDITION_PATTERN, edition_label, format_value, metric_labels, primary_site, source_label
from .ratings import RATED, STATUSES, measure_words, vintage_label

SOURCE_WORDS = {"Monitor": "Landmine / Cluster Munition Monitor"}


@dataclass
class Figure:
    key: str
    value: float
    unit: str = ""
    qualifier: str = ""
    label: str = ""
    kind: str = "figure"
    period: str = ""
    as_of: str = ""
    edition: str = ""
    vintage: str = ""
    basis: str = ""
    measure: str = ""
    definition: str = ""
    coverage: str = ""
    caveat: str = ""
    comparable_with: str = ""
    source_kind: str = ""
    source_url: str = ""
    confirmed_by: str = ""  # a primary page (the Monitor's, a secretariat's) stating the same figure
    confirmed_in: str = ""  # the edition of that page

    @property
    def text(self) -> str:
        """The figure as every output writes it: 'at least 190 km²', 'US$340.1 million', '37%', '1,234'."""
        return format_value(self.value, self.qualifier or None, self.unit)

    @property
    def source(self) -> str:
        if self.edition or str(self.source_url).startswith("http"):
            return source_label(self.edition or None, self.source_url, self.as_of or None)
        return self.source_kind

    @property
    def secondary(self) -> bool:
        """True where the only stored page is a copy of low standing (news agency, blog, document host): no
        primary page holds the same figure."""
        return str(self.source_url).startswith("http") and not primary_site(self.source_url) and not self.confirmed_by

    @property
    def primary_publication(self) -> str:
        """The publication a secondary copy reproduces: the Monitor edition, else the kind of source."""
        if EDITION_PATTERN.match(self.edition or ""):
            return edition_label(self.edition)
        return self.source_kind


COLUMNS = [f.name for f in fields(Figure)] + ["text", "source", "secondary", "primary_publication"]


def _clean(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


@dataclass
class KeyFigures:
    """Every figure of one review (or profile) by key, and the tables whose cells are figures."""

    figures: dict[str, Figure] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def add(self, key: str, value, **meta) -> Figure:
        """Register one figure; a key registered twice must hold the same value (one number, one truth)."""
        number = float(value)
        figure = Figure(key, number, **{k: _clean(v) for k, v in meta.items()})
        known = self.figures.get(key)
        if known is not None and (known.value, known.qualifier, known.unit) != (number, figure.qualifier, figure.unit):
            raise ValueError(f"figure {key} registered twice: {known.text} and {figure.text}")
        self.figures[key] = known or figure
        return self.figures[key]

    def count(self, key: str, value: int, label: str, unit: str = "") -> Figure:
        return self.add(key, value, label=label, unit=unit, kind="count")

    def cells(self, table: str, frame: pd.DataFrame, ids: list[str], columns: dict[str, str], label: str = "",
              qualified: str | None = None):  # fmt: skip
        """Register every number in `columns` (column -> unit; '@col' takes the unit from the row's column) of a
        table a report shows, keyed `table:row ids:column`, and keep the table to show. The row's qualifier
        belongs to the column `qualified`. Returns the frame."""
        for row in frame.to_dict("records"):
            name = ":".join(_clean(row.get(c)) for c in ids)
            for column, unit in columns.items():
                value = row.get(column)
                if value is None or isinstance(value, str) or pd.isna(value):
                    continue
                self.add(f"{table}:{name}:{column}", value, unit=row.get(unit[1:]) if unit.startswith("@") else unit,
                         qualifier=row.get("qualifier") if column == qualified else None, label=label or table,
                         kind="cell", edition=row.get("edition"), source_url=row.get("source_url"))  # fmt: skip
        self.tables[table] = frame
        return frame

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def get(self, key: str) -> Figure:
        if key not in self.figures:
            raise KeyError(f"no figure {key} in the registry")
        return self.figures[key]

    def __contains__(self, key: str) -> bool:
        return key in self.figures

    def text(self, key: str) -> str:
        return self.get(key).text

    def number(self, key: str) -> str:
        """The bare number of a count, with thousands separators: '1,234'."""
        return format_value(self.get(key).value)

    def merge(self, other: KeyFigures) -> KeyFigures:
        for figure in other.figures.values():
            meta = {k: v for k, v in asdict(figure).items() if k not in ("key", "value")}
            self.add(figure.key, figure.value, **meta)
        self.tables.update(other.tables)
        return self

    def frame(self) -> pd.DataFrame:
        rows = [
            asdict(f) | {"text": f.text, "source": f.source, "secondary": f.secondary,
                         "primary_publication": f.primary_publication}
            for f in sorted(self.figures.values(), key=lambda f: f.key)
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=COLUMNS)

    def write(self, path: Path) -> Path:
        spreadsheet_safe(self.frame()).to_csv(path, index=False, lineterminator="\n")
        return path

    @classmethod
    def read(cls, path: Path) -> KeyFigures:
        registry = cls()
        with Path(path).open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                meta = {
                    k: row.get(k, "").lstrip("'") for k in COLUMNS[: len(fields(Figure))] if k not in ("key", "value")
                }
                registry.add(row["key"], float(row["value"]), **meta)
        return registry

    @classmethod
    def read_all(cls, paths) -> KeyFigures:
        registry = cls()
        for path in paths:
            registry.merge(cls.read(path))
        return registry


# --- sentences ------------------------------------------------------------------------------------

CHOICE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


def agree(template: str, n: float) -> str:
    """Count grammar: '{State Party|States Parties}' becomes the singular when n is 1."""
    return CHOICE.sub(lambda m: m.group(1) if n == 1 else m.group(2), template)


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 State Party', '3 States Parties', '0 indicators'."""
    return f"{format_value(n)} {singular if n == 1 else plural or singular + 's'}"


# --- what a review states ---------------------------------------------------------------------------


def review_figures(review) -> KeyFigures:
    """Every number the outputs of one review state: indicator values, the counts behind ratings and sections,
    and the numbers of every table the review shows."""
    kf = KeyFigures()
    short = review.data.indicators.set_index("id")["short_name"]
    labels = metric_labels(review.data.metrics) | short.to_dict()
    for r in review.scope_values().to_dict("records"):
        if r["value"] is None or pd.isna(r["value"]):
            continue
        ind, year = r["indicator_id"], int(r["year"])
        key = review.value_key(ind, year, r.get("measure"))
        kf.add(key, r["value"], unit=r.get("unit"), qualifier=r.get("qualifier"),
               label=f"{ind} {short.get(ind, '')}, {year}", period=str(year), as_of=_as_of(r.get("note")),
               edition=r.get("edition"), vintage=vintage_label(r, review.vintage), basis=r.get("basis"),
               measure=r.get("measure"), definition=measure_words(r, labels), coverage=r.get("coverage"),
               caveat=r.get("caveat"),
               source_kind=r.get("source_kind"), source_url=r.get("source_url"),
               confirmed_by=r.get("confirmed_url"), confirmed_in=r.get("confirmed_edition"))  # fmt: skip
    for r in review.goal_ratings().to_dict("records"):  # each compared value names the value it was compared with
        if r["status"] in RATED and r["reference_year"] is not None and not pd.isna(r["reference_year"]):
            now = kf.get(review.value_key(r["indicator_id"], review.year, r["review_measure"]))
            now.comparable_with = review.value_key(r["indicator_id"], int(r["reference_year"]), r["reference_measure"])
    for ind in review.goal_ratings()["indicator_id"]:  # public figures shown beside an indicator they bear on
        for r in review.related_figures(ind).to_dict("records"):
            kf.add(
                f"related:{ind}:{r['metric']}:{r['year']}",
                r["number"],
                unit=r["unit"],
                qualifier=r["qualifier"],
                label=f"{r['label']}, {r['year']}",
                kind="figure",
                period=str(r["year"]),
                edition=r["edition"],
                measure=r["metric"],
                definition=r["label"],
                source_kind="Monitor",
                source_url=r["source_url"],
            )
    for r in review.goal_ratings().to_dict("records"):  # 'at least one in 4 of the 4 years'
        if r.get("years_counted") is not None and not pd.isna(r["years_counted"]):
            kf.count(f"{r['indicator_id']}:years_counted", int(r["years_counted"]), "years after the baseline")
            kf.count(f"{r['indicator_id']}:years_positive", int(r["years_positive"]), "years with at least one")
    rated = review.goal_ratings()
    plan = rated[rated["plan"]]
    scopes = [("plan", plan)] if review.goal is None else []
    scopes += [(f"goal{g}", plan[plan["goal"] == g]) for g in sorted(plan["goal"].unique())]
    scopes += [(f"objective:{o}", plan[plan["objective"] == o]) for o in sorted(plan["objective"].unique())]
    for scope, group in scopes:
        kf.count(f"{scope}:indicators", len(group), f"{scope}: indicators")
        kf.count(f"{scope}:rated", int(group["status"].isin(RATED).sum()), f"{scope}: indicators rated")
        records = group["status"].isin(RATED) & (group["answerable_from"] == "researcher")
        kf.count(f"{scope}:rated:records", int(records.sum()), f"{scope}: rated from the campaign's records")
        kf.count(
            f"{scope}:rated:public", int((group["status"].isin(RATED) & ~records).sum()), f"{scope}: rated, public"
        )
        for status in STATUSES:
            kf.count(f"{scope}:status:{status}", int((group["status"] == status).sum()), f"{scope}: {status}")
    gaps = review.gaps()
    if review.goal is None:
        kf.count(f"gaps:{review.year}", len(gaps), f"public indicators without a {review.year} figure")
    for g in sorted(plan["goal"].unique()):
        kf.count(f"gaps:{review.year}:goal{g}", int((gaps["goal"] == g).sum()), f"goal {g}: public gaps")
    _review_tables(review, kf)
    return kf


def days_left(table: pd.DataFrame, on) -> pd.DataFrame:
    """Days from the review date to each open obligation's deadline (the figure the engine's reasons state),
    where the engine's table leaves the column empty."""
    if table.empty:
        return table
    if "days_to_deadline" not in table:
        table = table.assign(days_to_deadline=float("nan"))

    def days(deadline, known, completed):
        if not pd.isna(known) or deadline is None or pd.isna(deadline) or deadline <= on:
            return known
        return known if completed is not None and not pd.isna(completed) else float((deadline - on).days)

    return table.assign(days_to_deadline=[days(*r) for r in zip(table["deadline"], table["days_to_deadline"],
                                                                 table["completed"], strict=True)])  # fmt: skip


def _as_of(note) -> str:
    match = re.search(r"as of (\d{4}-\d{2}-\d{2})", note) if isinstance(note, str) else None
    return match.group(1) if match else ""


def _review_tables(review, kf: KeyFigures) -> None:
    goal = review.goal
    if goal in (None, 1):
        kf.cells("states_parties", review.states_parties(), ["treaty", "year"], {"states_parties": "states"})
        kf.cells("membership_changes", review.membership_changes(), ["treaty", "year"], {"states_parties": "states"})
        treaty_map = review.treaty_map()
        for category, n in treaty_map["category"].value_counts().items():
            kf.count(f"map:{category}", int(n), f"states {category} on {review.on}", unit="states")
        kf.tables["treaty_map"] = treaty_map
    kinds = {1: [("MBT", "stockpile"), ("CCM", "stockpile")], 2: [("MBT", "clearance"), ("CCM", "clearance")]}
    for treaty, kind in kinds.get(goal, []):
        table = days_left(review.obligations(treaty, kind), review.on)
        name = f"obligations_{treaty.lower()}_{kind}"
        kf.cells(name, table, ["iso3"], {"extensions": "extensions", "days_to_deadline": "days"})
        for status, n in table["status"].value_counts().items() if len(table) else []:
            kf.count(f"{name}:status:{status}", int(n), f"{treaty} {kind} obligations: {status}", unit="states")
    if goal == 2:
        units = {"support_usd_million": "USD_million", "remaining_km2": "km2", "usd_thousand_per_km2": ""}
        kf.cells("support_per_km2", review.support_per_km2(), ["iso3"], units)
    if goal == 3:
        within, later = review.va_evidence()
        kf.tables["va_evidence"], kf.tables["va_evidence_later"] = within, later
        kf.count("va_evidence:later", len(later), "victim assistance rows published after the review's editions")
    if goal == 4:
        meetings = review.meeting_participation().reset_index().rename(columns={"index": "row"})
        kf.cells("meeting_participation", meetings, ["treaty", "meeting", "group", "row"], {"count": "@group"},
                 qualified="count")  # fmt: skip
        kf.tables["campaign_statements"] = review.campaign_statements()
    if goal is None:
        _reconciliation(review, kf)
        _memo(review, kf)


def _reconciliation(review, kf: KeyFigures) -> None:
    table = review.reconciliation().reset_index().rename(columns={"index": "row"})
    kf.cells("reconciliation", table, ["row", "as_of", "treaty", "measure"], {"published": "", "derived": ""},
             qualified="published")  # fmt: skip
    same = table["outcome"].eq("explained") & table["published"].astype(float).eq(table["derived"].astype(float))
    counts = {
        "agreed": int(table["outcome"].eq("agreed").sum()),
        "explained": int(table["outcome"].eq("explained").sum()),
        "differ": int((table["outcome"].eq("explained") & ~same).sum()),
        "same_count_other_states": int(same.sum()),
        "open": int(table["outcome"].eq("open").sum()),
    }
    for name, n in counts.items():
        kf.count(f"reconciliation:{name}", n, f"published counts: {name.replace('_', ' ')}")
    lists = review.reconciliation_lists()
    for outcome in ("agreed", "explained", "open"):
        n = int((lists["outcome"] == outcome).sum()) if len(lists) else 0
        kf.count(f"reconciliation_lists:{outcome}", n, f"published lists: {outcome}")


def _memo(review, kf: KeyFigures) -> None:
    diff = review.edition_changes()
    if diff is None:
        return
    kf.tables["memo"] = diff
    stem = f"memo:{diff.old}-{diff.new}"
    counts = {"revised": diff.count("revised"), "unchanged": diff.unchanged, "first_stated": diff.count("first_stated"),
              "not_found_again": diff.count("not_found_again"), "ratings": len(diff.ratings),
              "moves": 0 if diff.moves is None else len(diff.moves)}  # fmt: skip
    for name, n in counts.items():
        kf.count(f"{stem}:{name}", n, f"edition memo: {name.replace('_', ' ')}")
    for r in diff.changes.to_dict("records"):
        key = f"{stem}:{r['change']}:{r['metric']}:{r['place']}:{r['period']}"
        for side in ("old", "new"):
            if r[f"{side}_value"] is not None and not pd.isna(r[f"{side}_value"]):
                edition = diff.old if side == "old" else diff.new
                kf.add(f"{key}:{side}", r[f"{side}_value"], unit=r["unit"], qualifier=r[f"{side}_qualifier"],
                       label=f"{r['metric']} {r['period']}", kind="cell", edition=edition,
                       source_url=r[f"{side}_source"])  # fmt: skip
        if r["difference"] is not None and not pd.isna(r["difference"]):
            kf.add(f"{key}:difference", r["difference"], unit=r["unit"], label="revision", kind="cell")
    for part, frame in (("rating", diff.ratings), ("move", diff.moves)):
        for r in (frame if frame is not None else pd.DataFrame()).to_dict("records"):
            for side in ("old", "new"):
                for which in ("reference", "review"):
                    value = r.get(f"{side}_{which}_number")
                    if value is not None and not pd.isna(value):
                        kf.add(f"{stem}:{part}:{r['year']}:{r['indicator_id']}:{side}:{which}", value,
                               unit=r.get("unit"), qualifier=r.get(f"{side}_{which}_qualifier"), kind="cell",
                               label=f"{r['indicator_id']} {which} value, latest vintage")  # fmt: skip
