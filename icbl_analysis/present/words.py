"""People's words for what the tables call by code: statuses, column headers, numbers, dates."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from ..engine.facts import edition_label, primary_site

STATUS_WORDS = {
    "not_applicable": "no obligation",
    "pending": "within the deadline",
    "extended": "within an extended deadline",
    "completed_on_time": "completed on time",
    "completed_late": "completed after the deadline",
    "missed_outstanding": "deadline missed, not completed",
    "undetermined": "open: the record is undated",
    "not_party": "not party",
    "signatory": "signatory",
    "deposited": "joined, not yet in force",
    "in_force": "State Party",
    "withdrawing": "withdrawing",
    "withdrawn": "withdrew",
}

COLOURS = {
    "on track": "#2e8540",
    "at risk": "#946800",  # white text on it: 4.9:1 (WCAG AA needs 4.5)
    "off track": "#c0392b",
    "no data found": "#6b7785",
    "not assessable from public data": "#ffffff",
    "baseline year": "#1f5f8b",
    "not rated": "#6b7785",
    "measured differently": "#4a5568",
    "undecided: published range": "#a3acb9",
    "completed on time": "#2e8540",
    "completed after the deadline": "#946800",
    "deadline missed, not completed": "#c0392b",
    "within the deadline": "#1f5f8b",
    "within an extended deadline": "#1f5f8b",
    "open: the record is undated": "#6b7785",
}
TEXT_ON = {"not assessable from public data": "#4a5568", "undecided: published range": "#1a202c"}

HEADERS = {
    "iso3": "Code",
    "state": "State",
    "treaty": "Treaty",
    "status": "Status",
    "reason": "Why",
    "deadline": "Deadline",
    "original_deadline": "Original deadline",
    "extensions": "Extensions",
    "completed": "Completed",
    "entry_into_force": "In force for the state",
    "indicator_id": "Indicator",
    "indicator": "Indicator (the plan's words)",
    "short_name": "Indicator",
    "baseline_value": "Reference",
    "review_value": "Review year",
    "objective": "Objective",
    "text": "What the plan seeks",
    "goal": "Goal",
    "title": "Goal title",
    "indicators": "Indicators",
    "rated": "Rated",
    "year": "Year",
    "value": "Value",
    "qualifier": "Qualifier",
    "unit": "Unit",
    "edition": "Edition",
    "note": "Note",
    "source_url": "Source",
    "source": "Source",
    "quote": "Quote",
    "states_parties": "States Parties",
    "joined": "Joined",
    "left": "Left",
    "quantity_destroyed": "Destroyed",
    "metric": "Figure",
    "period": "Year",
    "measure": "Count",
    "as_of": "As of",
    "publisher": "Published by",
    "published": "Published",
    "derived": "Derived",
    "difference": "Difference",
    "outcome": "Outcome",
    "states": "States",
    "explanation": "Explanation",
    "event": "Event",
    "date": "Date",
    "data_needed": "Data that would answer it",
    "usd_thousand_per_km2": "US$ thousand per km²",
    "support_usd_million": "Support (US$ million)",
    "remaining_km2": "Remaining (km²)",
    "editions": "Editions",
    "signature": "Signed",
    "deposit": "Joined (deposit)",
    "instrument": "Instrument",
    "stockpile_deadline": "Stockpile deadline",
    "clearance_deadline": "Clearance deadline",
    "withdrawal_effective": "Withdrawal effective",
}


def header(column: str) -> str:
    """A column's header in people's words; a header already written for people is kept as it is."""
    if column in HEADERS:
        return HEADERS[column]
    return column if column != column.lower() else column.replace("_", " ").capitalize()


def status_word(code) -> str:
    return STATUS_WORDS.get(code, code) if isinstance(code, str) else ""


def number(value, unit: str = "") -> str:
    """1234.5 -> '1,234.5', whole numbers without decimals (as every sentence writes them), gaps as ''."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    value = float(value)
    if unit == "yes_no":
        return "yes" if value else "no"
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def day(value) -> str:
    """A date as '1 March 2019' (no leading zero; never wraps in tables: non-breaking spaces)."""
    if not isinstance(value, date):
        return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return f"{value.day}\u00a0{value:%B}\u00a0{value.year}"


