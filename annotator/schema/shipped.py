"""What a project stores for a label schema, and the default schema's, kept ready-made.

A project stores a schema as two things: its YAML (``LabelSchema.to_yaml``) in a setting and a
row per label in the ``label`` table. ``install_of`` makes both from a parsed schema. For the
default schema, which every new project starts with, both are kept in ``default_install.json``
beside this module, so that creating a project (``annotator import`` into a new file above all)
neither imports pydantic and the schema models nor parses and dumps the YAML: about 0.15 s of a
new project's 0.3 s. The file names the SHA-256 of the schema file it was made from; when the
default schema differs from it (edited in place, or a newer file not yet written out), the
schema is parsed as before, so the ready-made copy can be missing or stale but never wrong.
A test holds the file to what parsing gives; ``python -m annotator.schema.shipped`` rewrites it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator import paths

if TYPE_CHECKING:
    from annotator.schema.model import LabelSchema

INSTALL_FILE = Path(__file__).with_name("default_install.json")
DOCUMENT_LABEL_COLOR = "#888888"  # document labels have no colour of their own in a schema


@dataclass(frozen=True)
class LabelRow:
    """One label as the ``label`` table holds it."""

    kind: str  # span, relation or document
    name: str
    color: str
    shortcut: str | None
    description: str


@dataclass(frozen=True)
class SchemaInstall:
    """What installing a schema writes: its YAML and its labels' rows."""

    yaml: str
    labels: tuple[LabelRow, ...]


def install_of(schema: LabelSchema) -> SchemaInstall:
    """The YAML and label rows a project stores for ``schema``."""
    rows = [LabelRow("span", label.name, label.color, label.key, label.description) for label in schema.span_labels]
    rows += [LabelRow("relation", relation.name, relation.color, None, relation.description)
             for relation in schema.relation_types]
    rows += [LabelRow("document", label.name, DOCUMENT_LABEL_COLOR, None, label.description)
             for label in schema.document_labels]
    return SchemaInstall(schema.to_yaml(), tuple(rows))


def default_install() -> SchemaInstall:
    """What a new project stores for the default schema: ready-made when ``INSTALL_FILE`` was
    made from the schema file as it is now, else parsed (``load_default_schema`` says what is
    wrong with a broken one)."""
    try:
        digest = hashlib.sha256(paths.default_schema_path().read_bytes()).hexdigest()
        data = json.loads(INSTALL_FILE.read_text(encoding="utf-8"))
        if data["source_sha256"] == digest:
            return SchemaInstall(data["yaml"], tuple(LabelRow(**row) for row in data["labels"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from annotator.schema.loader import load_default_schema

    return install_of(load_default_schema())


def write_default_install() -> None:
    """Parse the default schema and write ``INSTALL_FILE`` from it."""
    from annotator.schema.loader import load_default_schema

    install = install_of(load_default_schema())
    data = {"source_sha256": hashlib.sha256(paths.default_schema_path().read_bytes()).hexdigest(),
            "yaml": install.yaml, "labels": [row.__dict__ for row in install.labels]}
    INSTALL_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_default_install()
