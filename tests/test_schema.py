"""Tests for annotator.schema: the default schema, round trips, and located error messages."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.schema import (
    LabelSchema,
    SchemaError,
    load_default_schema,
    load_schema,
    parse_schema,
)

VALID = """\
name: Test schema
span_labels:
  - name: ACTOR
    color: "#0072B2"
    key: a
    attributes:
      - name: actor_type
        type: choice
        values: [state, official]
  - name: CLAIM
    color: "#e69f00"
    key: c
relation_types:
  - name: speaker_of
    head: [ACTOR]
    tail: [CLAIM]
  - name: about
    head: CLAIM
    tail: [ACTOR, CLAIM]
  - name: aligned_with
    head: [ACTOR]
    tail: [ACTOR]
    symmetric: true
"""


def write(tmp_path: Path, text: str, name: str = "political.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        load_schema(path)
    return str(caught.value)


def line_of(path: Path, snippet: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the ``occurrence``-th ``snippet``, so tests cannot miscount."""
    hits = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if snippet in line]
    return hits[occurrence - 1]


def assert_located(message: str, path: Path, code: str, line: int, field: str) -> None:
    """The message names the code, the file, the line and the field, in that order."""
    assert f"[{code}] {path}, line {line}, {field}:" in message, message


# --- the default schema ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def default() -> LabelSchema:
    return load_default_schema()


def test_default_schema_has_required_labels(default: LabelSchema) -> None:
    names = [label.name for label in default.span_labels]
    for required in ("ACTOR", "CLAIM", "THREAT", "TARGET", "EVENT", "LOCATION", "DATE"):
        assert required in names


def test_default_schema_has_required_attributes(default: LabelSchema) -> None:
    actor, claim, threat = (default.span_label(n) for n in ("ACTOR", "CLAIM", "THREAT"))
    assert actor is not None and claim is not None and threat is not None
    actor_type = actor.attribute("actor_type")
    assert actor_type is not None and actor_type.type == "choice"
    assert {"state", "official", "security_service", "opposition", "international_organisation"} <= set(actor_type.values)
    country = actor.attribute("country")
    assert country is not None and country.type == "text"
    claim_type = claim.attribute("claim_type")
    assert claim_type is not None
    assert {"accusation", "assertion", "denial", "demand", "warning", "promise"} <= set(claim_type.values)
    assert claim.attribute("stance") is not None
    threat_type = threat.attribute("threat_type")
    assert threat_type is not None
    assert {"military", "nuclear", "political_interference", "economic", "information", "repression"} <= set(threat_type.values)
    explicitness, modality = threat.attribute("explicitness"), threat.attribute("modality")
    assert explicitness is not None and set(explicitness.values) == {"explicit", "implicit"}
    assert modality is not None and set(modality.values) == {"actual", "conditional", "denied"}


def test_default_schema_relations_and_mapping(default: LabelSchema) -> None:
    assert [r.name for r in default.relation_types_for("ACTOR", "CLAIM")] == ["speaker_of"]
    assert "source_of" in [r.name for r in default.relation_types_for("ACTOR", "THREAT")]
    for tail in ("ACTOR", "TARGET", "LOCATION"):
        assert "targets" in [r.name for r in default.relation_types_for("THREAT", tail)]
    assert "about" in [r.name for r in default.relation_types_for("CLAIM", "ACTOR")]
    for entity in ("PERSON", "ORG", "GPE", "NORP"):
        assert default.entity_mapping[entity] == "ACTOR"
    assert default.entity_mapping["LOC"] == "LOCATION"
    assert default.entity_mapping["DATE"] == "DATE"
    assert any(label.group for label in default.document_labels)


def test_default_schema_keys_are_unique_and_leave_editor_keys_free(default: LabelSchema) -> None:
    keys = [label.key for label in default.span_labels if label.key]
    assert len(keys) == len({key.lower() for key in keys})
    assert not {"r", "n", "p"} & set(keys)
    assert default.span_label_for_key("a").name == "ACTOR"  # type: ignore[union-attr]
    assert default.span_label_for_key("T").name == "THREAT"  # type: ignore[union-attr]
    assert default.span_label_for_key("z") is None
    assert default.span_label_for_key("") is None


def test_default_schema_describes_everything(default: LabelSchema) -> None:
    for label in default.span_labels:
        assert label.description
        assert all(attribute.description for attribute in label.attributes)
    assert all(relation.description for relation in default.relation_types)
    assert all(label.description for label in default.document_labels)


def test_guidelines_mention_every_label(default: LabelSchema) -> None:
    guide = default.guidelines_markdown()
    names = [label.name for label in default.span_labels]
    names += [label.name for label in default.document_labels]
    names += [relation.name for relation in default.relation_types]
    for name in names:
        assert name in guide
    assert "`nuclear`" in guide and "claim_type" in guide


def test_round_trip_default(default: LabelSchema) -> None:
    assert parse_schema(default.to_yaml()) == default


def test_round_trip_with_defaults_of_every_type() -> None:
    schema = parse_schema(VALID.replace("        values: [state, official]\n", """\
        values: [state, official]
        default: state
      - {name: flag, type: boolean, default: true}
      - {name: weight, type: number, default: 2}
      - {name: tags, type: multichoice, values: ["yes", "no", "1"], default: ["yes", 1]}
      - {name: note, type: text, default: "n/a", required: true}
""") + """\
document_labels:
  - {name: RELEVANT, group: relevance, description: "Line one.\\nLine two."}
  - {name: NOT_RELEVANT, group: relevance}
entity_mapping: {PERSON: ACTOR}
""")
    actor = schema.span_label("ACTOR")
    assert actor is not None and actor.color == "#0072b2"
    assert actor.attribute("weight").default == 2.0  # type: ignore[union-attr]
    assert actor.attribute("tags").default == ["yes", "1"]  # type: ignore[union-attr]
    assert schema.document_labels[0].description == "Line one.\nLine two."
    assert parse_schema(schema.to_yaml()) == schema


