"""The label schema as typed, validated, immutable pydantic models.

Why pydantic: the schema is user-written YAML, so every field needs checking, and
``extra="forbid"`` turns a typo such as ``colour:`` into an error instead of a silently ignored
key. Why the ``SchemaValueError``/``Problem`` pair: a validator can only raise one exception, but a
cross-field check (say, two labels sharing a shortcut key) should point at the exact entry that is
wrong and may find several things at once. Each ``Problem`` carries its catalogue code, its
location relative to the model that found it and the values for the message, so the loader can
turn it into ``file, line N, field: ...`` and code that builds a schema in Python still gets a
readable ``ValueError``.

Nothing here knows about YAML or files; see ``loader.py`` for that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from annotator.errors import Errors

Loc = tuple[str | int, ...]
AttributeType = Literal["choice", "multichoice", "boolean", "text", "number"]

YAML_BOOLEAN_HINT = "YAML reads unquoted yes/no/on/off as true/false; quote it if you meant text"
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_COLOUR_RE = re.compile(r"#[0-9a-fA-F]{6}")


# --- problems --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a schema: a catalogue code, where (relative loc) and message values."""

    code: str
    loc: Loc = ()
    details: dict[str, Any] = field(default_factory=dict)

    def message(self, where: str) -> str:
        """The catalogue message, with ``where`` (file, line and field) filled in."""
        return str(getattr(Errors, self.code)).format(where=where, **self.details)


class SchemaValueError(ValueError):
    """Raised inside validators; carries one or more ``Problem``s for the loader to place."""

    def __init__(self, *problems: Problem) -> None:
        self.problems = problems
        super().__init__("\n".join(p.message(field_path(p.loc) or "schema") for p in problems))


def field_path(loc: Loc) -> str:
    """Render a loc as users read it: ``("span_labels", 2, "color")`` -> ``span_labels[2].color``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


# --- reusable field types --------------------------------------------------------------------


def _check_name(value: str) -> str:
    if not _NAME_RE.fullmatch(value):
        raise SchemaValueError(Problem("E204", (), {"value": value}))
    return value


def _check_colour(value: str) -> str:
    if not _COLOUR_RE.fullmatch(value):
        raise SchemaValueError(Problem("E203", (), {"value": value}))
    return value.lower()


def _check_key(value: str) -> str:
    if len(value) != 1 or not value.isprintable() or value.isspace():
        raise SchemaValueError(Problem("E209", (), {"value": value}))
    return value


def _check_not_empty(value: str) -> str:
    if not value:
        raise SchemaValueError(Problem("E219", (), {"hint": "write some text here"}))
    return value


def _none_as(empty: Any) -> BeforeValidator:
    """An empty YAML value (``description:`` with nothing after it) means "none", not an error."""
    return BeforeValidator(lambda value: empty() if value is None else value)


Name = Annotated[str, AfterValidator(_check_name)]
Colour = Annotated[str, AfterValidator(_check_colour)]
Key = Annotated[str, AfterValidator(_check_key)]
Text = Annotated[str, AfterValidator(_check_not_empty)]
Description = Annotated[str, _none_as(str)]


def _duplicates(keys: list[str]) -> list[tuple[int, int]]:
    """(index, index of first occurrence) for every repeated key."""
    first: dict[str, int] = {}
    found = []
    for index, key in enumerate(keys):
        if key in first:
            found.append((index, first[key]))
        else:
            first[key] = index
    return found


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise SchemaValueError(*problems)


class _Model(BaseModel):
    """Common config: reject unknown fields, immutable, accept ``key: 1`` as the text "1"."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, str_strip_whitespace=True
    )


# --- the models ------------------------------------------------------------------------------


