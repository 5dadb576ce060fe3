"""Charts in one house style. Every function returns (figure, data) and saves nothing; `save()` writes a
figure as PNG and SVG with the CSV of its data. A chart always has a title, axis labels with units and a
source line; a year without data says "no data", never zero."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..core.escape import chart_text, spreadsheet_safe
from ..engine import treaties
from ..engine.facts import edition_label
from .alt import alt_text
from .words import number

PALETTE = {
    "MBT": "#1f5f8b",
    "CCM": "#d9822b",
    "highlight": "#6b46c1",
    "good": "#2e8540",
    "bad": "#c0392b",
    "grey": "#6b7785",
    "pale": "#e6e9ed",
}
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "svg.hashsalt": "icbl-review",
    "figure.figsize": (9, 4.8),
    "svg.fonttype": "none",  # text stays text in the SVG files: readable, searchable, checkable against the registry
}
TABLE_WORDS = {  # a derived value's source in people's words (never a file name)
    "treaty records": "UN depositary, treaty secretariats and Monitor profiles (treaty records, each row cited)",
    "treaty and obligation records": "treaty secretariats and Monitor country profiles (obligation records, "
    "each row cited)",
    "published counts": "counts published by the treaty secretariats, the campaign and the Monitor",
    "Monitor": "Landmine / Cluster Munition Monitor",
    "campaign records": "the campaign's own records",
    "public record": "the cited public record",
}
QUALIFIER_MARKS = {"at least": "≥", "more than": ">", "about": "~", "fewer than": "<"}
THOUSANDS = FuncFormatter(lambda v, _: f"{v:,.0f}")


def apply_style() -> None:
    sns.set_theme(style="whitegrid")
    matplotlib.rcParams.update(STYLE)


def footer(fig, source: str, bottom_inches: float = 0.0) -> None:
    """The source line at the foot of a chart; `bottom_inches` reserves room for a legend above it."""
    text = f"Source: {chart_text(source)}"
    fig.text(0.01, 0.01, text, fontsize=8, color="#555555", ha="left", va="bottom", wrap=True, gid="source")
    height = fig.get_size_inches()[1]
    rect = (0, 0.06 * 4.8 / height + bottom_inches / height, 1, 1)
    fig.tight_layout(rect=rect)
    if any([fit_title(fig, ax) for ax in fig.axes]):  # measured where the layout put each axes
        fig.tight_layout(rect=rect)


def fit_title(fig, ax) -> bool:
    """Break a left-aligned title over two lines where one would run off the figure; True if it did."""
    title = ax.get_title(loc="left")
    width = fig.get_figwidth() * fig.dpi
    extent = ax._left_title.get_window_extent(fig._get_renderer())  # the renderer tight_layout uses
    if title and "\n" not in title and extent.x1 > width * 0.98:
        words = title.split(" ")
        cut = max(range(1, len(words)), key=lambda k: min(len(" ".join(words[:k])), len(" ".join(words[k:]))))
        ax.set_title(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]), loc="left")
        return True
    return False


def save(fig, data: pd.DataFrame, name: str, out_dir: str | Path) -> dict[str, Path]:
    """Write `name`.png, .svg and .csv into `out_dir`; return the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {ext: out / f"{name}.{ext}" for ext in ("png", "svg", "csv")}
    fig.savefig(paths["png"], metadata={"Software": None, "Description": alt_text(fig, data)})  # read for alt
    fig.savefig(paths["svg"], metadata={"Date": None, "Creator": None})
    spreadsheet_safe(data).to_csv(paths["csv"], index=False, lineterminator="\n")
    return paths


def editions_words(editions) -> str:
    """'Landmine Monitor 2012, 2013 and 2016; Cluster Munition Monitor 2015' (never the raw codes)."""
    by_family: dict[str, list[str]] = {}
    for e in sorted(set(editions), key=lambda e: (e[-4:], e)):
        family, year = edition_label(e).rsplit(" ", 1)
        by_family.setdefault(family, []).append(year)
    parts = []
    for family, years in by_family.items():
        listed = years[0] if len(years) == 1 else ", ".join(years[:-1]) + " and " + years[-1]
        parts.append(f"{family} {listed}")
    return "; ".join(parts)


