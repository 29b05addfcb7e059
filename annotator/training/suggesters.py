"""spancat's candidate spans for long labels (CLAIM, THREAT): ``annotator.clause_edges.v1``.

spancat labels only the spans a suggester proposes. Its n-gram suggester (1-3 tokens) cannot
propose a CLAIM of twenty tokens, n-grams up to that length are thousands per sentence, and
spaCy's ``span_finder`` had to learn the edges first: in the benchmark (200 articles, 600 steps)
it proposed nothing at its 0.5 threshold, so spancat never learnt, and at 0.3 it proposed nearly
every token pair and a step took 5-12 s. The annotations themselves show where long spans lie,
so the candidates are a fixed rule over sentence edges, measured on the benchmark's gold CLAIM
and THREAT spans (``tests/benchmarks/bench_train.py --coverage`` prints the figures):

- a reported claim is a clause that runs to the end of its sentence ("X said *that ...*.", "X
  said, *...*.", "X announced *...*."): every suffix of a sentence, ending at its last word (the
  final full stop left out, as the CLAIM guideline asks), or at the closing quotation mark right
  after it when a quotation opened inside the claim;
- or a sentence's beginning up to where the reporting clause starts ("*...*, X said."): every
  prefix of a sentence, from its first word, ending at a word or a closing quotation mark;
- or a clause followed by a coordinated one ("X said that *...* and stressed that ..."): every
  span of the sentence ending just before an "and" or a "but";
- or a quotation, which may run over several sentences: the words between an opening quotation
  mark and the next closing mark of its kind (a quotation inside it uses the other kind);
- and THREAT cues are short noun phrases ("nuclear arsenal", "direct foreign interference"):
  every n-gram of 1-4 tokens.

Prefixes and suffixes are about three per token, n-grams four, spans before a conjunction one
per token and conjunction, and quotations one per quotation mark: linear in a sentence's n tokens
(4.9 candidates a token in the benchmark's articles), unlike all token pairs (n^2 / 2). On the
accepted suggestions of the sample articles the rule covers every CLAIM (26) and THREAT (57); of
the benchmark's 200 articles, 686 of 688 CLAIMs and all 1,406 THREATs (the two missed run from a
heading without a full stop into the next sentence, which the sentencizer joins; ending sentences
at line breaks would cover them but miss five others whose gold span runs over a line break).
Without the conjunction rule 3 of the 26 sample CLAIMs are missed, without quotations the quotes
of several sentences (up to 116 tokens). Spans longer than ``max_length`` tokens are left out
(spancat's cost grows with the candidates' lengths).
Sentences are the doc's own when a component set them, else those of spaCy's rule-based
``Sentencizer`` (computed, not written onto the doc), so training and suggesting see the same.

Registered in spaCy's ``misc`` registry when this module is imported: a stored model names the
suggester in its config, so whatever loads one (``annotator.nlp.trained_source``) imports this
module first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from spacy.pipeline import Sentencizer
from spacy.util import registry

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from thinc.api import Ops
    from thinc.types import Ragged

SUGGESTER = "annotator.clause_edges.v1"
NGRAM_SIZES = (1, 2, 3, 4)
QUOTE_PAIRS = {"“": "”", "‘": "’", "«": "»", "„": "“”", "‚": "‘’", '"': '"', "'": "'"}  # opening: closing marks
CONJUNCTIONS = frozenset({"and", "but"})
MAX_QUOTE_TOKENS = 150  # a quotation mark with no closing one this near opens nothing

_SENTENCIZER = Sentencizer()


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token indices of ``doc``'s sentences: its own, else the rule-based sentencizer's."""
    if doc.has_annotation("SENT_START"):
        return [(sent.start, sent.end) for sent in doc.sents]
    starts = [index for index, start in enumerate(_SENTENCIZER.predict([doc])[0]) if start or index == 0]
    return list(zip(starts, [*starts[1:], len(doc)], strict=True))


def clause_edge_spans(doc: Doc, max_length: int) -> set[tuple[int, int]]:
    """The candidate (start, end) token spans of ``doc`` by the rule in the module docstring."""
    words = [not (token.is_punct or token.is_space) for token in doc]  # may stand at a candidate's edge
    closing = {mark for marks in QUOTE_PAIRS.values() for mark in marks}
    found: set[tuple[int, int]] = set()
    for start, end in sentence_bounds(doc):
        inner = [index for index in range(start, end) if words[index]]
        if not inner:
            continue
        first = inner[0]
        ends = [index + 1 for index in range(first, end) if words[index] or doc[index].text in closing]
        lasts = {inner[-1] + 1, ends[-1]}  # the last word, and the closing quotation mark after it
        for index in inner:
            found.update((index, last) for last in lasts if 0 < last - index <= max_length)  # suffixes
        found.update((first, stop) for stop in ends if stop - first <= max_length)  # prefixes
        for stop in range(first + 1, end):  # clauses that end where a coordinated one begins
            if doc[stop].lower_ in CONJUNCTIONS and words[stop - 1]:
                found.update((index, stop) for index in inner if 0 < stop - index <= max_length)
    for index in range(len(doc)):
        for size in NGRAM_SIZES:
            if index + size <= len(doc) and words[index] and words[index + size - 1]:
                found.add((index, index + size))
    found.update(_quotations(doc, words, max_length))
    return found


def _quotations(doc: Doc, words: list[bool], max_length: int) -> Iterable[tuple[int, int]]:
    """The words between each opening quotation mark and the next closing one."""
    for index, token in enumerate(doc):
        if token.text not in QUOTE_PAIRS:
            continue
        for close in range(index + 1, min(len(doc), index + MAX_QUOTE_TOKENS)):
            if doc[close].text in QUOTE_PAIRS[token.text]:
                inner = [position for position in range(index + 1, close) if words[position]]
                if inner and inner[-1] + 1 - inner[0] <= max_length:
                    yield inner[0], inner[-1] + 1
                break


@registry.misc(SUGGESTER)
def build_clause_edge_suggester(max_length: int = 150) -> Callable[..., Ragged]:
    """spancat's ``suggester``: clause-edge spans, quotations and 1-4-grams per doc."""

    def suggest(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        from thinc.api import get_current_ops
        from thinc.types import Ragged

        ops = ops or get_current_ops()
        spans: list[list[int]] = []
        lengths: list[int] = []
        for doc in docs:
            found = sorted(clause_edge_spans(doc, max_length))
            spans.extend([start, end] for start, end in found)
            lengths.append(len(found))
        data = ops.asarray2i(spans) if spans else ops.xp.zeros((0, 0), dtype="i")
        return Ragged(data, ops.asarray1i(lengths))

    return suggest
