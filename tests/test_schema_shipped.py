"""The default schema a new project starts with: read with libyaml (``bounded_yaml.SHIPPED_LOADER``)
when PyYAML has it (a user's schema file keeps the pure-Python parser whose messages the
catalogue describes), and stored from a ready-made copy (``schema.shipped``) when that copy was
made from the file as it is."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator import paths
from annotator.schema import load_default_schema, load_schema, parse_schema
from annotator.schema.shipped import INSTALL_FILE, default_install, install_of
from annotator.store import Project
from annotator.store.project import SCHEMA_SETTING
from annotator.store.tables import LABEL


def test_default_schema_read_with_libyaml_is_the_one_the_pure_python_parser_reads() -> None:
    """Both parsers give the same schema from the shipped file (libyaml's events and nodes, the
    same constructor and validation), and it survives its own dump."""
    shipped = load_default_schema()
    assert shipped == load_schema(paths.default_schema_path())
    assert shipped.to_yaml() == parse_schema(shipped.to_yaml()).to_yaml()



def test_the_ready_made_default_install_is_what_parsing_the_schema_gives() -> None:
    """``default_install.json`` was made from the schema file as it is (else new projects parse
    it again: rewrite the file with ``python -m annotator.schema.shipped``) and holds exactly
    the YAML and label rows ``install_of`` makes from the parsed schema."""
    data = json.loads(INSTALL_FILE.read_text(encoding="utf-8"))
    assert data["source_sha256"] == hashlib.sha256(paths.default_schema_path().read_bytes()).hexdigest(), (
        "the default schema changed: run python -m annotator.schema.shipped")
    assert default_install() == install_of(load_default_schema())


def test_a_new_project_stores_the_default_schema_as_install_schema_does(tmp_path: Path) -> None:
    def stored(project: Project) -> tuple[object, ...]:
        with project.engine.connect() as connection:
            labels = connection.execute(sa.select(LABEL.c.kind, LABEL.c.name, LABEL.c.color, LABEL.c.shortcut,
                                                  LABEL.c.description, LABEL.c.in_schema)
                                        .order_by(LABEL.c.kind, LABEL.c.name)).all()
        return project.setting(SCHEMA_SETTING), labels

    with Project.open(tmp_path / "new.db") as new, Project.open(tmp_path / "installed.db") as installed:
        installed.install_schema(load_default_schema())
        assert stored(new) == stored(installed)
        assert new.schema == load_default_schema()


def test_a_default_schema_changed_in_place_is_parsed_not_taken_ready_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    changed = tmp_path / "schema.yaml"
    changed.write_text(paths.default_schema_path().read_text(encoding="utf-8").replace(
        "name: Political discourse", "name: Edited discourse", 1), encoding="utf-8")
    monkeypatch.setattr(paths, "default_schema_path", lambda: changed)
    install = default_install()
    assert install == install_of(load_schema(changed))
    assert install.yaml.startswith("name: Edited discourse")
