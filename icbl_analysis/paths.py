"""Where the bundled data and the generated outputs live (one place, overridable)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
NOTEBOOKS_DIR = REPO_DIR / "notebooks"


def notebooks_dir() -> Path:
    """The review notebooks: $ICBL_NOTEBOOKS_DIR (tests use it), else the bundled `notebooks/`."""
    return Path(os.environ["ICBL_NOTEBOOKS_DIR"]) if os.environ.get("ICBL_NOTEBOOKS_DIR") else NOTEBOOKS_DIR


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data folder: `override`, else $ICBL_DATA_DIR, else the bundled `data/`."""
    if override:
        return Path(override).expanduser().resolve()
    if os.environ.get("ICBL_DATA_DIR"):
        return Path(os.environ["ICBL_DATA_DIR"]).expanduser().resolve()
    return REPO_DIR / "data"


BUNDLED_DATA_DIR = REPO_DIR / "data"


def outputs_dir(override: str | os.PathLike | None = None) -> Path:
    """The outputs folder: `override`, else $ICBL_OUTPUTS_DIR, else `outputs/`."""
    if override:
        return Path(override).expanduser().resolve()
    if os.environ.get("ICBL_OUTPUTS_DIR"):
        return Path(os.environ["ICBL_OUTPUTS_DIR"]).expanduser().resolve()
    return REPO_DIR / "outputs"
