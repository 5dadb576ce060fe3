"""Exploring the data: what a researcher asks before writing, as views of a table, a chart and the sources.

Each view function returns a `View` (`.table`, `.figure`, `.sources`, `.show()`, `.export(folder)`); the
exploration notebook puts controls on them (widgets.py), and the console can call them directly.
Names are accepted where codes are expected ("Cambodia" for KHM, "Landmine Monitor 2016" is LM2016).
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..core.errors import DataError
from ..core.escape import spreadsheet_safe
from ..data.countries import country_table, name_of, to_iso3
from ..data.load import ReviewData, load_data
from ..engine import facts as F
from ..engine import obligations, treaties
from ..engine.evidence import period_end, prepare
from ..present import charts, tables
from ..present.alt import alt_text
from ..present.boards import world_status_map
from ..present.memo import sections
from ..present.words import day, status_word
from ..review.diff import compare_editions

TREATIES = {"MBT": "Mine Ban Treaty", "CCM": "Convention on Cluster Munitions"}
COMPLETION = {"clearance": "completion_declared", "stockpile": "destruction_completed"}


@dataclass
class View:
    """One view: a title, its table (and others by name), a chart and the sources of its numbers."""

    title: str
    table: pd.DataFrame
    figure: object = None
    chart_data: pd.DataFrame | None = None
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    more: dict[str, pd.DataFrame] = field(default_factory=dict)
    columns: dict[str, str] | None = None

    def show(self) -> None:
        """Display the view as the reports show it: the title and the chart (as HTML: JupyterLab drops an image
        output's text alternative), then the table(s) and the sources."""
        from IPython.display import HTML, display

        head, tables_ = self.html()
        display(HTML(head))
        display(HTML(tables_))

    def html(self) -> tuple[str, str]:
        """The view as HTML: the title with the chart, and the tables with the sources."""
        head = f"<h3>{html.escape(self.title)}</h3>"
        if self.figure is not None:
            alt = alt_text(self.figure, self.chart_data if self.chart_data is not None else self.table)
            png = base64.b64encode(_png(self.figure)).decode()
            width = round(self.figure.get_figwidth() * self.figure.dpi)
            head += f'\n<img src="data:image/png;base64,{png}" width="{width}" alt="{html.escape(alt)}">'
        parts = []
        for name, frame, columns in [("", self.table, self.columns), *((n, f, None) for n, f in self.more.items()),
                                     *([("Sources", self.sources, None)] if len(self.sources) else [])]:  # fmt: skip
            parts.append(f"<p><strong>{html.escape(name)}</strong></p>" if name else "")
            parts.append(tables.styled(frame, columns).to_html() if len(frame) else "<p><em>Nothing recorded.</em></p>")
        return head, "\n".join(p for p in parts if p)

    def export(self, folder: str | Path) -> dict[str, Path]:
        """Write the table (CSV), the chart (PNG and SVG, with its data) and the sources (CSV) into `folder`."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        stem = _slug(self.title)
        paths = {"table": out / f"{stem}.csv"}
        spreadsheet_safe(self.table).to_csv(paths["table"], index=False, lineterminator="\n")
        for name, frame in self.more.items():
            paths[name] = out / f"{stem}-{_slug(name)}.csv"
            spreadsheet_safe(frame).to_csv(paths[name], index=False, lineterminator="\n")
        if len(self.sources):
            paths["sources"] = out / f"{stem}-sources.csv"
            spreadsheet_safe(self.sources).to_csv(paths["sources"], index=False, lineterminator="\n")
        if self.figure is not None:
            saved = charts.save(self.figure, self.chart_data if self.chart_data is not None else self.table, stem, out)
            paths.update(png=saved["png"], svg=saved["svg"])
        return paths


WHICH = {
    "all": "States Parties",
    "clearance": "States Parties with a clearance obligation",
    "stockpile": "States Parties with a stockpile obligation",
    "open": "States Parties with an obligation still open",
}
OPEN = ("pending", "extended", "missed_outstanding", "undetermined")


def treaty_view(treaty: str = "MBT", on="2015-12-31", which: str = "all", data: ReviewData | None = None) -> View:
    """The States Parties of a treaty on a date, with their deadlines in force and where each obligation
    stands, and the world map of both treaties on that date.

    >>> view = treaty_view("MBT", on="2014-12-31")
    >>> view.title
    'Mine Ban Treaty on 31 December 2014: 162 States Parties'
    """
    data = data or load_data()
    treaty, when = _treaty(treaty), _date(on)
    parties = treaties.states_parties(data.treaty_events, treaty, when)
    table = pd.DataFrame(
        {
            "iso3": parties["iso3"],
            "state": [name_of(c) for c in parties["iso3"]],
            "party_since": parties["party_since"],
            "entry_into_force": parties["entry_into_force"],
        }  # fmt: skip
    )
    for kind in ("stockpile", "clearance"):
        hist = obligations.history(data, treaty, kind, when).set_index("iso3")
        table[f"{kind}_deadline"] = [hist["deadline"].get(c) for c in table["iso3"]]
        table[f"{kind}_status"] = [hist["status"].get(c) for c in table["iso3"]]
    if which not in WHICH:
        raise DataError(f"which is one of {', '.join(WHICH)}", column="which", value=which)
    if which in ("clearance", "stockpile"):
        table = table[table[f"{which}_status"].notna()]
    elif which == "open":
        table = table[table["stockpile_status"].isin(OPEN) | table["clearance_status"].isin(OPEN)]
    table = table.sort_values("state").reset_index(drop=True)
    fig, map_data = world_status_map(data.treaty_events, when)
    deposits = data.treaty_events[(data.treaty_events["treaty"] == treaty) & (data.treaty_events["event"] == "deposit")]
    sources = deposits[deposits["iso3"].isin(table["iso3"])][["iso3", "date", "source_url", "quote"]]
    title = f"{TREATIES[treaty]} on {day(when)}: {len(table)} {WHICH[which]}".replace("\u00a0", " ")
    columns = {"state": "State", "party_since": "Party since", "entry_into_force": "In force for the state",
               "stockpile_deadline": "Stockpile deadline", "stockpile_status": "Stockpile destruction",
               "clearance_deadline": "Clearance deadline", "clearance_status": "Clearance"}  # fmt: skip
    shown = table.assign(**{c: table[c].map(lambda s: status_word(s) if isinstance(s, str) else "") for c in
                            ("stockpile_status", "clearance_status")})  # fmt: skip
    return View(title, shown, fig, map_data, sources.rename(columns={"iso3": "state"}).reset_index(drop=True),
                columns=columns)  # fmt: skip


def timeline(state: str, data: ReviewData | None = None) -> pd.DataFrame:
    """One state's dated record under both treaties: signature, deposit, entry into force, deadlines, each
    extension with the meeting that granted it, completions and withdrawal, each with its source.

    >>> events = timeline("Cambodia")
    >>> events.loc[events["what"] == "entry into force", ["date", "treaty"]].values.tolist()
    [[datetime.date(2000, 1, 1), 'MBT']]
    >>> len(events[events["what"] == "deposit"])  # the Monitor says 28 July 1999, Cambodia's authority 18 July
    2
    """
    data = data or load_data()
    iso3 = to_iso3(state, column="state")
    rows: list[dict] = []
    events = data.treaty_events[data.treaty_events["iso3"] == iso3]
    for r in events.to_dict("records"):
        what = r["event"].replace("_", " ")
        instrument = r.get("instrument") if isinstance(r.get("instrument"), str) else ""  # a blank cell is NaN
        rows.append(_event(r["date"], r["treaty"], "membership", what, instrument, r))
    far = date(2100, 1, 1)
    for treaty in TREATIES:
        table = treaties.status_of(data, treaty, far).set_index("iso3")
        if iso3 in table.index and isinstance(table.loc[iso3, "entry_into_force"], date):
            rows.append(_event(table.loc[iso3, "entry_into_force"], treaty, "membership", "entry into force",
                               "by the treaty's rule, from the deposit", {}))  # fmt: skip
        for kind, frame in (("clearance", data.clearance_events), ("stockpile", data.stockpile_events)):
            record = prepare(frame, treaty, data.meetings, COMPLETION[kind]).get(iso3)
            if record is None:
                continue
            for r in record.originals:
                rows.append(_event(r.get("deadline"), treaty, kind, "original deadline", "", r))
            for e in record.extensions:
                detail = f"new deadline {e.deadline:%d %B %Y}" if e.deadline else "new deadline not stated"
                detail += f", granted at the {e.meeting}" if e.meeting else ""
                rows.append(_event(e.known_from, treaty, kind, "extension granted", detail, e.rows[0], len(e.rows)))
            for e in record.completions:
                label = "completion declared" if kind == "clearance" else "stockpile destroyed"
                rows.append(_event(e.known_from, treaty, kind, label, "", e.rows[0], len(e.rows)))
            for e in record.declared:
                rows.append(_event(e.known_from, treaty, kind, "mined areas declared", "", e.rows[0]))
    frame = pd.DataFrame(rows, columns=["date", "treaty", "obligation", "what", "detail", "sources", "source_url",
                                        "quote"])  # fmt: skip
    frame["_undated"] = frame["date"].isna()
    frame = frame.sort_values(["_undated", "date", "treaty"], key=lambda c: c.map(_sort_key)).drop(columns="_undated")
    return frame.reset_index(drop=True)


def state_view(state: str, data: ReviewData | None = None) -> View:
    """A state's timeline drawn as one chart, with its table, and the Monitor's figures for it by year and
    edition.

    >>> state_view("Colombia").title
    'Colombia: treaty record and Monitor figures'
    """
    data = data or load_data()
    iso3 = to_iso3(state, column="state")
    events = timeline(iso3, data)
    fig = _timeline_chart(events, name_of(iso3))
    facts = data.monitor_facts[data.monitor_facts["place"] == iso3]
    figures = pd.DataFrame(
        {
            "figure": [_labels(data).get(m, m) for m in facts["metric"]],
            "year": facts["period"],
            "edition": facts["edition"],
            "value": [
                F.format_value(v, q, u)
                for v, q, u in zip(facts["value"], facts["qualifier"], facts["unit"], strict=True)
            ],
            "source_url": facts["source_url"],
        }  # fmt: skip
    ).sort_values(["figure", "year", "edition"])
    columns = {"date": "Date", "treaty": "Treaty", "obligation": "Part", "what": "What", "detail": "Detail",
               "source_url": "Source"}  # fmt: skip
    sources = events[["date", "what", "source_url", "quote"]]
    return View(f"{name_of(iso3)}: treaty record and Monitor figures", events, fig, events, sources,
                {"Monitor figures by year and edition": figures.reset_index(drop=True)}, columns)  # fmt: skip


def metric_view(metric: str, place: str = "World", data: ReviewData | None = None) -> View:
    """A Monitor figure year by year as first published and as in the latest edition, with every edition's
    value in the table and the years without a value shown as gaps.

    >>> view = metric_view("casualties_total")
    >>> view.table.loc[view.table["year"] == "2014", ["LM2015", "LM2016"]].values.tolist()
    [['3,678', '3,695']]
    """
    data = data or load_data()
    metric = _metric(metric, data)
    iso3 = to_iso3(place, column="place")
    facts = data.monitor_facts
    rows = facts[(facts["metric"] == metric) & (facts["place"] == iso3)]
    label = _labels(data).get(metric, metric)
    if rows.empty:
        empty = pd.DataFrame(columns=["year"])
        return View(f"{label}, {name_of(iso3)}: no figure in the record", empty)
    first = F.series(facts, metric, iso3, "first")
    latest = F.series(facts, metric, iso3, "latest")
    years = _years(rows["period"])
    unit = rows["unit"].iloc[0]
    fig, chart_data = charts.revisions(first, latest, f"{label}, {name_of(iso3)}", years, unit.replace("_", " "))
    editions = sorted({e for e in rows["edition"].dropna()}, key=lambda e: (F.edition_year(e), e))
    table = pd.DataFrame({"year": [str(y) for y in years]})
    for edition in editions:
        stated = F.series(facts, metric, iso3, edition).set_index("period")
        table[edition] = [F.format_value(stated["value"].get(p), stated["qualifier"].get(p), unit)
                          if p in stated.index else "" for p in table["year"]]  # fmt: skip
    table["revised"] = [len({v for v in row if v}) > 1 for row in table[editions].itertuples(index=False)]
    missing = set(F.missing_periods(latest, table["year"]))
    table["in the record"] = ["no figure (a gap)" if y in missing else "" for y in table["year"]]
    sources = rows.sort_values(["period", "edition"])[["period", "edition", "value", "source_url", "quote"]]
    return View(f"{label}, {name_of(iso3)}", table, fig, chart_data, sources.reset_index(drop=True))


def changes_view(old: str, new: str, year: int | None = None, data: ReviewData | None = None) -> View:
    """What `new` revised of `old` (and states first, and no longer states), optionally for one year only.

    >>> view = changes_view("LM2015", "LM2016", year=2014)
    >>> world = view.table[(view.table["Figure"] == "Mine/ERW casualties") & (view.table["Place"] == "World")]
    >>> world[["What", "LM2015", "LM2016", "Change"]].values.tolist()
    [['revised', '3,678', '3,695', '+17']]
    """
    data = data or load_data()
    diff = compare_editions(data, _edition(old), _edition(new))
    parts = []
    for (_title, _sentence, table), change in zip(sections(diff), ["revised", None, "first stated", "not found again"],
                                                 strict=True):  # fmt: skip
        if change is not None:
            parts.append(table.assign(Change=table.get("Change", ""), **{"What": change}))
    table = pd.concat(parts, ignore_index=True)
    if year is not None:
        table = table[table["Year"].astype(str).str.contains(str(year))]
    front = ["What", "Figure", "Place", "Year", diff.old, diff.new, "Change"]
    table = table[front + [c for c in table.columns if c not in front]].fillna("")
    scope = f" for {year}" if year is not None else ""
    ratings = sections(diff)[1][2]
    ratings = ratings if year is None else ratings[ratings["Year"] == year]
    return View(f"What {diff.new} changed from {diff.old}{scope}", table.reset_index(drop=True),
                more={"Ratings that change": ratings.reset_index(drop=True)})  # fmt: skip


def metrics(data: ReviewData | None = None) -> pd.DataFrame:
    """Every metric of the catalogue: its name, unit, where it applies and what it measures.

    >>> metrics().set_index("metric").loc["casualties_total", "name"]
    'Mine/ERW casualties'
    """
    table = (data or load_data()).metrics
    return pd.DataFrame({"metric": table["metric"], "name": table["label"], "unit": table["unit"],
                         "places": table["places"], "meaning": table["meaning"]})  # fmt: skip


def find(words: str, data: ReviewData | None = None) -> pd.DataFrame:
    """Metrics, plan indicators and states whose names hold all of `words` (any case, any order).

    >>> find("cluster casualt")["name"].tolist()[:1]
    ['Cluster munition casualties']
    """
    data = data or load_data()
    wanted = [w.lower() for w in re.findall(r"\w+", words)]
    if not wanted:
        raise DataError("give at least one word to look for", column="words", value=words)
    found = []
    for r in metrics(data).itertuples():
        found.append(("metric", r.metric, r.name, f"{r.name} {r.metric} {r.meaning}"))
    for r in data.indicators.itertuples():
        found.append(("indicator", r.id, r.short_name, f"{r.id} {r.short_name} {r.text}"))
    for r in country_table().itertuples():
        found.append(("state or area", r.iso3, r.name, f"{r.iso3} {r.name} {r.aliases}"))
    hits = [(kind, code, name) for kind, code, name, text in found if all(w in text.lower() for w in wanted)]
    in_name = [all(w in name.lower() for w in wanted) for _, _, name in hits]  # names that hold the words first
    hits = [h for _, h in sorted(zip([not n for n in in_name], hits, strict=True), key=lambda p: p[0])]
    return pd.DataFrame(hits, columns=["kind", "code", "name"])


def _event(when, treaty: str, part: str, what: str, detail: str, row: dict, sources: int = 1) -> dict:
    day_ = when if isinstance(when, date) or when is None else period_end(when)
    return {"date": day_, "treaty": treaty, "obligation": part, "what": what, "detail": detail, "sources": sources,
            "source_url": row.get("source_url"), "quote": row.get("quote")}  # fmt: skip


def _sort_key(value):
    return value if not isinstance(value, date) else value.toordinal()


def _timeline_chart(events: pd.DataFrame, name: str):
    dated = events.dropna(subset=["date"])
    if dated.empty:
        return None
    charts.apply_style()
    lanes = [(t, p) for t in TREATIES for p in ("membership", "stockpile", "clearance")
             if ((dated["treaty"] == t) & (dated["obligation"] == p)).any()]  # fmt: skip
    fig = Figure(figsize=(9, 1.2 + 0.7 * len(lanes)))  # not pyplot's: nothing shows or closes it but its View
    ax = fig.subplots()
    colours = {"MBT": charts.PALETTE["MBT"], "CCM": charts.PALETTE["CCM"]}
    offsets = (9, -15, 19, -25)  # labels of events close in time take turns above and below the lane
    for y, (treaty, part) in enumerate(lanes):
        lane = dated[(dated["treaty"] == treaty) & (dated["obligation"] == part)]
        ax.scatter(lane["date"], [y] * len(lane), color=colours[treaty], zorder=3, s=36)
        shown: list[tuple[date, str]] = []
        for r in lane.itertuples():
            label = _short_label(r.what, r.detail, r.date)
            if any(
                label.split(" ")[0] == seen.split(" ")[0] and abs((r.date - when).days) < 90 for when, seen in shown
            ):
                continue  # the same event from another source, a few days apart: one label
            ax.annotate(label, (r.date, y), xytext=(0, offsets[len(shown) % 4]), textcoords="offset points",
                        fontsize=7, ha="center", color="#333333")  # fmt: skip
            shown.append((r.date, label))
    ax.set_yticks(range(len(lanes)), [f"{t} {p}" for t, p in lanes])
    ax.set_ylim(-0.8, len(lanes) - 0.2)
    ax.grid(axis="y", visible=False)
    ax.set_title(f"{name}: treaty record")
    charts.footer(
        fig, "treaty_events.csv, clearance_events.csv, stockpile_events.csv (each event's source in the table)."
    )
    return fig


def _short_label(what: str, detail, when: date) -> str:
    """'extended to 2025 (4RevCon)', 'deposit 1999', 'original deadline 2010': what a chart can carry."""
    match = re.search(
        r"new deadline \d+ \w+ (\d{4})(?:, granted at the (\S+))?", detail if isinstance(detail, str) else ""
    )
    if what == "extension granted" and match:
        return f"extended to {match.group(1)}" + (f" ({match.group(2)})" if match.group(2) else "")
    return f"{what} {when.year}"


def _labels(data: ReviewData) -> dict[str, str]:
    m = data.metrics
    return {k: v for k, v in zip(m["metric"], m["label"], strict=True) if isinstance(v, str) and v}


def _metric(metric: str, data: ReviewData) -> str:
    known = _labels(data)
    if metric in known:
        return metric
    by_name = {v.lower(): k for k, v in known.items()}
    if str(metric).lower() in by_name:
        return by_name[str(metric).lower()]
    raise DataError("unknown metric: see icbl.metrics() or icbl.find(...)", column="metric", value=metric)


def _treaty(treaty: str) -> str:
    names = {"mbt": "MBT", "mine ban treaty": "MBT", "apmbc": "MBT", "ccm": "CCM",
             "convention on cluster munitions": "CCM"}  # fmt: skip
    found = names.get(str(treaty).strip().lower())
    if found is None:
        raise DataError("a treaty is MBT (the Mine Ban Treaty) or CCM (the Convention on Cluster Munitions)",
                        column="treaty", value=treaty)  # fmt: skip
    return found


def _edition(edition: str) -> str:
    text = str(edition).strip()
    match = re.fullmatch(r"(?i)(landmine monitor|cluster munition monitor|lm|cmm)\s*(\d{4})", text)
    if not match:
        raise DataError("an edition is written LM2016 or Landmine Monitor 2016", column="edition", value=edition)
    family = "LM" if match.group(1).lower() in ("lm", "landmine monitor") else "CMM"
    return f"{family}{match.group(2)}"


def _date(on) -> date:
    if isinstance(on, date):
        return on
    try:
        return date.fromisoformat(str(on))
    except ValueError:
        raise DataError("expected a date YYYY-MM-DD", column="on", value=on) from None


def _years(periods: pd.Series) -> list[int]:
    ends = [int(str(p)[-4:]) for p in periods]
    return list(range(min(ends), max(ends) + 1))


def _png(fig) -> bytes:
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "view"
