"""One state's (or other area's) record as of 31 December of a year: treaty status, obligations, the record
behind them and its Monitor figures, from evidence dated on or before that day; what came later is listed
apart, under "since then"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from ..data.countries import name_of, to_iso3
from ..data.load import ReviewData, load_data
from ..engine import facts as F
from ..engine import obligations, treaties
from ..engine.evidence import period_end
from .compute import check_parameters
from .key_figures import KeyFigures, days_left

KINDS = (("clearance", "clearance_events"), ("stockpile", "stockpile_events"))


@dataclass
class Profile:
    data: ReviewData
    iso3: str
    year: int
    vintage: str
    figures: KeyFigures = field(default_factory=KeyFigures, repr=False)

    @property
    def name(self) -> str:
        return name_of(self.iso3)

    @property
    def on(self) -> date:
        return date(self.year, 12, 31)

    @property
    def published_by(self) -> int | None:
        return self.year + 1 if self.vintage == "first" else None

    def membership(self) -> pd.DataFrame:
        """Both treaties: status on the review date, dates of signature, deposit and entry into force; the
        deadlines only where the state has a recorded obligation."""
        if "_membership" not in self.__dict__:
            self.__dict__["_membership"] = self._membership()
        return self.__dict__["_membership"].copy()

    def _membership(self) -> pd.DataFrame:
        rows = []
        owed = (
            set(self.obligations()["treaty"] + "/" + self.obligations()["obligation"])
            if len(self.obligations())
            else set()
        )
        for treaty in ("MBT", "CCM"):
            table = treaties.status_of(self.data, treaty, self.on).set_index("iso3")
            if self.iso3 not in table.index:
                rows.append({"treaty": treaty, "status": "not_party"})
                continue
            r = table.loc[self.iso3]
            known = lambda d: d if d is not None and not pd.isna(d) and d <= self.on else None  # noqa: E731
            rows.append(
                {
                    "treaty": treaty,
                    "status": r["status"],
                    "signature": known(r["signature"]),
                    "deposit": known(r["deposit"]),
                    "instrument": r["instrument"] if known(r["deposit"]) else None,
                    "entry_into_force": known(r["entry_into_force"]),
                    "stockpile_deadline": r["stockpile_deadline"] if f"{treaty}/stockpile" in owed else None,
                    "clearance_deadline": r["clearance_deadline"] if f"{treaty}/clearance" in owed else None,
                    "source_url": r["deposit_source"],
                }
            )
        return pd.DataFrame(rows)

    def obligations(self) -> pd.DataFrame:
        """Every clearance and stockpile obligation of this state under either treaty, on the review date."""
        if "_obligations" not in self.__dict__:
            self.__dict__["_obligations"] = self._obligations()
        return self.__dict__["_obligations"].copy()

    def _obligations(self) -> pd.DataFrame:
        frames = []
        for treaty in ("MBT", "CCM"):
            for kind, _ in KINDS:
                hist = obligations.history(self.data, treaty, kind, self.on)
                if len(hist) and self.iso3 in set(hist["iso3"]):
                    frames.append(hist[hist["iso3"] == self.iso3].assign(obligation=kind))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def record(self) -> pd.DataFrame:
        """The cited rows behind the obligations, dated on or before the review date (undated ones marked)."""
        events = self._events()
        return events[events["when"].map(lambda d: d is None or d <= self.on)].drop(columns="when")

    def _events(self) -> pd.DataFrame:
        parts = [getattr(self.data, table).assign(obligation=kind) for kind, table in KINDS]
        events = pd.concat(parts, ignore_index=True)
        events = events[events["iso3"] == self.iso3].copy()
        events["when"] = events["date"].map(period_end)
        cols = ["treaty", "obligation", "event", "date", "deadline", "meeting", "quote", "source_url", "when"]
        return events.sort_values(["treaty", "obligation", "date"], na_position="first")[cols]

    def monitor_figures(self) -> pd.DataFrame:
        """The Monitor's figures for this place, for years up to the review year, as first published (or the
        chosen vintage), from editions published by the year after; each with its name in people's words, the
        caution on its row (a figure that counts something narrower than its name) and its registry key."""
        if "_figures" in self.__dict__:
            return self.__dict__["_figures"].copy()
        facts = self.data.monitor_facts
        labels = F.metric_labels(self.data.metrics)
        rows = []
        for metric in sorted(set(facts.loc[facts["place"] == self.iso3, "metric"])):
            found = F.series(facts, metric, place=self.iso3, vintage=self.vintage, published_by=self.published_by)
            found = found.loc[found["period"].map(lambda p: int(str(p)[-4:]) <= self.year).astype(bool)]
            rows.append(found.assign(metric=metric, figure=labels.get(metric, metric.replace("_", " "))))
        columns = ["metric", "figure", "period", "value", "unit", "qualifier", "edition", "caveat", "quote",
                   "source_url", "note", "key"]  # fmt: skip
        if not rows:
            return pd.DataFrame(columns=columns)
        out = pd.concat(rows, ignore_index=True)
        out["caveat"] = out["note"].map(F.caveat_of)
        out["key"] = [f"monitor:{m}:{p}" for m, p in zip(out["metric"], out["period"], strict=True)]
        self.__dict__["_figures"] = out[columns]
        return out[columns].copy()

    def use(self) -> pd.DataFrame:
        use = self.data.use_reports
        mine = use[(use["place"] == self.iso3) & use["edition"].map(lambda e: F.edition_year(e) <= self.year + 1)]
        return mine[["edition", "period", "weapon", "actor_type", "actor", "confirmed", "source_url"]]

    def since_then(self) -> pd.DataFrame:
        """Treaty and obligation events dated after the review date, and later Monitor editions' figures."""
        events = self.data.treaty_events
        later = events[(events["iso3"] == self.iso3) & (events["date"] > self.on)]
        rows = [
            {"date": r.date, "what": f"{r.treaty} {r.event.replace('_', ' ')}", "source_url": r.source_url}
            for r in later.itertuples()
        ]
        record = self._events()
        for r in record[record["when"].map(lambda d: d is not None and d > self.on)].itertuples():
            deadline = period_end(r.deadline) if isinstance(r.deadline, str) and r.deadline else None
            what = f"{r.treaty} {r.obligation}: {r.event.replace('_', ' ')}" + (
                f", deadline {deadline.day} {deadline:%B %Y}" if deadline else ""
            )
            rows.append({"date": r.when, "what": what, "source_url": r.source_url})
        return pd.DataFrame(rows, columns=["date", "what", "source_url"]).sort_values("date").reset_index(drop=True)


