"""Write the review notebooks in notebooks/ (thin: a parameters cell, then one library call per cell)."""

from __future__ import annotations

from pathlib import Path

import nbformat as nbf

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

PARAMETERS = """# Parameters (papermill replaces this cell's values; `icbl-review params NOTEBOOK` lists them)
review_year: int = 2015  # the year under review (1997-2026; the plan period is 2012-2015)
baseline_year: int = 2011  # the plan's baseline year
vintage: str = "first"  # Monitor figures: first (as first published), latest, or an edition like LM2013
data_dir: str = ""  # a full data folder; empty for the bundled data/
user_data_dir: str = ""  # a researcher's folder of extra rows (same shape as data/); empty for none
output_dir: str = ""  # where charts and tables go; empty for outputs/interactive/<year>/<notebook>"""

SETUP = (
    "import icbl_analysis.report as rp\n\n"
    "review = rp.Review({goal}, review_year, baseline_year, data_dir, user_data_dir, vintage, output_dir)\n"
    "review.header()"
)

BODIES = {
    "goal1": [
        "review.show_status()",
        "review.chart_states_parties()",
        "review.chart_world_map()",
        "review.show_membership()",
        'review.chart_indicator("G1.I01", "new States Parties")',
        'review.chart_indicator("G1.I14", "States Parties")',
        'review.chart_use("apm")',
        'review.chart_indicator("G1.I12", "mines retained")',
        'review.show_obligations("MBT", "stockpile")',
        'review.show_obligations("CCM", "stockpile")',
        "review.show_key_numbers()",
        "review.show_values()",
        "review.show_gaps()",
        "review.save()",
    ],
    "goal2": [
        "review.show_status()",
        'review.chart_deadlines("MBT", "clearance")',
        'review.show_obligations("MBT", "clearance")',
        'review.chart_deadlines("CCM", "clearance")',
        'review.show_obligations("CCM", "clearance")',
        'review.chart_indicator("G2.I02", "km²")',
        'review.chart_indicator("G2.I05", "US$ million")',
        'review.chart_by_country("funding_by_recipient", "International support received, by country", "US$ million")',
        'review.chart_indicator("G2.I08", "declarations")',
        "review.show_key_numbers()",
        "review.show_values()",
        "review.show_gaps()",
        "review.save()",
    ],
    "goal3": [
        "review.show_status()",
        'review.chart_revisions("casualties_total", "Mine/ERW casualties per year: first published and latest")',
        'review.chart_revisions("cm_casualties_total", "Cluster munition casualties: first published and latest")',
        'review.chart_by_country("casualties_total", "Casualties in the most affected countries", "casualties", top=6)',
        'review.chart_indicator("G3.I05", "US$ million")',
        "review.show_key_numbers()",
        "review.show_values()",
        "review.show_gaps()",
        "review.save()",
    ],
    "goal4": [
        "review.show_status()",
        'review.chart_indicator("G4.I07", "percent")',
        "review.show_key_numbers()",
        "review.show_values()",
        "review.show_gaps()",
        "review.save()",
    ],
    "overview": [
        "review.chart_status_board()",
        "review.show_goals()",
        "review.show_key_numbers()",
        "review.chart_states_parties()",
        'review.chart_revisions("casualties_total", "Mine/ERW casualties per year: first published and latest")',
        "review.chart_world_map()",
        "review.show_objectives()",
        "review.chart_coverage()",
        "review.save()",
    ],
}

PROFILE_PARAMETERS = PARAMETERS.replace(
    "review_year: int = 2015",
    'country: str = "AFG"  # ISO3 code or name, e.g. KHM or Cambodia\nreview_year: int = 2015',
).replace("baseline_year: int = 2011  # the plan's baseline year\n", "")

PROFILE_BODY = [
    "import icbl_analysis.profile as cp\n\n"
    "profile = cp.CountryProfile(country, review_year, data_dir, user_data_dir, vintage, output_dir)\n"
    "profile.header()",
    "profile.show_membership()",
    "profile.show_obligations()",
    "profile.chart_retained()",
    "profile.chart_casualties()",
    "profile.show_monitor_figures()",
    "profile.save()",
]

INTRO = {
    "country_profile": "Country profile: one state's treaty status, obligations and Monitor figures",
    "goal1": "Goal 1 review: no more use of antipersonnel mines or cluster munitions",
    "goal2": "Goal 2 review: a significant decrease in contaminated land",
    "goal3": "Goal 3 review: better lives for victims",
    "goal4": "Goal 4 review: ICBL-CMC and the Monitor as the authoritative voice",
    "overview": "Overview: every goal of the ICBL-CMC strategic plan 2012-2015 on one page",
}


def make(name: str) -> nbf.NotebookNode:
    nb = nbf.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbf.v4.new_code_cell(
        f"# {INTRO[name]}\n# Run top to bottom here, or every review at once with `icbl-review annual`.\n" + PARAMETERS
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells.append(params)
    if name == "country_profile":
        params.source = params.source.replace(PARAMETERS, PROFILE_PARAMETERS)
        nb.cells.extend(nbf.v4.new_code_cell(src) for src in PROFILE_BODY)
    else:
        goal = name[-1] if name.startswith("goal") else "None"
        nb.cells.append(nbf.v4.new_code_cell(SETUP.format(goal=goal)))
        nb.cells.extend(nbf.v4.new_code_cell(src) for src in BODIES[name])
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-{i:02d}"
    return nb


if __name__ == "__main__":
    NOTEBOOKS.mkdir(exist_ok=True)
    for name in [*BODIES, "country_profile"]:
        nbf.write(make(name), NOTEBOOKS / f"{name}.ipynb")
        print("wrote", NOTEBOOKS / f"{name}.ipynb")
