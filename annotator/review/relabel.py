"""The attribute values a gold span keeps when the reviewer relabels it or clears a value.

Decisions:
- A relabelled span keeps only the values its new label defines (a CLAIM does not carry a
  THREAT's ``threat_type``); a key the new label does not define is dropped, as the editor's own
  attribute form would never offer it. The new label's defaults fill the keys it leaves unset.
- The new label's required attributes must have a value: what the caller gives (the comparison
  window asks for them in a dialog, prefilled with the defaults), else a value kept or a
  default. A relabel that would leave one unset is refused with E1220 naming each, with its
  choices, so no caller (the CLI, a script) can leave a required attribute empty in gold.
- A given value must be one the schema allows for that attribute (E1221).
- A required attribute cannot be cleared (E1222): the reviewer chooses another value instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotator.errors import Errors, UserError
from annotator.schema.model import AttributeDef, LabelSchema, SpanLabel
from annotator.store.records import SpanRecord


def _label(schema: LabelSchema, name: str) -> SpanLabel:
    label = schema.span_label(name)
    if label is None:
        known = ", ".join(spec.name for spec in schema.span_labels)
        raise UserError(Errors.E108.format(label=name, kind="span", known=known))
    return label


def describe(attribute: AttributeDef) -> str:
    """An attribute as a refusal names it: ``claim_type (one of: assertion, evaluation, …)``."""
    if attribute.values:
        return f"{attribute.name} (one of: {', '.join(attribute.values)})"
    return f"{attribute.name} ({attribute.type})"


def missing_required(schema: LabelSchema, span: SpanRecord, label: str,
                     given: Mapping[str, Any] | None = None) -> list[AttributeDef]:
    """The new label's required attributes that relabelling ``span`` would leave without a value."""
    attrs = relabelled_attrs(schema, span, label, given, check=False)
    return [attribute for attribute in _label(schema, label).attributes
            if attribute.required and _empty(attrs.get(attribute.name))]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def relabelled_attrs(schema: LabelSchema, span: SpanRecord, label: str, given: Mapping[str, Any] | None = None,
                     *, check: bool = True) -> dict[str, Any]:
    """``span``'s attribute values as they are after relabelling it ``label`` (module docstring);
    with ``check``, a required value left unset or a value the schema does not allow is refused."""
    spec = _label(schema, label)
    defined = {attribute.name: attribute for attribute in spec.attributes}
    attrs = {key: value for key, value in span.attrs.items() if key in defined}
    for key, value in spec.default_attrs().items():
        attrs.setdefault(key, value)
    for key, value in (given or {}).items():
        attribute = defined.get(key)
        if attribute is None:
            raise UserError(Errors.E1221.format(value=value, key=key, label=label,
                                                allowed=", ".join(defined) or "no attributes"))
        if check and not _allowed(attribute, value):
            raise UserError(Errors.E1221.format(value=value, key=key, label=label, allowed=describe(attribute)))
        attrs[key] = value
    if check:
        missing = [attribute for attribute in spec.attributes if attribute.required and _empty(attrs.get(attribute.name))]
        if missing:
            raise UserError(Errors.E1220.format(old=span.label, label=label,
                                                missing="; ".join(describe(attribute) for attribute in missing)))
    return attrs


def _allowed(attribute: AttributeDef, value: Any) -> bool:
    """A value of the attribute's type (and among its values, for the choices)."""
    if attribute.type == "choice":
        return value in attribute.values
    if attribute.type == "multichoice":
        return isinstance(value, list) and all(item in attribute.values for item in value)
    if attribute.type == "boolean":
        return isinstance(value, bool)
    if attribute.type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, str)


def cleared_attrs(schema: LabelSchema, span: SpanRecord, key: str) -> dict[str, Any]:
    """``span``'s attribute values without ``key``: refused for a required attribute (E1222) or a
    key the span has no value for (E1223)."""
    spec = schema.span_label(span.label)
    attribute = spec.attribute(key) if spec is not None else None
    if attribute is not None and attribute.required:
        raise UserError(Errors.E1222.format(key=key, label=span.label))
    if key not in span.attrs:
        raise UserError(Errors.E1223.format(key=key, label=span.label))
    return {name: value for name, value in span.attrs.items() if name != key}