def compute_profile(country: str, review_year: int = 2015, vintage: str = "first", data_dir: str = "",
                    user_data_dir: str = "", data: ReviewData | None = None) -> Profile:  # fmt: skip
    check_parameters(review_year, review_year, vintage, data_dir, user_data_dir)
    iso3 = to_iso3(country, column="country")
    profile = Profile(data or load_data(data_dir or None, user_data_dir or None), iso3, review_year, vintage)
    profile.figures = profile_figures(profile)
    return profile


def profile_figures(profile: Profile) -> KeyFigures:
    """Every number a profile states: its Monitor figures (with the caution on each row) and the numbers of its
    obligations (extensions granted, days to the deadline)."""
    kf = KeyFigures()
    for r in profile.monitor_figures().to_dict("records"):
        kf.add(r["key"], r["value"], unit=r["unit"], qualifier=r["qualifier"], label=f"{r['figure']}, {r['period']}",
               period=r["period"], edition=r["edition"], measure=r["metric"], definition=r["figure"],
               caveat=r["caveat"], source_kind="Monitor", source_url=r["source_url"])  # fmt: skip
    ob = profile.obligations()
    if len(ob):
        kf.cells("obligations", days_left(ob, profile.on), ["treaty", "obligation"],
                 {"extensions": "extensions", "days_to_deadline": "days"})  # fmt: skip
    return kf
