"""The label schema: which span labels, attributes, relations and document labels a project uses.

A schema is a YAML file (see ``resources/schemas/political_discourse.yaml``) loaded into
immutable pydantic models. Loading checks everything at once and reports each problem with its
file, line and field, because analysts edit these files by hand; the descriptions double as the
annotation guidelines shown in the Help menu. No Qt here: the GUI, the CLI and the store all use
this same API.
"""

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
