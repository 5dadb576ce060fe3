"""The plan's indicators, computed per year from the loaded data.

What each indicator is, and how it is answered, is in data/indicators.csv (`answered_by`). A Monitor metric
is read with the chosen vintage; treaty counts, obligations and derived indicators have one function each in
their goal's module, registered with `@indicator("G1.I01")`; the rest come from the campaign's own records
(researcher_indicators: the records workbook or a researcher's CSV). Every computation returns one row per year
(see `registry.COLUMNS`); a year the record does not cover has value None (a gap stays a gap). Each row says
where its kind of value comes from (`source_kind`: "public record" or "campaign records").
"""

from __future__ import annotations

import pandas as pd

from . import goal1, goal2, goal4  # noqa: F401  (each registers its functions)
from .common import from_facts
from .registry import COLUMNS, DEFINITION, REGISTRY, indicator, rows_frame, year_of_period

__all__ = ["COLUMNS", "DEFINITION", "REGISTRY", "compute", "coverage", "coverage_counts", "indicator", "rows_frame",
           "year_of_period"]  # fmt: skip
PUBLIC, RECORDS = "public record", "campaign records"
AWAITING = "awaiting records"
SOURCE_KINDS = {  # the kind of source of a value, by how its indicator is answered (when the row does not say):
    "treaty_count": "treaty records",  # every kind but RECORDS is a kind of public record
    "obligations": "treaty and obligation records",
    "monitor_metric": "Monitor",
    "derived": "published counts",
    "researcher": RECORDS,
}
BASES = {"treaty_count": "counted from deposit", "obligations": "treaty"}


def _researcher_values(data, indicator_id: str, years) -> pd.DataFrame:
    mine = {
        int(r["year"]): r for r in data.researcher_indicators.to_dict("records") if r["indicator_id"] == indicator_id
    }
    rows = []
    for year in years:
        r = mine.get(year)
        if r is None:
            rows.append({"year": year, "value": None, "note": "awaiting the campaign's records"})
            continue
        rows.append(
            {
                "year": year,
                "value": float(r["value"]),
                "unit": r["unit"],
                "source_url": r["source"],
                "note": r["note"] if isinstance(r["note"], str) else "campaign records",
            }
        )
    return rows_frame(rows)


def compute(data, years, vintage: str = "first", ids=None, published_by: int | None = None) -> pd.DataFrame:
    """Every indicator (or those in `ids`) for every year: one long table with the catalogue's goal,
    objective and text, and whether the public record or the campaign's own records answer it. With
    `published_by`, Monitor figures published after that year are left out."""
    years = list(years)
    frames = []
    for entry in data.indicators.itertuples():
        if ids is not None and entry.id not in ids:
            continue
        if entry.id in REGISTRY:
            frame = REGISTRY[entry.id](data, years, vintage, published_by)
        elif entry.answered_by == "monitor_metric" and isinstance(entry.metric, str) and entry.metric:
            frame = from_facts(data, entry.metric, years, vintage, published_by)
        else:
            frame = _researcher_values(data, entry.id, years)
        frame = frame.copy()
        frame.insert(0, "indicator_id", entry.id)
        frame.insert(1, "goal", entry.goal)
        frame.insert(2, "objective", entry.objective)
        frame.insert(3, "indicator", entry.text)
        frame["answerable_from"] = "researcher" if entry.answered_by == "researcher" else "public"
        main = entry.metric if isinstance(entry.metric, str) and entry.metric else entry.id
        kind = SOURCE_KINDS.get(entry.answered_by, PUBLIC)
        defaults = {"measure": main, "coverage": "", "caveat": "", "source_kind": kind,
                    "basis": BASES.get(entry.answered_by, ""), "revised": False}  # fmt: skip
        for column, default in defaults.items():
            frame[column] = frame[column].where(frame[column].notna(), default) if column in frame else default
        if entry.answered_by == "researcher":
            frame["source_kind"] = RECORDS
        frame["plan"] = entry.plan == "yes"
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def coverage(values: pd.DataFrame) -> pd.DataFrame:
    """Where each indicator's value comes from, year by year: one row per indicator, one column per year, and
    `answered_by` (public record or campaign records).

    A public indicator's cell holds the Monitor edition its value comes from, "derived" for a value computed
    from the cited tables (treaty events, obligations), or "" where the public record collected has none (a
    gap). A campaign-records indicator's cell holds "records" where the campaign's records gave a value, and
    "awaiting" where they have not (yet).
    """

    def label(row) -> str:
        has = row["value"] is not None and not pd.isna(row["value"])
        if row["source_kind"] == RECORDS:
            return "records" if has else "awaiting"
        if not has:
            return ""
        return row["edition"] if isinstance(row["edition"], str) and row["edition"] else "derived"

    cells = values.assign(cell=values.apply(label, axis=1))
    table = cells.pivot_table(index="indicator_id", columns="year", values="cell", aggfunc="first", sort=False)
    table = table.fillna("")
    table.columns = [int(c) for c in table.columns]
    first = cells.drop_duplicates("indicator_id").set_index("indicator_id")
    table.insert(0, "indicator", first["indicator"])
    table.insert(1, "answered_by", first["source_kind"].map(lambda k: RECORDS if k == RECORDS else PUBLIC))
    return table.reset_index()


def coverage_counts(table: pd.DataFrame) -> dict[str, int]:
    """Indicator-years in each state: public record, public gap, campaign records, awaiting records."""
    years = [c for c in table.columns if isinstance(c, int)]
    cells = table[years].to_numpy()
    public = (table["answered_by"] == PUBLIC).to_numpy()[:, None]
    return {
        PUBLIC: int(((cells != "") & public).sum()),
        "public gap": int(((cells == "") & public).sum()),
        RECORDS: int((cells == "records").sum()),
        AWAITING: int((cells == "awaiting").sum()),
    }
