"""What the country profile notebook calls: one state's treaty status, obligations and Monitor figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from . import charts, obligations, treaties
from .countries import name_of, to_iso3
from .facts import edition_year
from .load import load_data
from .paths import outputs_dir
from .report import _styled, check_parameters, esc


class CountryProfile:
    """Everything the data holds on one state or other area, as of the end of the review year."""

    def __init__(
        self,
        country: str,
        review_year: int = 2015,
        data_dir: str = "",
        user_data_dir: str = "",
        vintage: str = "first",
        output_dir: str = "",
    ):
        check_parameters(review_year, review_year, vintage, data_dir, user_data_dir)
        self.iso3 = to_iso3(country, column="country")
        self.name = name_of(self.iso3)
        self.year, self.vintage = review_year, vintage
        self.on = date(review_year, 12, 31)
        self.data = load_data(data_dir or None, user_data_dir or None)
        self.out = (
            Path(output_dir)
            if output_dir
            else outputs_dir() / "interactive" / str(review_year) / f"profile_{self.iso3}"
        )
        self.out.mkdir(parents=True, exist_ok=True)

    def header(self) -> None:
        display(
            Markdown(
                f"# Country profile: {esc(self.name)} ({self.iso3})\n\nAs of **{self.on:%d %B %Y}**. "
                "Every row below carries its source; gaps are shown as gaps."
            )
        )

    def membership(self) -> pd.DataFrame:
        rows = []
        for treaty in ("MBT", "CCM"):
            table = treaties.status_table(self.data.treaty_events, treaty, self.on).set_index("iso3")
            if self.iso3 not in table.index:
                rows.append({"treaty": treaty, "status": "not_party"})
                continue
            r = table.loc[self.iso3]
            rows.append(
                {
                    "treaty": treaty,
                    "status": r["status"],
                    "signature": r["signature"],
                    "deposit": r["deposit"],
                    "instrument": r["instrument"],
                    "entry_into_force": r["entry_into_force"],
                    "stockpile_deadline": r["stockpile_deadline"],
                    "clearance_deadline": r["clearance_deadline"],
                    "withdrawal_effective": r["withdrawal_effective"],
                    "source": r["deposit_source"],
                    "sources_differ": r["conflicts"],
                }
            )
        return pd.DataFrame(rows)

    def show_membership(self) -> None:
        display(Markdown("## Treaty status"))
        display(_styled(self.membership()))

    def obligations(self) -> pd.DataFrame:
        frames = []
        for treaty in ("MBT", "CCM"):
            for kind, func, table in (
                ("clearance", obligations.clearance_history, self.data.clearance_events),
                ("stockpile", obligations.stockpile_history, self.data.stockpile_events),
            ):
                hist = func(self.data.treaty_events, table, treaty, self.on, self.data.meetings)
                if len(hist) and self.iso3 in set(hist["iso3"]):
                    frames.append(hist[hist["iso3"] == self.iso3].assign(obligation=kind))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def show_obligations(self) -> None:
        display(Markdown("## Clearance and stockpile obligations"))
        table = self.obligations()
        if table.empty:
            display(Markdown("No clearance or stockpile obligation is recorded for this state."))
            return
        display(
            _styled(
                table[
                    [
                        "treaty",
                        "obligation",
                        "original_deadline",
                        "deadline",
                        "extensions",
                        "completed",
                        "status",
                        "reason",
                    ]
                ]
            )
        )
        events = pd.concat(
            [
                self.data.clearance_events.assign(table="clearance"),
                self.data.stockpile_events.assign(table="stockpile"),
            ],
            ignore_index=True,
        )
        events = events[events["iso3"] == self.iso3]
        display(Markdown("### The record behind it"))
        display(
            _styled(
                events[["treaty", "table", "event", "date", "deadline", "quote", "source_url"]].sort_values(
                    ["treaty", "table", "date"], na_position="first"
                )
            )
        )

    def monitor_figures(self) -> pd.DataFrame:
        facts = self.data.monitor_facts
        mine = facts[facts["place"] == self.iso3]
        return mine[["metric", "period", "value", "unit", "qualifier", "edition", "quote", "source_url"]].sort_values(
            ["metric", "period", "edition"]
        )

    def show_monitor_figures(self) -> None:
        display(Markdown("## Monitor figures for this country"))
        figures = self.monitor_figures()
        if figures.empty:
            display(Markdown("The collected Monitor figures hold no country-level value for this state."))
        else:
            display(_styled(figures))
        use = self.data.use_reports[self.data.use_reports["place"] == self.iso3]
        if len(use):
            display(Markdown("### Reported use of antipersonnel mines or cluster munitions"))
            display(
                _styled(
                    use[["edition", "period", "weapon", "actor_type", "actor", "confirmed", "source_url"]].sort_values(
                        "edition", key=lambda s: s.map(edition_year)
                    )
                )
            )

    def chart_casualties(self) -> None:
        """Casualties per year in this country, as first published and in the latest edition."""
        facts = self.data.monitor_facts
        mine = facts[(facts["metric"] == "casualties_total") & (facts["place"] == self.iso3)]
        if mine.empty:
            return
        years = range(min(self.year, *(int(p) for p in mine["period"])), self.year + 1)
        title = f"{self.name}: mine/ERW casualties per year, first published and latest"
        fig, data = charts.revisions_chart(facts, "casualties_total", title, years, place=self.iso3)
        charts.save(fig, data, "casualties", self.out / "charts")
        display(fig)
        plt.close(fig)

    def chart_retained(self) -> None:
        retained = self.data.retained_mines
        mine = retained[retained["iso3"] == self.iso3].sort_values("year").drop_duplicates("year", keep="last")
        if mine.empty:
            return
        series = mine.rename(columns={"quantity": "value"})[["year", "value", "qualifier", "edition"]]
        years = range(int(series["year"].min()), max(int(series["year"].max()), self.year) + 1)
        fig, data = charts.trend(
            series, f"{self.name}: antipersonnel mines retained (Art. 3)", "mines", years, highlight=self.year
        )
        charts.save(fig, data, "retained_mines", self.out / "charts")
        display(fig)
        plt.close(fig)

    def save(self) -> None:
        self.membership().to_csv(self.out / "membership.csv", index=False, lineterminator="\n")
        self.obligations().to_csv(self.out / "obligations.csv", index=False, lineterminator="\n")
        self.monitor_figures().to_csv(self.out / "monitor_figures.csv", index=False, lineterminator="\n")
        display(Markdown(f"Tables saved in `{self.out.name}/`."))
