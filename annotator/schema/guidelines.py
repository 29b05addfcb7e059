"""Annotation guidelines as Markdown, generated from the schema's descriptions.

Why generated: guidelines kept in a separate document drift away from the labels actually in use.
Writing the guidance into the schema's ``description`` fields and rendering it here means the Help
menu always shows exactly the labels, attributes, values and relations the project has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.schema.model import AttributeDef, LabelSchema


def _attribute_lines(attribute: AttributeDef) -> list[str]:
    facts = [attribute.type] + (["required"] if attribute.required else [])
    line = f"- `{attribute.name}` ({', '.join(facts)})"
    if attribute.description:
        line += f": {attribute.description}"
    lines = [line]
    if attribute.values:
        lines.append("  - Values: " + ", ".join(f"`{value}`" for value in attribute.values))
    if attribute.default is not None:
        default = attribute.default
        if isinstance(default, list):
            shown = ", ".join(default)
        else:
            shown = str(default).lower() if isinstance(default, bool) else str(default)
        lines.append(f"  - Default: `{shown}`")
    return lines


def _describe(text: str) -> list[str]:
    return [text, ""] if text else []


def guidelines_markdown(schema: LabelSchema) -> str:
    """The full guidelines: labels with attributes, relations, document labels, NER suggestions."""
    out = [f"# {schema.name}", ""] + _describe(schema.description)

    out += ["## Span labels", ""]
    for label in schema.span_labels:
        key = f" (key `{label.key}`)" if label.key else ""
        out += [f"### {label.name}{key}", ""] + _describe(label.description)
        if label.attributes:
            out += ["Attributes:", ""]
            for attribute in label.attributes:
                out += _attribute_lines(attribute)
            out.append("")

    if schema.relation_types:
        out += ["## Relations", ""]
        for relation in schema.relation_types:
            arrow = "↔" if relation.symmetric else "→"
            ends = f"{' / '.join(relation.head)} {arrow} {' / '.join(relation.tail)}"
            out += [f"### {relation.name}: {ends}", ""]
            out += _describe(relation.description)
            if relation.attributes:
                out += ["Attributes:", ""]
                for attribute in relation.attributes:
                    out += _attribute_lines(attribute)
                out.append("")

    if schema.document_labels:
        out += ["## Document labels", ""]
        groups: dict[str | None, list[str]] = {}
        for document_label in schema.document_labels:
            text = f"- **{document_label.name}**"
            text += f": {document_label.description}" if document_label.description else ""
            groups.setdefault(document_label.group, []).append(text)
        for group, lines in groups.items():
            heading = f"### {group} (choose at most one)" if group else "### Other (any number)"
            out += [heading, ""] + lines + [""]

    if schema.entity_mapping:
        out += ["## Suggestions from named entities", "",
                "Model suggestions turn these spaCy entity types into span labels; "
                "accept or reject each.", ""]
        out += [f"- `{entity}` → {label}" for entity, label in schema.entity_mapping.items()]
        out.append("")

    return "\n".join(out).rstrip() + "\n"
