"""The label schema: which span labels, attributes, relations and document labels a project uses.

A schema is a YAML file (see ``resources/schemas/political_discourse.yaml``) loaded into
immutable pydantic models. Loading checks everything at once and reports each problem with its
file, line and field, because analysts edit these files by hand; the descriptions double as the
annotation guidelines shown in the Help menu. No Qt here: the GUI, the CLI and the store all use
this same API.

The names below are loaded on first use (PEP 562): pydantic, PyYAML and the models take about
0.1 s to import, and a new project made by ``annotator import`` stores the default schema from
``schema.shipped`` without them.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from annotator.schema.loader import SchemaError, SchemaIssue, load_default_schema, load_schema, parse_schema
    from annotator.schema.model import AttributeDef, DocumentLabel, LabelSchema, RelationType, SpanLabel

__all__ = [
    "AttributeDef",
    "DocumentLabel",
    "LabelSchema",
    "RelationType",
    "SchemaError",
    "SchemaIssue",
    "SpanLabel",
    "load_default_schema",
    "load_schema",
    "parse_schema",
]
_HOMES = {"SchemaError": "loader", "SchemaIssue": "loader", "load_default_schema": "loader", "load_schema": "loader",
          "parse_schema": "loader", "AttributeDef": "model", "DocumentLabel": "model", "LabelSchema": "model",
          "RelationType": "model", "SpanLabel": "model"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"annotator.schema.{home}"), name)
