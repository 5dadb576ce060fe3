"""Where the bundled data and the generated outputs live (one place, overridable)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # icbl_analysis/ (this file is in core/)
REPO_DIR = PACKAGE_DIR.parent
NOTEBOOKS_DIR = REPO_DIR / "notebooks"
BUNDLED_DATA_DIR = REPO_DIR / "data"


def notebooks_dir() -> Path:
    """The review notebooks: $ICBL_NOTEBOOKS_DIR (tests use it), else the bundled `notebooks/`."""
    return Path(os.environ["ICBL_NOTEBOOKS_DIR"]) if os.environ.get("ICBL_NOTEBOOKS_DIR") else NOTEBOOKS_DIR


def user_path(path: str | os.PathLike) -> Path:
    """A path with a leading `~` or `~user` expanded where that user exists; any other name, such as Excel's lock
    file `~$campaign.xlsx`, is left as it is (Path.expanduser would raise)."""
    return Path(os.path.expanduser(os.fspath(path)))


def real(path: str | os.PathLike) -> Path:
    """A path made absolute, `~` expanded and links followed; a link loop or a missing part is left as it is
    (the checks that use it then say what is wrong), never an exception."""
    return Path(os.path.realpath(user_path(path)))


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data folder: `override`, else $ICBL_DATA_DIR, else the bundled `data/`."""
    if override:
        return real(override)
    if os.environ.get("ICBL_DATA_DIR"):
        return real(os.environ["ICBL_DATA_DIR"])
    return BUNDLED_DATA_DIR


def outputs_dir(override: str | os.PathLike | None = None) -> Path:
    """The outputs folder: `override`, else $ICBL_OUTPUTS_DIR, else `outputs/`."""
    if override:
        return real(override)
    if os.environ.get("ICBL_OUTPUTS_DIR"):
        return real(os.environ["ICBL_OUTPUTS_DIR"])
    return REPO_DIR / "outputs"
