"""The hover text for the spans under the mouse: everything an analyst checks before clicking.

Pure Python returning Qt rich text, so the wording is tested without a widget. Spans are listed
innermost first, as ``spans_at`` orders them, one paragraph each.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from annotator.store.records import SpanRecord

MAX_QUOTE = 120


def tooltip_html(spans: Sequence[SpanRecord], text: str, owner: str | None) -> str:
    return "<hr>".join(_one(span, text, owner) for span in spans)


def _one(span: SpanRecord, text: str, owner: str | None) -> str:
    head = f"<b>{escape(span.label)}</b>"
    if span.layer == "suggestion":
        origin = ", ".join(part for part in (span.annotator, span.source) if part)
        head += f" <i>(suggestion: {escape(origin)}; Y accepts, X rejects)</i>"
    elif span.layer != "annotation" or span.annotator != owner:
        head += f" <i>({escape(span.annotator)}, {escape(span.layer)}, read-only)</i>"
    lines = [head]
    if span.actor:
        lines.append(f"Actor: {escape(span.actor)}")
    lines.extend(f"{escape(str(key))}: {escape(_value(value))}" for key, value in span.attrs.items())
    if span.note:
        lines.append(f"<i>Note:</i> {escape(span.note)}")
    quote = " … ".join(text[a:b] for a, b in span.fragments or [(span.start, span.end)])  # pieces, not gaps
    if len(quote) > MAX_QUOTE:
        quote = quote[:MAX_QUOTE - 1] + "…"
    lines.append(f"“{escape(quote)}”")
    return "<p style='white-space:pre-wrap'>" + "<br>".join(lines) + "</p>"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)
