"""Search filters as the user gives them, checked against the project and turned into SQL.

Two kinds, and the difference decides what a hit is (see ``annotator.search.run``):
- span filters (label, attribute values, annotator, layer, canonical actor) select spans: with
  any of them, the results are spans;
- document filters (published date range, status, language) only narrow the documents searched.

Several values of one filter are alternatives (``--label THREAT --label CLAIM``: either label);
different filters must all hold, and so must several attribute values. A status is the one the
filtered annotators gave the document (anyone's when no annotator is chosen); ``todo`` also
matches documents nobody has started, as the document list shows them. A language filter can also
be typed into the query as ``lang:ru`` (``query_languages`` takes it out before the words are read).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from annotator.errors import Errors, UserError
from annotator.storable import parse_id
from annotator.store.models import LAYERS, STATUSES
from annotator.store.tables import ACTOR, ANNOTATOR, DOC, LABEL, SPAN, STATUS


@dataclass(frozen=True)
class SearchFilters:
    """What to search besides the words; empty tuples and None mean "any"."""

    labels: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()  # (key, value): the span's attribute has this value
    annotators: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # canonical actor names (or ids) from the registry
    published_from: str | None = None  # ISO date, inclusive
    published_to: str | None = None  # ISO date, inclusive (the whole day, month or year)
    statuses: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639-1 codes of ``document.language``

    @property
    def selects_spans(self) -> bool:
        """True when the results are spans rather than places in the text."""
        return bool(self.labels or self.attrs or self.annotators or self.layers or self.actors)


def parse_attr(text: str) -> tuple[str, str]:
    """``key=value`` from the command line or the filter box."""
    key, equals, value = text.partition("=")
    if not equals or not key.strip() or not value.strip():
        raise UserError(Errors.E161.format(value=text))
    return key.strip(), value.strip()


_LANGUAGE_TERM = re.compile(r"(?<!\S)lang:(\S*)")


def query_languages(query: str, filters: SearchFilters) -> tuple[str, SearchFilters]:
    """``lang:CODE`` terms of a query (the search box's way to filter by language) moved into
    ``filters.languages``; the rest of the query is returned to be read as words."""
    codes = _LANGUAGE_TERM.findall(query)
    if not codes:
        return query, filters
    rest = _LANGUAGE_TERM.sub(" ", query).strip()
    return rest, dataclasses.replace(filters, languages=(*filters.languages, *codes))


def date_bound(option: str, value: str, *, upper: bool) -> str:
    """The ISO string a ``published`` value is compared with: the first day of the given period,
    or (``upper``) the first day after it, so ``--to 2024-03`` takes in all of March."""
    parts = value.strip().split("-")
    try:
        numbers = [int(part) for part in parts]
        if not 1 <= len(numbers) <= 3 or len(parts[0]) != 4:
            raise ValueError(value)
        year, month, day = (numbers + [1, 1])[:3]
        first = date(year, month, day)
    except ValueError:
        raise UserError(Errors.E166.format(option=option, value=value)) from None
    if not upper:
        return (f"{year:04d}", f"{year:04d}-{month:02d}", first.isoformat())[len(numbers) - 1]
    if len(numbers) == 1:
        return str(year + 1)
    if len(numbers) == 2:
        return f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"
    return date.fromordinal(first.toordinal() + 1).isoformat()


class ResolvedFilters:
    """The filters with names turned into ids (unknown names refused), ready for queries."""

    def __init__(self, connection: Connection, filters: SearchFilters, location: str) -> None:
        self.filters = filters
        self.label_ids = _ids(connection, LABEL, filters.labels, Errors.E162, "label",
                              LABEL.c.kind == "span")
        self.annotator_ids = _ids(connection, ANNOTATOR, filters.annotators, Errors.E163, "annotator")
        for layer in filters.layers:
            if layer not in LAYERS:
                raise UserError(Errors.E164.format(layer=layer, allowed=", ".join(LAYERS)))
        for status in filters.statuses:
            if status not in STATUSES:
                raise UserError(Errors.E165.format(status=status, allowed=", ".join(STATUSES)))
        self.actor_ids = [_actor_id(connection, name, location) for name in filters.actors]
        self.languages = _checked_languages(filters.languages)
        self.published_from = (date_bound("--from", filters.published_from, upper=False)
                               if filters.published_from else None)
        self.published_to = (date_bound("--to", filters.published_to, upper=True)
                             if filters.published_to else None)

    def document_conditions(self) -> list[ColumnElement[bool]]:
        """Conditions on ``document`` rows: the date range, the status and the language."""
        conditions: list[ColumnElement[bool]] = []
        if self.languages:
            conditions.append(DOC.c.language.in_(self.languages))
        if self.published_from is not None:
            conditions.append(DOC.c.published >= self.published_from)
        if self.published_to is not None:
            conditions.append(DOC.c.published < self.published_to)
        statuses = self.filters.statuses
        if statuses:
            whose = [STATUS.c.document_id == DOC.c.id]
            if self.annotator_ids:
                whose.append(STATUS.c.annotator_id.in_(self.annotator_ids))
            given: ColumnElement[bool] = sa.exists().where(*whose, STATUS.c.status.in_(statuses))
            if "todo" in statuses:
                started = sa.exists().where(*whose, STATUS.c.status != "todo")
                given = sa.or_(given, ~started)
            conditions.append(given)
        return conditions

    def span_conditions(self) -> list[ColumnElement[bool]]:
        """Conditions on ``span`` rows (attribute values are checked in Python: see ``attrs_match``)."""
        conditions: list[ColumnElement[bool]] = []
        if self.label_ids:
            conditions.append(SPAN.c.label_id.in_(self.label_ids))
        if self.annotator_ids:
            conditions.append(SPAN.c.annotator_id.in_(self.annotator_ids))
        if self.filters.layers:
            conditions.append(SPAN.c.layer.in_(self.filters.layers))
        if self.actor_ids:
            conditions.append(SPAN.c.actor_id.in_(self.actor_ids))
        return conditions

    def attrs_match(self, attrs: dict[str, Any] | None) -> bool:
        """Every wanted attribute value is among the span's (a multichoice list holds several).

        Compared as text, ignoring case, so ``true`` finds a yes/no attribute that is set and
        ``Nuclear`` finds ``nuclear``. Done here rather than in SQL because SQLite and
        PostgreSQL look into JSON differently and lists need "contains", not "equals".
        """
        for key, wanted in self.filters.attrs:
            value = (attrs or {}).get(key)
            values = value if isinstance(value, list) else [value]
            if not any(_attr_text(item) == wanted.casefold() for item in values if item is not None):
                return False
        return True


def _checked_languages(codes: tuple[str, ...]) -> list[str]:
    """The codes as stored (lower case), each a language code (E1320), in the order given."""
    from annotator.corpus.language import checked_language

    return list(dict.fromkeys(checked_language(code) for code in codes))


def _attr_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).casefold()


def _ids(connection: Connection, table: sa.Table, names: tuple[str, ...], message: str, what: str,
         *where: ColumnElement[bool]) -> list[int]:
    if not names:
        return []
    known = dict(connection.execute(sa.select(table.c.name, table.c.id).where(*where)).all())
    for name in names:
        if name not in known:
            raise UserError(message.format(**{what: name, "known": ", ".join(sorted(known)) or "(none yet)"}))
    return [known[name] for name in names]


def _actor_id(connection: Connection, reference: str, location: str) -> int:
    """An actor by id or canonical name, compared as the registry compares names."""
    from annotator.store.actors import normalize

    text = reference.strip()
    number = parse_id(text)
    rows = connection.execute(sa.select(ACTOR.c.id, ACTOR.c.name)).all()
    for actor_id, name in rows:
        if (number is not None and actor_id == number) or normalize(name) == normalize(text):
            return actor_id
    raise UserError(Errors.E703.format(actor=text, location=location))