def _sources(data: pd.DataFrame) -> str:
    if "source_kind" in data and (data["source_kind"] == "campaign records").all():  # the campaign's own records
        said = list(dict.fromkeys(str(s) for s in data["source_url"].dropna() if str(s)))
        return "campaign records" + (f": {'; '.join(said[:3])}{' …' if len(said) > 3 else ''}" if said else "")
    editions = {e for e in data.get("edition", pd.Series(dtype=str)).dropna() if isinstance(e, str) and e}
    kinds = sorted({k for k in data.get("source_kind", pd.Series(dtype=str)).dropna() if k and k != "Monitor"})
    sites = sorted(
        {
            str(s).split("/")[2].removeprefix("www.")
            for s in data.get("source_url", pd.Series(dtype=str)).dropna()
            if str(s).startswith("http")
        }
        - {""}
    )
    parts = ([editions_words(editions)] if editions else []) + [TABLE_WORDS.get(k, k) for k in kinds]
    if not editions and not kinds:
        parts += sites
    return "; ".join(parts) or "the cited data tables (see the CSV)"


def trend(
    values: pd.DataFrame,
    title: str,
    ylabel: str,
    highlight: int | None = None,
    names: dict | None = None,
    basis: str = "",
):
    """Bars per year for one indicator (the rows of `review.indicator_values`); a year without a value is
    labelled "no data"; the review year is highlighted and the legend says so. Values of different measures
    (land released, land cleared only) are drawn as separate bars side by side, named in the legend, never as
    one series; `basis` (how the count was made, in words) ends the source line. None when no year has data."""
    keep = [c for c in ("year", "value", "unit", "qualifier", "edition", "source_url", "source_kind", "measure", "note")
            if c in values]  # fmt: skip
    data = values[keep].copy()
    if "measure" not in data:
        data["measure"] = ""
    numbers = data["value"].astype(float)
    if numbers.isna().all():
        return None, data
    apply_style()
    fig, ax = plt.subplots()
    measures = list(dict.fromkeys(m for m in data.dropna(subset=["value"])["measure"]))
    width = 0.7 / max(len(measures), 1)
    top = numbers.max()
    unit = next((u for u in data["unit"] if isinstance(u, str) and u), "")
    hatches = ["", "//", ".."]
    for k, measure in enumerate(measures or [""]):
        offset = (k - (len(measures) - 1) / 2) * width
        part = data[data["measure"] == measure]
        colours = [PALETTE["highlight"] if y == highlight else PALETTE["MBT"] for y in part["year"]]
        ax.bar(part["year"] + offset, part["value"].astype(float).fillna(0), color=colours, width=width,
               hatch=hatches[k % 3], edgecolor="white")  # fmt: skip
        for r in part.dropna(subset=["value"]).itertuples():
            mark = QUALIFIER_MARKS.get(r.qualifier, "") if isinstance(r.qualifier, str) else ""
            ax.text(r.year + offset, r.value, mark + number(r.value, unit), ha="center", va="bottom", fontsize=8)
    have = set(data.dropna(subset=["value"])["year"])
    for year in sorted(set(data["year"]) - have):
        ax.text(year, top * 0.03, "no data", rotation=90, ha="center", va="bottom", fontsize=8, color="#777777")
    years = sorted(set(data["year"]))
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(0, top * 1.15 if top > 0 else 1)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(THOUSANDS)
    if (numbers.dropna() % 1 == 0).all():
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    names = names or {}
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=PALETTE["MBT"], hatch=hatches[k % 3], edgecolor="white")
               for k in range(max(len(measures), 1))]  # fmt: skip
    labels = [names.get(m, "value in the year") if len(measures) > 1 else "value in the year" for m in measures or [""]]
    if highlight in set(data["year"]):
        handles.append(plt.Rectangle((0, 0), 1, 1, color=PALETTE["highlight"]))
        labels.append(f"review year {highlight}")
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=min(len(labels), 3),
              frameon=False, fontsize=8)  # fmt: skip
    ranged = data["qualifier"].map(lambda q: isinstance(q, str) and bool(q)).any()
    counted = f"; counted {basis}" if basis else ""
    marks = "; ≥ and > mark published lower bounds, ~ approximate figures" if ranged else ""
    footer(fig, _sources(data) + counted + marks + ".")
    return fig, data