def test_relation_types_for() -> None:
    schema = parse_schema(VALID)
    assert [r.name for r in schema.relation_types_for("ACTOR", "CLAIM")] == ["speaker_of"]
    assert [r.name for r in schema.relation_types_for("CLAIM", "ACTOR")] == ["about"]
    assert [r.name for r in schema.relation_types_for("ACTOR", "ACTOR")] == ["aligned_with"]
    assert schema.relation_types_for("CLAIM", "UNKNOWN") == []
    assert schema.relation_type("about").head == ["CLAIM"]  # type: ignore[union-attr]
    assert schema.relation_type("nope") is None


# --- errors, each naming file, line and field ------------------------------------------------


def test_bad_yaml_syntax_reports_line(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        name: Test
        span_labels:
          - name: ACTOR
            color: "#000000
        """)
    message = load_error(path)
    assert "[E202]" in message and str(path) in message and "line 5" in message


def test_bad_yaml_indentation_reports_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name: Test\nspan_labels:\n  - name: A\n   color: '#000000'\n")
    message = load_error(path)
    assert f"[E202] {path}, line 4" in message


def test_unknown_field_typo(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('    color: "#e69f00"\n', '    colour: "#e69f00"\n'))
    message = load_error(path)
    assert_located(message, path, "E205", line_of(path, "colour:"), "span_labels[1].colour")
    assert "Did you mean 'color'?" in message
    assert_located(message, path, "E206", line_of(path, "name: CLAIM"), "span_labels[1].color")  # the real field is now missing


def test_bad_colour(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('"#e69f00"', "blu"))
    message = load_error(path)
    assert message == (f"[E203] {path}, line {line_of(path, 'color: blu')}, span_labels[1].color: 'blu' is not a colour; "
                       "write it as #rrggbb, e.g. #1f77b4.")


def test_duplicate_key_letter(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("    key: c\n", "    key: A\n"))
    message = load_error(path)
    assert_located(message, path, "E211", line_of(path, "key: A"), "span_labels[1].key")
    assert "ACTOR" in message


def test_duplicate_label_name(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("  - name: CLAIM\n", "  - name: ACTOR\n"))
    message = load_error(path)
    assert_located(message, path, "E210", line_of(path, "name: ACTOR", 2), "span_labels[1].name")


def test_relation_head_names_unknown_label(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("    head: [ACTOR]\n    tail: [CLAIM]\n", "    head: [ACTOR, PERSON]\n    tail: [CLAIM]\n"))
    message = load_error(path)
    assert_located(message, path, "E212", line_of(path, "PERSON"), "relation_types[0].head[1]")
    assert "'PERSON' is not a span label" in message


def test_choice_attribute_without_values(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("        values: [state, official]\n", ""))
    message = load_error(path)
    assert_located(message, path, "E213", line_of(path, "name: actor_type"), "span_labels[0].attributes[0].values")


def test_default_not_among_values(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("        values: [state, official]\n",
                                         "        values: [state, official]\n        default: military\n"))
    message = load_error(path)
    assert_located(message, path, "E215", line_of(path, "default: military"), "span_labels[0].attributes[0].default")
    assert "'military'" in message


def test_duplicate_yaml_mapping_key(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("    key: c\n", "    key: c\n    color: '#ffffff'\n"))
    message = load_error(path)
    assert_located(message, path, "E217", line_of(path, "color: '#ffffff'"), "span_labels[1].color")
    assert f"first on line {line_of(path, 'color: \"#e69f00\"')}" in message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    message = load_error(path)
    assert message.startswith(f"[E201] Cannot read label schema {path}:")


def test_not_utf8_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: Test\ndescription: caf\xe9\n")
    assert "line 2 is not UTF-8" in load_error(path)


def test_several_problems_reported_together(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace('"#e69f00"', "blu").replace("    key: c\n", "    key: A\n")
                 .replace("head: CLAIM", "head: CLAIMS"))
    with pytest.raises(SchemaError) as caught:
        load_schema(path)
    lines = str(caught.value).splitlines()
    assert [line.split("]")[0] for line in lines] == ["[E203", "[E211", "[E212"]
    expected = [line_of(path, "color: blu"), line_of(path, "key: A"), line_of(path, "head: CLAIMS")]
    assert [issue.line for issue in caught.value.issues] == expected


def test_yes_no_values_hint_at_quoting() -> None:
    text = VALID.replace("values: [state, official]", "values: [yes, no]")
    with pytest.raises(UserError, match=r"line 9, span_labels\[0\]\.attributes\[0\]\.values\[0\]: .*quote it"):
        parse_schema(text, "x.yaml")


def test_empty_and_non_mapping_documents() -> None:
    with pytest.raises(UserError, match=r"\[E218\] x.yaml, line 1"):
        parse_schema("# nothing\n", "x.yaml")
    with pytest.raises(UserError, match=r"\[E208\] x.yaml, line 1: expected a mapping"):
        parse_schema("- a\n- b\n", "x.yaml")
