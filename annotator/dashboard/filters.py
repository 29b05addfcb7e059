"""What the dashboard shows: threat types, a publication-date range, a layer and annotators.

One ``DashboardFilters`` value is shared by every chart so that the CLI, the window and the
report always describe the same selection. Which chart honours which filter:

- the publication-date range (``document.published``) narrows every chart to documents published
  in it; documents without a readable date drop out once a range is set;
- the threat types narrow THREAT spans wherever they are counted (label counts, timeline,
  threat edges of the actor network); other labels are not touched by it;
- the layer and annotators choose whose spans are counted in the label counts, the timeline and
  the network. Progress and the agreement trend always read the people's ``annotation`` layer
  (that is what progress and agreement are about); the annotator choice applies to them too.

Dates in ``document.published`` are free text from the import; the first ten characters are read
as an ISO date (``2020-11-10``, ``2020-11-10T08:00:00Z``), a bare ``2020-11`` or ``2020`` as its
first day. Anything else counts as undated rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from annotator.errors import Errors, UserError
from annotator.schema import LabelSchema

#: Layers the dashboard can count, the people's layers first (the default).
DASHBOARD_LAYERS = ("annotation", "gold", "suggestion")
TrendBy = Literal["annotated", "published"]  # group agreement by the week finished, or published
TREND_BY: tuple[TrendBy, ...] = ("annotated", "published")


@dataclass(frozen=True)
class DashboardFilters:
    """The selection every chart is drawn from; ``None`` means no restriction."""

    threat_types: frozenset[str] | None = None
    date_from: date | None = None
    date_to: date | None = None
    layer: str = "annotation"
    annotators: tuple[str, ...] | None = None

    def check(self, schema: LabelSchema) -> None:
        """Refuse a selection that can only be a mistake, before any query runs."""
        if self.layer not in DASHBOARD_LAYERS:
            raise UserError(Errors.E953.format(value=self.layer, known=", ".join(DASHBOARD_LAYERS)))
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise UserError(Errors.E951.format(start=self.date_from.isoformat(), end=self.date_to.isoformat()))
        if self.threat_types is not None:
            known = threat_types(schema)
            for value in sorted(self.threat_types):
                if value not in known:
                    raise UserError(Errors.E952.format(value=value, known=", ".join(known) or "none"))

    def in_range(self, published: date | None) -> bool:
        """Whether a document published on ``published`` is inside the date range."""
        if self.date_from is None and self.date_to is None:
            return True
        if published is None:
            return False
        return ((self.date_from is None or published >= self.date_from)
                and (self.date_to is None or published <= self.date_to))

    def keeps_threat(self, threat_type: object) -> bool:
        """Whether a THREAT span with this ``threat_type`` attribute is counted."""
        return self.threat_types is None or threat_type in self.threat_types

    def describe(self) -> list[str]:
        """The selection in words, for report headers and the CLI."""
        lines = [f"Layer: {self.layer}"]
        lines.append("Annotators: " + (", ".join(self.annotators) if self.annotators else "all"))
        lines.append("Threat types: " + (", ".join(sorted(self.threat_types)) if self.threat_types else "all"))
        if self.date_from is None and self.date_to is None:
            lines.append("Published: any date")
        else:
            start = self.date_from.isoformat() if self.date_from else "…"
            end = self.date_to.isoformat() if self.date_to else "…"
            lines.append(f"Published: {start} to {end}")
        return lines


def threat_types(schema: LabelSchema) -> list[str]:
    """The values of the THREAT label's ``threat_type`` attribute in ``schema`` (empty if none)."""
    for label in schema.span_labels:
        if label.name == "THREAT":
            for attribute in label.attributes:
                if attribute.name == "threat_type":
                    return list(attribute.values or [])
    return []


def parse_date(text: str, what: str) -> date:
    """A date the user typed (``--from``), strictly ISO, or an error naming the option."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(Errors.E950.format(value=text, what=what)) from None


def published_date(text: str | None) -> date | None:
    """The date of a ``document.published`` value, or None when it is not an ISO date."""
    if not text:
        return None
    head = text.strip()[:10]
    for candidate in (head, head[:7] + "-01", head[:4] + "-01-01"):
        try:
            parsed = date.fromisoformat(candidate)
        except ValueError:
            continue
        if candidate == head or len(head) in (4, 7):
            return parsed
    return None