Default = str | bool | float | list[str] | None
_DEFAULT_HINTS = {
    "boolean": "write true or false",
    "number": "write a number, e.g. 0.5",
    "text": "write some text, in quotes if it looks like a number or yes/no",
    "choice": "write one of the values: {values}",
    "multichoice": "write a list of the values, e.g. [a, b]",
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _normalise_default(value: Any, kind: str, values: list[str] | None) -> Default:
    """The default as the attribute's type stores it, or a SchemaValueError saying what to write.

    YAML turns ``default: 1`` into a number and ``default: no`` into False, so text and choice
    defaults accept numbers (as text) and the error for a boolean explains the quoting.
    """
    allowed = values or []
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "number" and _is_number(value):
        return float(value)
    if kind in ("text", "choice") and (isinstance(value, str) or _is_number(value)):
        texts = [str(value).strip()]
    elif kind == "multichoice" and isinstance(value, str | list):
        items = [value] if isinstance(value, str) else value
        texts = [str(item).strip() for item in items if isinstance(item, str) or _is_number(item)]
        texts = texts if len(texts) == len(items) else []
    else:
        texts = []
    for text in texts:
        if allowed and text not in allowed:
            raise SchemaValueError(Problem("E215", (), {"value": text, "values": ", ".join(allowed)}))
    if texts:
        return texts if kind == "multichoice" else texts[0]
    if kind == "multichoice" and value == []:
        return []
    shown = f"{str(value).lower()} ({YAML_BOOLEAN_HINT})" if isinstance(value, bool) else repr(value)
    hint = _DEFAULT_HINTS[kind].format(values=", ".join(allowed))
    raise SchemaValueError(Problem("E216", (), {"value": shown, "type": kind, "hint": hint}))



class AttributeDef(_Model):
    """A property an analyst fills in on a span or relation, e.g. a THREAT's ``modality``."""

    name: Name
    type: AttributeType
    values: Annotated[list[Text], _none_as(list)] = []
    default: Default = None
    description: Description = ""
    required: bool = False

    @field_validator("values")
    @classmethod
    def _unique_values(cls, values: list[str]) -> list[str]:
        _raise([
            Problem("E210", (i,), {"kind": "value", "value": values[i], "other": f"values[{other}]"})
            for i, other in _duplicates(values)
        ])
        return values

    @field_validator("default", mode="plain")
    @classmethod
    def _check_default(cls, value: Any, info: ValidationInfo) -> Default:
        """Check the default against ``type`` and ``values``, validated before it (so in info.data)."""
        kind = info.data.get("type")
        if value is None or kind is None:  # an invalid type is reported on its own
            return None
        return _normalise_default(value, kind, info.data.get("values"))

    @model_validator(mode="after")
    def _values_fit_type(self) -> AttributeDef:
        if self.type in ("choice", "multichoice") and not self.values:
            raise SchemaValueError(Problem("E213", ("values",), {"type": self.type}))
        if self.type not in ("choice", "multichoice") and self.values:
            raise SchemaValueError(Problem("E214", ("values",), {"type": self.type}))
        return self


Attributes = Annotated[list[AttributeDef], _none_as(list)]


class _HasAttributes:
    """Mixin: look an attribute up by name (span labels and relation types both carry them)."""

    def attribute(self, name: str) -> AttributeDef | None:
        """The attribute called ``name``, or None."""
        attributes: list[AttributeDef] = self.attributes  # type: ignore[attr-defined]
        return next((a for a in attributes if a.name == name), None)

    def default_attrs(self) -> dict[str, Any]:
        """The values a new item starts with: each attribute's default, where the schema gives one
        (lists copied, so the item never shares one with the schema)."""
        attributes: list[AttributeDef] = self.attributes  # type: ignore[attr-defined]
        return {a.name: list(a.default) if isinstance(a.default, list) else a.default
                for a in attributes if a.default is not None}


class SpanLabel(_HasAttributes, _Model):
    """A label for a stretch of text (ACTOR, CLAIM, ...), with its colour and shortcut key."""

    name: Name
    color: Colour
    key: Key | None = None
    description: Description = ""
    attributes: Attributes = []


def _as_list(value: Any) -> Any:
    """``head: ACTOR`` is accepted as shorthand for ``head: [ACTOR]``."""
    return [value] if isinstance(value, str) else value


LabelNames = Annotated[list[Name], BeforeValidator(_as_list)]


class RelationType(_HasAttributes, _Model):
    """A directed link between two spans, e.g. ACTOR --speaker_of--> CLAIM."""

    name: Name
    head: LabelNames
    tail: LabelNames
    description: Description = ""
    color: Colour = "#555555"
    symmetric: bool = False
    attributes: Attributes = []

    @model_validator(mode="after")
    def _ends_not_empty(self) -> RelationType:
        _raise([
            Problem("E219", (end,), {"hint": "name at least one span label, e.g. [ACTOR]"})
            for end in ("head", "tail") if not getattr(self, end)
        ])
        return self


class DocumentLabel(_Model):
    """A label for a whole document; labels sharing a ``group`` exclude each other."""

    name: Name
    description: Description = ""
    group: Name | None = None


class LabelSchema(_Model):
    """Everything an annotation project may use: labels, relations, document labels, NER mapping."""

    name: Text
    description: Description = ""
    span_labels: list[SpanLabel]
    relation_types: Annotated[list[RelationType], _none_as(list)] = []
    document_labels: Annotated[list[DocumentLabel], _none_as(list)] = []
    entity_mapping: Annotated[dict[Text, Name], _none_as(dict)] = {}

    @field_validator("span_labels")
    @classmethod
    def _not_empty(cls, labels: list[SpanLabel]) -> list[SpanLabel]:
        if not labels:
            raise SchemaValueError(Problem("E219", (), {"hint": "define at least one span label"}))
        return labels

    @model_validator(mode="after")
    def _consistent(self) -> LabelSchema:
        _raise(consistency_problems(self.model_dump()))
        return self

    # --- look-ups ------------------------------------------------------------------------

    def span_label(self, name: str) -> SpanLabel | None:
        """The span label called ``name``, or None."""
        return next((label for label in self.span_labels if label.name == name), None)

    def relation_type(self, name: str) -> RelationType | None:
        """The relation type called ``name``, or None."""
        return next((relation for relation in self.relation_types if relation.name == name), None)

    def relation_types_for(self, head_label: str, tail_label: str) -> list[RelationType]:
        """Relation types allowed from a ``head_label`` span to a ``tail_label`` span, in schema order.

        A symmetric relation also fits when the two labels are the other way round.
        """
        return [
            relation for relation in self.relation_types
            if (head_label in relation.head and tail_label in relation.tail)
            or (relation.symmetric and tail_label in relation.head and head_label in relation.tail)
        ]

    def span_label_for_key(self, key: str) -> SpanLabel | None:
        """The span label whose shortcut is ``key``; case-insensitive, as keys are unique that way."""
        wanted = key.casefold()
        return next((label for label in self.span_labels if label.key and label.key.casefold() == wanted), None)

    # --- output --------------------------------------------------------------------------

    def guidelines_markdown(self) -> str:
        """Annotation guidelines for the Help menu, built from the schema's own descriptions."""
        from annotator.schema.guidelines import guidelines_markdown

        return guidelines_markdown(self)

    def to_yaml(self) -> str:
        """The schema as YAML that ``parse_schema`` reads back into an equal schema."""
        from annotator.schema.loader import dump_schema

        return dump_schema(self)


# --- checks across entries -------------------------------------------------------------------


def _entries(data: Any, field_name: str) -> list[tuple[int, dict[str, Any]]]:
    """(index, entry) for the mapping entries of list ``field_name``; anything else is skipped."""
    items = data.get(field_name) if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _text(value: Any) -> str | None:
    return str(value).strip() if isinstance(value, str) or _is_number(value) else None


def _duplicate_names(entries: list[tuple[int, dict[str, Any]]], kind: str, base: Loc) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for index, entry in entries:
        name = _text(entry.get("name"))
        if name is None:
            continue
        if name in first:
            other = field_path(base + (first[name],))
            details = {"kind": kind, "value": name, "other": other}
            problems.append(Problem("E210", base + (index, "name"), details))
        else:
            first[name] = index
    return problems


def consistency_problems(data: Any) -> list[Problem]:
    """Problems between entries: repeated names and keys, references to unknown span labels.

    Works on plain data (locs from the schema root) rather than on the models so that the loader
    can run it even when some entries are invalid, and report these problems in the same pass.
    """
    labels = _entries(data, "span_labels")
    relations = _entries(data, "relation_types")
    problems = _duplicate_names(labels, "span label", ("span_labels",))
    problems += _duplicate_names(relations, "relation type", ("relation_types",))
    problems += _duplicate_names(_entries(data, "document_labels"), "document label", ("document_labels",))
    for field_name, entries in (("span_labels", labels), ("relation_types", relations)):
        for index, entry in entries:
            attributes = _entries(entry, "attributes")
            problems += _duplicate_names(attributes, "attribute", (field_name, index, "attributes"))

    owners: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, entry in labels:
        key = _text(entry.get("key"))
        if not key:
            continue
        if key.casefold() in owners:
            other_index, other = owners[key.casefold()]
            owner = _text(other.get("name")) or f"span_labels[{other_index}]"
            problems.append(Problem("E211", ("span_labels", index, "key"), {"value": key, "other": owner}))
        else:
            owners[key.casefold()] = (index, entry)

    known = list(dict.fromkeys(name for _, entry in labels if (name := _text(entry.get("name")))))
    if known:  # with no usable span labels at all, that is the problem to report
        shown = ", ".join(known)
        for index, entry in relations:
            for end in ("head", "tail"):
                names = entry.get(end)
                names = [names] if isinstance(names, str) else names if isinstance(names, list) else []
                problems += [
                    Problem("E212", ("relation_types", index, end, position), {"value": name, "known": shown})
                    for position, name in enumerate(names)
                    if isinstance(name, str) and name.strip() not in known
                ]
        mapping = data.get("entity_mapping") if isinstance(data, dict) else None
        if isinstance(mapping, dict):
            problems += [
                Problem("E212", ("entity_mapping", str(entity)), {"value": label, "known": shown})
                for entity, label in mapping.items() if isinstance(label, str) and label.strip() not in known
            ]
    return problems
