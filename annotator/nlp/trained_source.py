"""The chosen trained model version as a suggestion source (``model:v3``), with scores.

Scores, and why they are real probabilities:
- spancat's spans carry the classifier's score (``doc.spans["sc"].attrs["scores"]``); its own
  threshold is lowered to the lowest of the version's spancat thresholds so that every span any
  label's threshold lets through is seen, then each label's threshold filters.
- ``ner`` is trained greedily (fast) but decoded here with a beam (``BEAM_WIDTH`` parses kept):
  ``EntityRecognizer.scored_ents`` sums the probabilities of the parses that contain an entity,
  its marginal probability, as spaCy documents for confidence of entities. The greedy pipeline's
  own entities have no score, and spancat for entities would cost a second span model. Two
  parses, not four: the beam's cost grows with its width, and four made suggesting cost 1.59x
  bare ``nlp.pipe`` in the benchmark, two 1.20x (target 1.3x); two still give the runner-up parse, so an
  entity the model hesitates over scores below one.
- Document labels (textcat) are scored and evaluated but not suggested: the suggestion layer holds
  spans only.
The source is named ``model:v<id>`` on every span it proposes (``span.source``), so the inspector
and every export that carries a span's source (canonical JSONL, and the formats that keep it)
say which version proposed it; merged with another source's same span it reads ``ner+model:v3``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from annotator.errors import Errors, UserError
from annotator.store.model_versions import ModelVersionInfo, ModelVersions
from annotator.store.suggestions import SpanCandidate

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from annotator.store import Project

BEAM_WIDTH = 2
SPANS_KEY = "sc"


class TrainedSource:
    """One loaded model version, proposing scored spans for pieces of text."""

    def __init__(self, info: ModelVersionInfo, nlp: Language) -> None:
        self.info = info
        self.name = info.name
        self.nlp = nlp
        self._ner: Any = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None  # an EntityRecognizer
        if "spancat" in nlp.pipe_names:
            spancat: Any = nlp.get_pipe("spancat")
            spancat.cfg["threshold"] = min((info.threshold(label) for label in info.labels.get("spancat", [])),
                                           default=0.5)
        self._skip = [name for name in nlp.pipe_names if name == "ner" or name.startswith("textcat")]

    def suggest(self, work: Sequence[tuple[str, tuple[int, int]]]) -> Iterator[tuple[int, list[SpanCandidate]]]:
        """(document id, candidates) for each piece of ``work`` ((text, (document id, offset)))."""
        docs = list(self.nlp.pipe((text for text, _where in work), disable=self._skip, batch_size=len(work) or 1))
        scored = self._scored_entities(docs)
        for doc, entities, (_text, (doc_id, offset)) in zip(docs, scored, work, strict=True):
            yield doc_id, self.candidates(doc, entities, offset)

    def candidates(self, doc: Doc, entities: dict[tuple[int, int, str], float], offset: int = 0) -> list[SpanCandidate]:
        """The spans of one parsed piece whose score reaches their label's threshold."""
        found: list[SpanCandidate] = []
        for (start, end, label), probability in entities.items():
            if probability >= self.info.threshold(label):
                span = doc[start:end]
                found.append(SpanCandidate(span.start_char + offset, span.end_char + offset, label, self.name,
                                           score=float(probability)))
        group = doc.spans.get(SPANS_KEY)
        if group is not None and len(group):
            scores = group.attrs.get("scores")
            for index, span in enumerate(group):
                value = float(scores[index]) if scores is not None else None
                if value is None or value >= self.info.threshold(span.label_):
                    found.append(SpanCandidate(span.start_char + offset, span.end_char + offset, span.label_,
                                               self.name, score=value))
        return found

    def _scored_entities(self, docs: list[Doc]) -> list[dict[tuple[int, int, str], float]]:
        """Each doc's entities with their beam probability (none without ner, or for an empty doc)."""
        found: list[dict[tuple[int, int, str], float]] = [{} for _doc in docs]
        parsed = [index for index, doc in enumerate(docs) if len(doc)]
        if self._ner is None or not parsed:
            return found
        beams = self._ner.beam_parse([docs[index] for index in parsed], beam_width=BEAM_WIDTH)
        for index, scores in zip(parsed, self._ner.scored_ents(beams), strict=True):
            found[index] = {(start, end, str(label)): probability for (start, end, label), probability in scores.items()}
        return found


def trained_source(project: Project) -> TrainedSource | None:
    """The project's chosen model version, loaded (from the cache when unpacked before), or None."""
    versions = ModelVersions(project)
    chosen = versions.chosen()
    if chosen is None:
        return None
    return load_version(project, chosen)


def load_version(project: Project, version_id: int) -> TrainedSource:
    versions = ModelVersions(project)
    info = versions.get(version_id)
    return TrainedSource(info, _load(str(versions.unpacked(version_id)), version_id))


@lru_cache(maxsize=2)
def _load(path: str, version_id: int) -> Language:
    """A version's pipeline, loaded once per process (a path names one version of one project)."""
    import spacy

    import annotator.training.suggesters  # noqa: F401  registers the spancat suggester the config names

    try:
        return spacy.load(path)
    except (OSError, ValueError, KeyError) as error:
        raise UserError(Errors.E1276.format(version=version_id, installed=spacy.__version__, reason=error)) from None