def revisions(series_first: pd.DataFrame, series_latest: pd.DataFrame, title: str, years, ylabel: str):
    """The same year's figure as first published and in the latest edition. Where no year was revised the
    line is drawn once, and the legend says "no revision". None when neither series has a value."""
    periods = [str(y) for y in years]
    first = series_first[["period", "value", "edition"]].rename(
        columns={"value": "first_published", "edition": "first_edition"}
    )
    latest = series_latest[["period", "value", "edition"]].rename(
        columns={"value": "latest", "edition": "latest_edition"}
    )
    data = (
        pd.DataFrame({"period": periods}).merge(first, on="period", how="left").merge(latest, on="period", how="left")
    )
    if data["first_published"].isna().all() and data["latest"].isna().all():
        return None, data
    apply_style()
    fig = Figure()  # not pyplot's: no backend shows or closes it behind the caller's back
    ax = fig.subplots()
    same = data["first_published"].fillna(-1).equals(data["latest"].fillna(-1))
    ax.plot(
        data["period"],
        data["first_published"],
        marker="o",
        color=PALETTE["MBT"],
        lw=2,
        label="as first published" + (" (no revision since)" if same else ""),
    )
    if not same:
        ax.plot(data["period"], data["latest"], marker="s", color=PALETTE["CCM"], lw=2, ls="--", label="latest edition")
    many = len(periods) > 12  # a long run of years: fewer year labels, "no data" written upright
    for r in data.itertuples():
        if pd.isna(r.first_published) and pd.isna(r.latest):
            ax.annotate("no data", (r.period, 0), ha="center", va="bottom", fontsize=8, color="#777777",
                        rotation=90 if many else 0)  # fmt: skip
    if many:
        ax.set_xticks(periods[:: -(-len(periods) // 12)])
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(THOUSANDS)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False, fontsize=8)
    editions = sorted(
        {e for e in pd.concat([data["first_edition"], data["latest_edition"]]).dropna()}, key=lambda e: e[-4:]
    )
    footer(fig, editions_words(editions) + " (each value's edition in the CSV).", bottom_inches=0.35)
    return fig, data


def parties_over_time(data: pd.DataFrame, review_year: int, basis: str = "deposit"):
    """States Parties of both treaties at the end of each year up to the review year (`data`: rows of
    `treaties.parties_by_year`), the review-year value marked at its line; states that left are named."""
    apply_style()
    first_year = int(data["year"].min())
    fig, ax = plt.subplots()
    for treaty, group in data.groupby("treaty"):
        ax.step(
            group["year"],
            group["states_parties"],
            where="post",
            color=PALETTE[treaty],
            lw=2.2,
            label=treaties.RULES[treaty].name,
            marker="o",
            ms=3,
        )
        now = group[group["year"] == review_year].iloc[0]
        ax.annotate(
            f"{now['states_parties']}",
            (review_year, now["states_parties"]),
            textcoords="offset points",
            xytext=(6, 4),
            color=PALETTE[treaty],
            fontweight="bold",
        )
        for k, r in enumerate(r for r in group.itertuples() if r.left):
            ax.annotate(
                f"{r.year}: {', '.join(r.left)} withdrew",
                (r.year, r.states_parties),
                textcoords="offset points",
                xytext=(-150, -24 - 14 * k),
                fontsize=8,
                color=PALETTE["bad"],
                arrowprops={"arrowstyle": "->", "color": PALETTE["bad"], "lw": 0.8},
            )
    ax.axvline(review_year, color="#888888", ls="--", lw=1)
    ax.text(review_year, 172, f"review {review_year} ", color="#555555", ha="right", va="top", fontsize=8)
    ax.set_title(f"States Parties at the end of each year, {first_year}-{review_year}")
    ax.set_ylabel("States Parties")
    ax.set_xlabel("year")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, 180)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    out = data.assign(**{c: data[c].map(" ".join) for c in ("joined", "left", "undetermined")})
    counted = "counted from deposit, as the Monitor counts" if basis == "deposit" else "counted from entry into force"
    footer(fig, f"UN depositary, treaty secretariats and Monitor profiles (treaty records, each row cited); {counted}.")
    return fig, out


def deadline_timeline(history: pd.DataFrame, on: date, title: str, basis: str = ""):
    """One line per state: entry into force -> original deadline -> deadline in force; completion marked;
    `basis` (how the obligations are counted, in words) ends the source line."""
    apply_style()
    hist = history.sort_values(["deadline", "iso3"], ascending=[False, True], na_position="first").reset_index(
        drop=True
    )
    height = max(3.5, 0.22 * len(hist) + 1.8)
    fig, ax = plt.subplots(figsize=(9, height))
    for i, r in hist.iterrows():
        ax.plot(
            [r["entry_into_force"], r["original_deadline"]], [i, i], color=PALETTE["MBT"], lw=3, solid_capstyle="butt"
        )
        if r["deadline"] is not None and not pd.isna(r["deadline"]) and r["deadline"] != r["original_deadline"]:
            ax.plot([r["original_deadline"], r["deadline"]], [i, i], color=PALETTE["CCM"], lw=3, solid_capstyle="butt")
        no_deadline = r["deadline"] is None or pd.isna(r["deadline"])
        if r["completed"] is not None and not pd.isna(r["completed"]) and no_deadline:
            # an area or a stock found after the deadline: "as soon as possible", no treaty deadline to meet
            ax.plot([r["completed"]], [i], marker="D", mfc="white", mew=1.5, color=PALETTE["good"], ms=6)
        elif r["completed"] is not None and not pd.isna(r["completed"]):
            colour = PALETTE["good"] if r["status"] == "completed_on_time" else PALETTE["bad"]
            ax.plot([r["completed"]], [i], marker="D", color=colour, ms=6)
        elif r["status"] == "missed_outstanding":
            ax.plot([r["deadline"]], [i], marker="X", color=PALETTE["bad"], ms=8)
        elif r["status"] == "undetermined":
            ax.plot([r["original_deadline"]], [i], marker="o", mfc="white", color=PALETTE["grey"], ms=7)
    ax.set_yticks(range(len(hist)), hist["state"], fontsize=8)
    ax.axvline(on, color="#555555", ls="--", lw=1)
    ax.set_title(title)
    ax.set_xlabel("year")
    handles = [
        plt.Line2D([], [], color=PALETTE["MBT"], lw=3, label="original period"),
        plt.Line2D([], [], color=PALETTE["CCM"], lw=3, label="extensions"),
        plt.Line2D([], [], color=PALETTE["good"], marker="D", ls="", label="completed on time"),
        plt.Line2D([], [], color=PALETTE["bad"], marker="D", ls="", label="completed after the deadline"),
        plt.Line2D([], [], color=PALETTE["good"], marker="D", mfc="white", mew=1.5, ls="",
                   label="found after the deadline, then completed"),  # fmt: skip
        plt.Line2D([], [], color=PALETTE["bad"], marker="X", ls="", ms=8, label="deadline missed, not completed"),
        plt.Line2D([], [], color=PALETTE["grey"], marker="o", mfc="white", ls="", label="open: undated record"),
        plt.Line2D([], [], color="#555555", ls="--", label=f"review date {on.day} {on:%B %Y}"),
    ]
    fig.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.35 / height), ncol=3, frameon=False, fontsize=8
    )
    ax.grid(axis="y", visible=False)
    footer(
        fig,
        "treaty secretariats and Monitor country profiles (obligation records, each row cited)"
        + (f"; counted {basis}." if basis else "."),
        bottom_inches=0.75,
    )
    return fig, hist


