"""Fingerprints that decide when earlier work may be reused: of files, data folders and this package's code."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ..core.paths import PACKAGE_DIR


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def data_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every table and the descriptor in a data folder."""
    files = sorted(folder.glob("*.csv")) + sorted(folder.glob("datapackage.json"))
    return {p.name: file_hash(p) for p in files}


@lru_cache(maxsize=1)
def code_hash() -> str:
    """The package's own code and templates: a change there reruns every notebook and every data check."""
    digest = hashlib.sha256()
    package = PACKAGE_DIR
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".j2", ".css") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
