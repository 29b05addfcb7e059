"""The project's registry of canonical actors, and links from ACTOR mentions to them.

"Moscow", "the Kremlin" and "the Russian Federation" are one actor to an analyst; questions such
as "who threatens whom?" are answerable across the corpus only once mentions link to one record.
An actor has a canonical name, a type and a country, and aliases: every way it has been named.
Aliases are compared through ``normalize`` (case, curly quotes, a leading "the" and a trailing
possessive do not matter; this is the key stored in ``alias.normalized``), and across scripts
through ``annotator.name_keys.name_key`` ("Лукашенко" finds "Lukashenka"), computed when read so
that stored keys never change; aliases are learnt as analysts link spans, which is what lets the
suggestion pipeline propose the next "Kremlin" already linked.

Every method that changes something is one committed transaction, as in ``annotations``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from annotator.errors import Errors, UserError
from annotator.name_keys import has_cyrillic, name_key
from annotator.storable import parse_id
from annotator.store.database import inserted_id
from annotator.store.models import utcnow
from annotator.store.records import ActorRecord
from annotator.store.tables import ACTOR, ALIAS, DOC, LABEL, SPAN
from annotator.store.versions import bumped

if TYPE_CHECKING:
    from annotator.store.project import Project


ACTOR_LABEL = "ACTOR"  # the span label whose mentions link to registry actors
FUZZY_CUTOFF = 70.0  # rapidfuzz WRatio (0-100) below which a fuzzy match is not offered
_UNSET: Any = object()
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_EDGE_PUNCTUATION = " \"'.,;:!?()[]{}-–—"


def normalize(text: str) -> str:
    """The lookup key of a name: "the Kremlin’s" and "Kremlin" are the same alias."""
    value = " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold().split())
    value = value.strip(_EDGE_PUNCTUATION)
    if value.endswith("'s"):
        value = value[:-2]
    value = value.removeprefix("the ").strip(_EDGE_PUNCTUATION)
    return value


@dataclass(frozen=True, slots=True)
class ActorCandidate:
    """An actor offered while the analyst types: how it matched and how well (0-100)."""

    actor: ActorRecord
    matched: str  # the alias (or name) that matched
    how: str  # "exact", "script" (the same name in the other script), "prefix" or "fuzzy"
    score: float


@dataclass(frozen=True, slots=True)
class SpanLink:
    """What ``link_span`` changed, so that ``undo_link`` can put it back."""

    span_id: int
    actor_id: int | None
    previous_actor_id: int | None
    alias_added: str | None


class Actors:
    """Read and edit the actor registry of a project."""

    def __init__(self, project: Project) -> None:
        self._project = project

    # --- reading -------------------------------------------------------------------------

    def all(self) -> list[ActorRecord]:
        """Every actor, by name, with its aliases and number of linked spans."""
        with self._project.reading() as connection:
            return self._records(connection, None)

    def get(self, actor_id: int) -> ActorRecord:
        with self._project.reading() as connection:
            return self._get(connection, actor_id)

    def find(self, name: str) -> ActorRecord | None:
        """The actor whose canonical name is ``name`` (compared as normalised), or None."""
        key = normalize(name)
        with self._project.reading() as connection:
            for actor_id, actor_name in connection.execute(sa.select(ACTOR.c.id, ACTOR.c.name)):
                if normalize(actor_name) == key:
                    return self._get(connection, actor_id)
        return None

    def resolve(self, reference: str | int) -> ActorRecord:
        """An actor from what a user typed: its id or its canonical name."""
        text = str(reference).strip()
        number = parse_id(text)
        if number is not None:
            with self._project.reading() as connection:
                if connection.execute(sa.select(ACTOR.c.id).where(ACTOR.c.id == number)).first():
                    return self._get(connection, number)
        found = self.find(text)
        if found is None:
            raise UserError(Errors.E703.format(actor=text, location=self._project.location))
        return found

    def candidates(self, query: str, limit: int = 10) -> list[ActorCandidate]:
        """Actors for a link dialog: exact alias matches, then the same name in the other script
        ("Лукашенко" for the alias "Lukashenka": their ``name_key`` is equal), then prefix matches,
        then fuzzy ones.

        Fuzzy matching is rapidfuzz's WRatio on normalised aliases, which forgives typos
        ("Zaharova") and partial names ("Zakharova" for "Maria Zakharova").
        """
        key = normalize(query)
        if not key:
            return []
        with self._project.reading() as connection:
            rows = connection.execute(sa.select(ALIAS.c.actor_id, ALIAS.c.alias, ALIAS.c.normalized)).all()
        best: dict[int, tuple[int, float, str]] = {}  # actor id -> (rank, -score, alias)

        def offer(actor_id: int, rank: int, score: float, alias: str) -> None:
            entry = (rank, -score, alias)
            if actor_id not in best or entry < best[actor_id]:
                best[actor_id] = entry

        folded, cyrillic = name_key(key), has_cyrillic(key)
        for actor_id, alias, normalized in rows:
            if normalized == key:
                offer(actor_id, 0, 100.0, alias)
            elif has_cyrillic(normalized) != cyrillic and folded and name_key(normalized) == folded:
                offer(actor_id, 1, 100.0, alias)
            elif normalized.startswith(key) or any(word.startswith(key) for word in normalized.split()):
                offer(actor_id, 2, 100.0 * len(key) / len(normalized), alias)
        if rows:
            from rapidfuzz import fuzz, process

            for _choice, score, index in process.extract(
                key, [row.normalized for row in rows], scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF, limit=None
            ):
                offer(rows[index].actor_id, 3, float(score), rows[index].alias)
        chosen = sorted(best.items(), key=lambda item: item[1])[:limit]
        with self._project.reading() as connection:
            records = {r.id: r for r in self._records(connection, [actor_id for actor_id, _ in chosen])}
        hows = ("exact", "script", "prefix", "fuzzy")
        return [
            ActorCandidate(records[actor_id], alias, hows[rank], -negative_score)
            for actor_id, (rank, negative_score, alias) in chosen
        ]

    # --- editing the registry --------------------------------------------------------------

    def create(self, name: str, *, type: str | None = None, country: str | None = None,  # noqa: A002
               aliases: Iterable[str] = ()) -> ActorRecord:
        """A new actor; its name is also its first alias."""
        with self._project.transaction() as connection:
            actor_id = self._create(connection, name, type, country)
            for alias in aliases:
                self._add_alias(connection, actor_id, alias)
            return self._get(connection, actor_id)

    def create_from_span(self, span_id: int, *, name: str | None = None, type: str | None = None,  # noqa: A002
                         country: str | None = None) -> tuple[ActorRecord, SpanLink]:
        """A new actor named after an ACTOR span (by default its text), linked to it at once.

        Type and country default to the span's ``actor_type`` and ``country`` attributes.
        """
        with self._project.transaction() as connection:
            span, text = self._actor_span(connection, span_id)
            attrs = dict(span.attrs or {})
            actor_id = self._create(connection, name or text, type or attrs.get("actor_type") or None,
                                    country or attrs.get("country") or None)
            link = self._link(connection, span_id, actor_id, learn_alias=True)
            return self._get(connection, actor_id), link

    def rename(self, actor_id: int, name: str) -> ActorRecord:
        """Give an actor a new canonical name; the old one stays as an alias."""
        with self._project.transaction() as connection:
            self._get(connection, actor_id)
            clean = self._check_name(connection, name, exclude=actor_id)
            self._note_change(connection, [actor_id], mentions_of=[actor_id])
            connection.execute(ACTOR.update().where(ACTOR.c.id == actor_id).values(name=clean, updated_at=utcnow()))
            self._add_alias(connection, actor_id, clean)
            return self._get(connection, actor_id)

    def update(self, actor_id: int, *, type: str | None = _UNSET,  # noqa: A002
               country: str | None = _UNSET) -> ActorRecord:
        """Change an actor's type and/or country (None clears one)."""
        values: dict[str, Any] = {}
        if type is not _UNSET:
            values["type"] = self._check_type(type)
        if country is not _UNSET:
            values["country"] = (country or "").strip() or None
        with self._project.transaction() as connection:
            self._get(connection, actor_id)
            if values:
                self._note_change(connection, [actor_id], mentions_of=[actor_id])
                connection.execute(ACTOR.update().where(ACTOR.c.id == actor_id).values(**values, updated_at=utcnow()))
            return self._get(connection, actor_id)

    def delete(self, actor_id: int) -> ActorRecord:
        """Remove an actor and its aliases; its mentions stay, unlinked."""
        with self._project.transaction() as connection:
            record = self._get(connection, actor_id)
            self._note_change(connection, [actor_id], mentions_of=[actor_id])
            connection.execute(SPAN.update().where(SPAN.c.actor_id == actor_id)
                               .values(actor_id=None, **bumped(SPAN)))
            connection.execute(ACTOR.delete().where(ACTOR.c.id == actor_id))
        return record

    def add_alias(self, actor_id: int, alias: str) -> bool:
        """Add a way of naming the actor; False if it already had it."""
        with self._project.transaction() as connection:
            self._get(connection, actor_id)
            return self._add_alias(connection, actor_id, alias)

    def remove_alias(self, actor_id: int, alias: str) -> bool:
        """Forget an alias (so it no longer feeds suggestions); False if the actor had none such."""
        with self._project.transaction() as connection:
            self._project.note_change(actors=[actor_id])
            removed = connection.execute(
                ALIAS.delete().where(ALIAS.c.actor_id == actor_id, ALIAS.c.normalized == normalize(alias))
            )
            return removed.rowcount > 0

    def merge(self, survivor_id: int, absorbed_id: int) -> ActorRecord:
        """Fold ``absorbed`` into ``survivor``: its spans and aliases (and its name, as an alias)
        move over, missing type and country are taken from it, and it is deleted."""
        if survivor_id == absorbed_id:
            raise UserError(Errors.E705)
        with self._project.transaction() as connection:
            survivor = self._get(connection, survivor_id)
            absorbed = self._get(connection, absorbed_id)
            self._note_change(connection, [survivor_id, absorbed_id], mentions_of=[absorbed_id])
            connection.execute(SPAN.update().where(SPAN.c.actor_id == absorbed_id)
                               .values(actor_id=survivor_id, **bumped(SPAN)))
            for alias in (absorbed.name, *absorbed.aliases):
                self._add_alias(connection, survivor_id, alias)
            connection.execute(ACTOR.delete().where(ACTOR.c.id == absorbed_id))
            connection.execute(ACTOR.update().where(ACTOR.c.id == survivor_id).values(
                type=survivor.type or absorbed.type, country=survivor.country or absorbed.country,
                updated_at=utcnow()))
            return self._get(connection, survivor_id)

    # --- linking spans ---------------------------------------------------------------------

    def link_span(self, span_id: int, actor_id: int | None, *, learn_alias: bool = True) -> SpanLink:
        """Link an ACTOR span to an actor (None unlinks it). With ``learn_alias`` the span's text
        becomes an alias of the actor, so that the next mention is suggested already linked."""
        with self._project.transaction() as connection:
            if actor_id is not None:
                self._get(connection, actor_id)
            return self._link(connection, span_id, actor_id, learn_alias=learn_alias)

    def undo_link(self, link: SpanLink) -> None:
        """Put back the span's previous actor and forget an alias the link taught."""
        with self._project.transaction() as connection:
            self._note_change(connection, [a for a in (link.actor_id, link.previous_actor_id) if a is not None],
                              span_ids=[link.span_id])
            connection.execute(SPAN.update().where(SPAN.c.id == link.span_id)
                               .values(actor_id=link.previous_actor_id, updated_at=utcnow(), **bumped(SPAN)))
            if link.alias_added is not None and link.actor_id is not None:
                connection.execute(ALIAS.delete().where(
                    ALIAS.c.actor_id == link.actor_id, ALIAS.c.normalized == normalize(link.alias_added)))

    # --- internals ---------------------------------------------------------------------------

    def _records(self, connection: Connection, actor_ids: list[int] | None) -> list[ActorRecord]:
        actors = sa.select(ACTOR.c.id, ACTOR.c.name, ACTOR.c.type, ACTOR.c.country).order_by(ACTOR.c.name)
        aliases = sa.select(ALIAS.c.actor_id, ALIAS.c.alias).order_by(ALIAS.c.id)
        counts = (sa.select(SPAN.c.actor_id, sa.func.count())
                  .where(SPAN.c.actor_id.is_not(None), SPAN.c.layer != "suggestion")
                  .group_by(SPAN.c.actor_id))
        if actor_ids is not None:
            actors = actors.where(ACTOR.c.id.in_(actor_ids))
            aliases = aliases.where(ALIAS.c.actor_id.in_(actor_ids))
            counts = counts.where(SPAN.c.actor_id.in_(actor_ids))
        by_actor: dict[int, list[str]] = {}
        for actor_id, alias in connection.execute(aliases):
            by_actor.setdefault(actor_id, []).append(alias)
        mentions: dict[int, int] = {actor_id: count for actor_id, count in connection.execute(counts)}
        return [
            ActorRecord(id=row.id, name=row.name, type=row.type, country=row.country,
                        aliases=tuple(by_actor.get(row.id, ())), mentions=mentions.get(row.id, 0))
            for row in connection.execute(actors)
        ]

    def _get(self, connection: Connection, actor_id: int) -> ActorRecord:
        found = self._records(connection, [actor_id])
        if not found:
            raise UserError(Errors.E703.format(actor=actor_id, location=self._project.location))
        return found[0]

    def _check_name(self, connection: Connection, name: str, *, exclude: int | None = None) -> str:
        clean = " ".join(name.split())
        if not normalize(clean):
            raise UserError(Errors.E701)
        key = normalize(clean)
        for other_id, other_name in connection.execute(sa.select(ACTOR.c.id, ACTOR.c.name)):
            if other_id != exclude and normalize(other_name) == key:
                raise UserError(Errors.E702.format(name=other_name, actor_id=other_id))
        return clean

    def _check_type(self, value: str | None) -> str | None:
        """An actor type must be one of the schema's ``actor_type`` values, when it has them."""
        value = (value or "").strip() or None
        label = self._project.schema.span_label(ACTOR_LABEL)
        attribute = label.attribute("actor_type") if label is not None else None
        if value is not None and attribute is not None and attribute.values and value not in attribute.values:
            raise UserError(Errors.E704.format(value=value, known=", ".join(attribute.values)))
        return value

    def _create(self, connection: Connection, name: str, type_: str | None, country: str | None) -> int:
        clean = self._check_name(connection, name)
        now = utcnow()
        actor_id: int = inserted_id(connection.execute(ACTOR.insert().values(
            name=clean, type=self._check_type(type_), country=(country or "").strip() or None,
            created_at=now, updated_at=now,
        )))
        self._add_alias(connection, actor_id, clean)
        return actor_id

    def _note_change(self, connection: Connection, actor_ids: Iterable[int], *,
                     mentions_of: Iterable[int] = (), span_ids: Iterable[int] = ()) -> None:
        """Record the actors changed, and the mentions (spans, with their documents) of
        ``mentions_of`` actors or named by id, for the change log; before the write that moves them."""
        mentions = list(mentions_of)
        spans = list(span_ids)
        where = [SPAN.c.actor_id.in_(mentions)] if mentions else []
        if spans:
            where.append(SPAN.c.id.in_(spans))
        touched = connection.execute(sa.select(SPAN.c.id, SPAN.c.document_id).where(sa.or_(*where))).all() if where else []
        self._project.note_change(actors=actor_ids, spans=[row.id for row in touched],
                                  documents=[row.document_id for row in touched])

    def _add_alias(self, connection: Connection, actor_id: int, alias: str) -> bool:
        text = " ".join(alias.split())
        key = normalize(text)
        if not key:
            raise UserError(Errors.E707.format(alias=alias))
        exists = connection.execute(
            sa.select(ALIAS.c.id).where(ALIAS.c.actor_id == actor_id, ALIAS.c.normalized == key)
        ).first()
        if exists is not None:
            return False
        connection.execute(ALIAS.insert().values(actor_id=actor_id, alias=text, normalized=key, created_at=utcnow()))
        self._project.note_change(actors=[actor_id])
        return True

    def _actor_span(self, connection: Connection, span_id: int) -> tuple[Any, str]:
        """The span row (with its label name) and its text; refuses spans that are not ACTORs."""
        row = connection.execute(
            sa.select(SPAN.c.id, SPAN.c.actor_id, SPAN.c.attrs, LABEL.c.name.label("label"),
                      sa.func.substr(DOC.c.text, SPAN.c.start_offset + 1,
                                     SPAN.c.end_offset - SPAN.c.start_offset).label("text"))
            .join(LABEL, LABEL.c.id == SPAN.c.label_id).join(DOC, DOC.c.id == SPAN.c.document_id)
            .where(SPAN.c.id == span_id)
        ).one_or_none()
        if row is None:
            raise UserError(Errors.E107.format(what="span", item_id=span_id))
        if row.label != ACTOR_LABEL:
            raise UserError(Errors.E706.format(label=ACTOR_LABEL, found=row.label))
        return row, row.text

    def _link(self, connection: Connection, span_id: int, actor_id: int | None, *, learn_alias: bool) -> SpanLink:
        span, text = self._actor_span(connection, span_id)
        self._note_change(connection, [a for a in (actor_id, span.actor_id) if a is not None], span_ids=[span_id])
        connection.execute(SPAN.update().where(SPAN.c.id == span_id).values(actor_id=actor_id, updated_at=utcnow(),
                                                                               **bumped(SPAN)))
        alias_added = None
        if actor_id is not None and learn_alias and normalize(text) and self._add_alias(connection, actor_id, text):
            alias_added = " ".join(text.split())
        return SpanLink(span_id=span_id, actor_id=actor_id, previous_actor_id=span.actor_id, alias_added=alias_added)