UNIT_WORDS = {
    "states": "states",
    "states_and_areas": "states and areas",
    "km2": "km²",
    "USD_million": "US$ million",
    "percent": "%",
    "casualties": "casualties",
    "mines": "mines",
    "yes_no": "1 = yes, 0 = no",
    "USD_thousand": "US$ thousand",
}

VALUE_WORDS = {  # codes that appear as cell values in the data tables
    "va_plan": "victim assistance or disability plan",
    "coordination": "coordination mechanism",
    "survivors_in_coordination": "survivors in coordination",
    "survivors_consulted": "survivors consulted on plans",
    "services_improved": "services improved",
    "services_declined": "services declined",
    "resources_stated": "resources stated",
    "survivor_on_delegation": "survivor on a delegation",
    "group_member": "in the group with many survivors",
    "states_parties": "States Parties",
    "signatories": "signatories",
    "states_not_party": "states not party",
    "observer_states": "observer states",
    "total_states": "states in all",
    "organisations": "organisations",
    "participants": "people",
    "extension_granted": "extension granted",
    "completion_declared": "completion declared",
    "original_deadline": "original deadline",
    "deadline_in_force_quoted": "deadline in force, as quoted",
    "contamination_declared": "mined areas declared by the state",
    "residual_contamination_reported": "residual contamination reported by others",
    "no_mined_areas_reported": "no mined areas reported",
    "completion_reported": "completion reported by others",
    "destruction_completed": "destruction completed",
    "deadline_missed": "deadline missed",
    "remaining_stockpile": "stock remaining",
    "no_stockpile_declared": "no stockpile declared",
    "ratification": "ratification",
    "accession": "accession",
    "succession": "succession",
    "apm": "antipersonnel mines",
    "cm": "cluster munitions",
    "government": "government forces",
    "nsag": "non-state armed groups",
    "clearance": "clearance",
    "stockpile": "stockpile destruction",
}

MEASURE_WORDS = {  # the published counts the reconciliation compares, in people's words
    "states_parties": "States Parties",
    "art5_obligation": "with Article 5 obligations",
    "art5_completed_cumulative": "Article 5 completions since 1999",
    "art5_completed_in_year": "Article 5 completions in the year",
    "art4_completed_cumulative": "Article 4 completions",
    "art5_extension_requests_granted": "Article 5 extensions granted in the year",
    "art5_states_ever_extended": "States Parties ever given an extension",
    "art5_obligation_ever_extended": "with obligations, ever given an extension",
    "stockpile_completed": "stockpiles declared destroyed (re-opened ones included)",
    "stockpile_holding": "stockpiles still to destroy",
    "stockpile_missed_outstanding": "stockpile deadline missed",
    "stockpile_never_held": "never held stockpiles",
    "stockpile_completed_before_treaty_in_force": "stockpiles destroyed before entry into force",
    "stockpile_completed_since_treaty_in_force": "stockpiles destroyed since entry into force",
    "use_governments_apm": "governments using mines",
    "use_nsag_apm": "armed groups using mines (countries)",
    "use_governments_cm": "governments using cluster munitions",
}


def primary(url) -> bool:
    """A page of the Monitor, the campaign, the treaty secretariats or the UN (else a secondary source)."""
    return primary_site(url)


PUBLISHERS = {"ISU": "MBT Implementation Support Unit", "CCM-ISU": "CCM Implementation Support Unit",
              "UN": "UN depositary"}  # fmt: skip


def publisher_words(text: str) -> str:
    """'Monitor LM2014' -> 'Landmine Monitor 2014'; 'news LM2014' -> 'news report on Landmine Monitor 2014'."""
    if text in PUBLISHERS:
        return PUBLISHERS[text]
    text = re.sub(r"\b(LM|CMM)\d{4}\b", lambda m: edition_label(m.group(0)), str(text))
    return re.sub(r"^Monitor (?=(Landmine|Cluster))", "", text).replace("news ", "news report on ")
