"""What changed between two Monitor editions: the figures the newer one revised, those it states first,
those not found again in it, and the plan's ratings that change with its figures.

Only the figures collected in `monitor_facts.csv` are compared: "not found again" means no row of the newer
edition was collected for that figure, not that the Monitor dropped it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.errors import DataError
from ..data.load import ReviewData
from ..engine.facts import EDITION_PATTERN, PREFERRED_DOMAIN, edition_label, edition_year, metric_labels
from . import indicators, ratings

PLAN_YEARS = range(2012, 2016)
BASELINE = 2011
KEY = ["metric", "place", "period"]
CHANGE_COLUMNS = ["change", "metric", "place", "period", "unit", "old_value", "new_value", "difference",
                  "old_qualifier", "new_qualifier", "old_source", "new_source", "old_quote", "new_quote"]  # fmt: skip
CHANGE_WORDS = {"revised": "revised", "first_stated": "first stated", "not_found_again": "not found again"}


@dataclass
class EditionDiff:
    """The comparison of two editions: `changes` (one row per figure that differs) and `ratings` (plan
    ratings that change when the newer edition's figures are added)."""

    old: str
    new: str
    changes: pd.DataFrame
    ratings: pd.DataFrame
    unchanged: int
    labels: dict  # metric -> its name in people's words
    moves: pd.DataFrame | None = None  # ratings whose values move while their status stays

    def count(self, change: str) -> int:
        return int((self.changes["change"] == change).sum())

    def summary(self) -> str:
        """'Landmine Monitor 2016 revised 12 figures of Landmine Monitor 2015, ...' in one sentence."""
        return (
            f"{edition_label(self.new)} revised {self.count('revised')} of the figures collected from "
            f"{edition_label(self.old)} and restated {self.unchanged} unchanged; it states "
            f"{self.count('first_stated')} figures first, {self.count('not_found_again')} were not found again in "
            f"it, and {_count(len(self.ratings), 'rating')} of the plan years {self._verb()} status with its figures"
            f"{self._moves_words()}."
        )

    def _verb(self) -> str:
        return "changes" if len(self.ratings) == 1 else "change"

    def _moves_words(self) -> str:
        moves = 0 if self.moves is None else len(self.moves)
        return f" ({moves} more keep their status while their values move)" if moves else ""


def editions(facts: pd.DataFrame, family: str = "LM", up_to: int | None = None) -> list[str]:
    """The editions of a family ("LM" or "CMM") with figures in the data, oldest first."""
    found = {
        e for e in facts["edition"].dropna() if EDITION_PATTERN.match(e) and EDITION_PATTERN.match(e).group(1) == family
    }
    return sorted((e for e in found if up_to is None or edition_year(e) <= up_to), key=edition_year)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def review_pair(facts: pd.DataFrame, year: int, family: str = "LM") -> tuple[str, str]:
    """The two editions that report on a review year: the one published in it and the next (for 2015: LM2015 and
    LM2016), when the data holds figures of both."""
    known = editions(facts, family)
    pair = (f"{family}{year}", f"{family}{year + 1}")
    if not all(e in known for e in pair):
        raise DataError(f"the data holds no figures of {' or '.join(e for e in pair if e not in known)} to compare; "
                        f"{family} editions with figures: {', '.join(known)}", column="--year", value=year)  # fmt: skip
    return pair


def latest_pair(facts: pd.DataFrame, family: str = "LM", up_to: int | None = None) -> tuple[str, str]:
    """The two latest editions of a family in the data (published by `up_to`, when given)."""
    known = editions(facts, family, up_to)
    if len(known) < 2:
        raise DataError(f"fewer than two {family} editions in the data to compare", column="edition", value=family)
    return known[-2], known[-1]


def compare_editions(data: ReviewData, old: str, new: str, plan_years=PLAN_YEARS) -> EditionDiff:
    """Every collected figure of `old` and `new` compared, and the plan ratings their difference changes."""
    facts = data.monitor_facts
    _check_pair(facts, old, new)
    before, after = _stated(facts, old), _stated(facts, new)
    both = before.merge(after, on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    rows = []
    unchanged = 0
    for r in both.to_dict("records"):
        if r["_merge"] == "both":
            if r["value_old"] == r["value_new"] and _same(r["qualifier_old"], r["qualifier_new"]):
                unchanged += 1
                continue
            change = "revised"
        else:
            change = "first_stated" if r["_merge"] == "right_only" else "not_found_again"
        old_value, new_value = r.get("value_old"), r.get("value_new")
        rows.append(
            {
                "change": change,
                **{k: r[k] for k in KEY},
                "unit": r["unit_new"] if isinstance(r.get("unit_new"), str) else r.get("unit_old"),
                "old_value": old_value,
                "new_value": new_value,
                "difference": new_value - old_value if change == "revised" else None,
                "old_qualifier": r.get("qualifier_old"),
                "new_qualifier": r.get("qualifier_new"),
                "old_source": r.get("source_url_old"),
                "new_source": r.get("source_url_new"),
                "old_quote": r.get("quote_old"),
                "new_quote": r.get("quote_new"),
            }
        )
    changes = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    order = {"revised": 0, "first_stated": 1, "not_found_again": 2}
    changes = changes.sort_values(
        ["change", "metric", "place", "period"], key=lambda c: c.map(order) if c.name == "change" else c
    )
    labels = metric_labels(data.metrics)
    moved, moves = _rating_changes(data, new, plan_years)
    return EditionDiff(old, new, changes.reset_index(drop=True), moved, unchanged, labels, moves)


def _check_pair(facts: pd.DataFrame, old: str, new: str) -> None:
    for name, edition in (("--from", old), ("--to", new)):
        if not EDITION_PATTERN.match(str(edition)):
            raise DataError("an edition looks like LM2015 or CMM2016", column=name, value=edition)
        if edition not in set(facts["edition"].dropna()):
            family = EDITION_PATTERN.match(edition).group(1)
            raise DataError(f"no figures of this edition in the data; {family} editions with figures: "
                            f"{', '.join(editions(facts, family))}", column=name, value=edition)  # fmt: skip
    if EDITION_PATTERN.match(old).group(1) != EDITION_PATTERN.match(new).group(1):
        raise DataError("compare two editions of the same Monitor (LM with LM, CMM with CMM)", column="--to", value=new)
    if edition_year(new) <= edition_year(old):
        raise DataError(f"the newer edition must come after {old}", column="--to", value=new)


def _stated(facts: pd.DataFrame, edition: str) -> pd.DataFrame:
    """One value per figure an edition states: the Monitor's own page before a report quoting it."""
    rows = facts[facts["edition"] == edition]
    rows = rows.assign(_own=~rows["source_url"].str.contains(PREFERRED_DOMAIN, regex=False))
    rows = rows.sort_values([*KEY, "_own", "source_url"]).drop_duplicates(KEY)
    return rows[[*KEY, "value", "unit", "qualifier", "source_url", "quote"]]


def _same(a, b) -> bool:
    return (a if isinstance(a, str) else "") == (b if isinstance(b, str) else "")


def _rating_changes(data: ReviewData, new: str, plan_years) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ratings of the plan years, each from the latest figures published by the newer edition's year, without
    and with that edition's own figures: those whose status changes, and those whose values move while their
    status stays. Values are labelled with their vintage where an edition revised them."""
    published_by, years = edition_year(new), range(BASELINE, max(plan_years) + 1)
    after = indicators.compute(data, years, "latest", published_by=published_by)
    without = ReviewData(data.folder, data.user_dir, dict(data.tables))
    without.tables["monitor_facts"] = data.monitor_facts[data.monitor_facts["edition"] != new]
    for key, read in data.memo_reads.items():  # what was computed without the Monitor's figures holds for both
        if "monitor_facts" not in read:
            without.memo[key], without.memo_reads[key] = data.memo[key], read
    before = indicators.compute(without, years, "latest", published_by=published_by)
    cells = ["indicator_id", "year", "value", "qualifier"]
    same_shape = len(before) == len(after)
    moved = before[cells].astype(str).compare(after[cells].astype(str)).index if same_shape else after.index
    changed = set(after.loc[moved, "indicator_id"])
    labels = metric_labels(data.metrics)
    status_rows, value_rows = [], []
    for review_year in plan_years if changed else []:
        old = ratings.rate_all(_upto(before, changed, review_year), data.indicators, BASELINE, review_year, labels,
                               "latest")  # fmt: skip
        now = ratings.rate_all(_upto(after, changed, review_year), data.indicators, BASELINE, review_year, labels,
                               "latest")  # fmt: skip
        for b, a in zip(old.to_dict("records"), now.to_dict("records"), strict=True):
            row = {"year": review_year, "indicator_id": a["indicator_id"], "short_name": a["short_name"],
                   "old_status": b["status"], "new_status": a["status"], "old_values": _values(b),
                   "new_values": _values(a), "unit": a["unit"]}  # fmt: skip
            for side, rating in (("old", b), ("new", a)):
                for which in ("reference", "review"):
                    row[f"{side}_{which}_number"] = rating[f"{which}_number"]
                    row[f"{side}_{which}_qualifier"] = rating[f"{which}_qualifier"]
            if b["status"] != a["status"]:
                status_rows.append(row)
            elif (b["review_value"], b["baseline_value"]) != (a["review_value"], a["baseline_value"]):
                value_rows.append(row)
    columns = ["year", "indicator_id", "short_name", "old_status", "new_status", "old_values", "new_values", "unit"]
    columns += [
        f"{s}_{w}_{x}" for s in ("old", "new") for w in ("reference", "review") for x in ("number", "qualifier")
    ]
    return pd.DataFrame(status_rows, columns=columns), pd.DataFrame(value_rows, columns=columns)


def _upto(values: pd.DataFrame, ids: set, year: int) -> pd.DataFrame:
    return values[values["indicator_id"].isin(ids) & (values["year"] <= year)]


def _values(rating: dict) -> str:
    return f"{rating['baseline_value']} to {rating['review_value']}"
