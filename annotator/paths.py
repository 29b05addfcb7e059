"""Where annotator finds its bundled files and keeps the user's data.

Bundled files (``resources/``, ``sample_corpus/``) sit at the top of a source checkout and are
copied into the wheel under ``annotator/_bundled``; looking in both places lets the same code run
from an editable install and from a built wheel. User data goes where the platform expects it
(platformdirs), never next to the code.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "annotator"
_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    """Return the bundled folder ``name``, from the wheel copy or from the source checkout."""
    in_wheel = _PACKAGE_DIR / "_bundled" / name
    if in_wheel.is_dir():
        return in_wheel
    return _PACKAGE_DIR.parent / name


def resources_dir() -> Path:
    """The folder of shipped resources: schemas, patterns, icons."""
    return _bundled("resources")


def sample_corpus_dir() -> Path:
    """The five sample news articles the default project is made from."""
    return _bundled("sample_corpus")


def default_schema_path() -> Path:
    """The label schema a new project starts with."""
    return resources_dir() / "schemas" / "political_discourse.yaml"


def user_data_dir() -> Path:
    """The per-user data folder (created on demand) holding the default project and backups."""
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_project_path() -> Path:
    """The project the app opens when it is given none."""
    return user_data_dir() / "default.annotator.db"
