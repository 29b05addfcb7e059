"""The default schema is read with libyaml (``bounded_yaml.SHIPPED_LOADER``) when PyYAML has it;
a user's schema file keeps the pure-Python parser whose messages the catalogue describes."""

from __future__ import annotations

from annotator import paths
from annotator.schema import load_default_schema, load_schema, parse_schema


def test_default_schema_read_with_libyaml_is_the_one_the_pure_python_parser_reads() -> None:
    """Both parsers give the same schema from the shipped file (libyaml's events and nodes, the
    same constructor and validation), and it survives its own dump."""
    shipped = load_default_schema()
    assert shipped == load_schema(paths.default_schema_path())
    assert shipped.to_yaml() == parse_schema(shipped.to_yaml()).to_yaml()