def use_by_edition(governments: pd.DataFrame, groups: pd.DataFrame, weapon_name: str):
    """Governments and non-state armed groups using the weapon, per year reported, from the same indicator rows
    as the table beside it (G1.I03, G1.I04). None when neither has a value."""
    data = (
        governments[["year", "value", "edition"]]
        .rename(columns={"value": "governments", "edition": "edition_gov"})
        .merge(
            groups[["year", "value", "edition"]].rename(columns={"value": "armed_groups", "edition": "edition_nsag"}),
            on="year",
        )
    )
    if data[["governments", "armed_groups"]].isna().all().all():
        return None, data
    apply_style()
    fig, ax = plt.subplots()
    width = 0.38
    for offset, col, colour, label in (
        (-width / 2, "governments", PALETTE["MBT"], "governments"),
        (width / 2, "armed_groups", PALETTE["CCM"], "non-state armed groups (countries)"),
    ):
        vals = data[col].astype(float)
        ax.bar(data["year"] + offset, vals.fillna(0), width=width, color=colour, label=label)
        for year, v in zip(data["year"], vals, strict=True):
            ax.text(
                year + offset,
                0 if pd.isna(v) else v,
                "no data" if pd.isna(v) else number(v),
                ha="center",
                va="bottom",
                fontsize=8,
                rotation=90 if pd.isna(v) else 0,
                color="#777777" if pd.isna(v) else "black",
            )
    ax.set_xticks(list(data["year"]), [str(y) for y in data["year"]])
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"New use of {weapon_name}, by the year each edition reports")
    ax.set_ylabel("states / countries")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False, fontsize=8)
    editions = sorted(
        {e for e in pd.concat([data["edition_gov"], data["edition_nsag"]]).dropna()}, key=lambda e: e[-4:]
    )
    footer(fig, editions_words(editions) + " (ban policy findings).")
    return fig, data
