"""Merge the collectors' files in data/incoming/ into the tables of data/ (run by maintainers).

Rows are kept as collected; exact repeats are dropped; the datapackage's per-table source
records are refreshed from the source URLs the rows cite.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from urllib.parse import urlparse

DATA = Path(__file__).resolve().parent.parent / "data"
INCOMING = DATA / "incoming"
ACCESSED = "2026-11-28"

TABLES = {
    "treaty_events": ["mbt_events_a_k.csv", "mbt_events_l_z.csv", "ccm_events.csv", "treaty_events_extra.csv"],
    "clearance_events": ["clearance_mbt.csv", "clearance_ccm.csv"],
    "stockpile_events": ["stockpile_mbt.csv", "stockpile_ccm.csv"],
    "retained_mines": ["retained_mines.csv", "retained_mines_extra.csv", "retained_mines_extra2.csv"],
    "monitor_facts": [
        "facts_casualties_land.csv",
        "facts_funding_use.csv",
        "facts_extra.csv",
        "facts_extra2.csv",
        "facts_extra3.csv",
        "facts_extra4.csv",
        "facts_extra5.csv",
        "facts_extra6.csv",
    ],
    "use_reports": ["use_reports.csv"],
}


def main() -> int:
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    for table, parts in TABLES.items():
        res = resources[table]
        columns = [f["name"] for f in res["schema"]["fields"]]
        seen, rows = set(), []
        for part in parts:
            path = INCOMING / part
            if not path.exists():
                continue
            with path.open(newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    clean = [(row.get(c) or "").strip() for c in columns]
                    if not any(clean):
                        continue
                    if table == "retained_mines" and not row.get("year"):
                        print(f"  skipped (no year in the source): {part}: {row['iso3']} {row['quantity']}")
                        continue
                    key = tuple(clean)
                    if key not in seen:
                        seen.add(key)
                        rows.append(clean)
        with (DATA / res["path"]).open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
        urls = sorted({r[columns.index("source_url")] for r in rows})
        domains = sorted({urlparse(u).netloc.removeprefix("www.") for u in urls})
        res["sources"] = [
            {
                "title": d,
                "path": f"https://{d}/",
                "accessed": ACCESSED,
                "rows_citing": sum(1 for r in rows if d in r[columns.index("source_url")]),
            }
            for d in domains
        ]
        print(f"{table}: {len(rows)} rows from {len(urls)} pages on {len(domains)} sites")
    (DATA / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
