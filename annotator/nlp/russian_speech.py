"""Reported speech in Russian: who said what, from reporting verbs and the entities around them.

The Russian pipeline has entities and sentences but no dependency parse (see
``annotator.nlp.russian`` for why), so the constructions that ``annotator.nlp.speech`` reads from
the English parse are read here from the order of words, which Russian news writing keeps to:

1. "Захарова заявила, что Москва не допустит вмешательства" — a reporting verb (заявил,
   сообщила, подчеркнул, отметил, предупредил …; every finite form of ``REPORTING_LEMMAS``)
   followed by ", что": the claim is the clause after "что", to the end of the sentence or to a
   second reporting verb joined by "и" ("…, и предупредила, что …"), which shares the first one's
   speaker. "Лукашенко заявил: «…»" gives the quotation.
2. "«…», — сказала Захарова" — a quotation closed before a dash and a reporting verb: the claim is
   the quotation, the speaker the entity after the verb.
3. "По словам Захаровой, …" and "Как заявил Лукашенко, …" — the claim is the rest of the sentence.

The speaker of 1 is the nearest person or organisation entity before the verb in its clause (no
comma, "что" or quotation mark in between) that can be a subject (a nominative form); of 2 the
first such entity after the verb before any punctuation. A pronoun ("Она отметила") or a common
noun ("— подчеркнул президент") gives no speaker: resolving them needs coreference, as in English.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from annotator.name_keys import morph_analyzer
from annotator.nlp.pipelines import DOC_TEXT
from annotator.nlp.speech import ReportedSpeech, find_quotations

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

REPORTING_LEMMAS = frozenset({
    "заявить", "заявлять", "сообщить", "сообщать", "подчеркнуть", "подчёркивать", "отметить", "отмечать",
    "предупредить", "предупреждать", "сказать", "говорить", "добавить", "добавлять", "заметить", "замечать",
    "указать", "указывать", "пояснить", "пояснять", "напомнить", "напоминать", "констатировать", "утверждать",
    "заверить", "заверять", "признать", "признавать", "объявить", "объявлять", "уточнить", "уточнять",
    "считать", "настаивать", "предостеречь", "говориться",
})
_CLAUSE_BREAKS = frozenset({",", ";", ":", "что", "—", "–", "«", "»", "“", "”", '"', "(", ")"})
_DASHES = frozenset({"—", "–", "-"})
_EDGE = " \t\r\n,.;:!?—–-"
_PAIRS = {"«": "»", "“": "”", '"': '"', "„": "“"}
# Lowercase forms (their string hashes, the same in every spaCy vocabulary) already judged, and
# those that are reporting verbs; emptied when more than _KNOWN_FORMS have been judged.
_JUDGED_FORMS: set[int] = set()
_REPORTING_FORMS: set[int] = set()
_KNOWN_FORMS = 200_000


@cache
def reporting_forms() -> frozenset[str]:
    """Every finite form of the reporting verbs (ё written е), from pymorphy3's dictionary."""
    morph = morph_analyzer()
    forms: set[str] = set()
    for lemma in REPORTING_LEMMAS:
        for parse in morph.parse(lemma):
            if parse.normal_form != lemma or parse.tag.POS != "INFN":
                continue
            forms.update(_plain(form.word) for form in parse.lexeme if form.tag.POS == "VERB")
    return frozenset(forms)


def _plain(word: str) -> str:
    return word.lower().replace("ё", "е")


def reporting_verb_indices(doc: Doc) -> list[int]:
    """The indices of the reporting verbs in ``doc``, found in its array of lowercase forms
    (each form judged once per process) rather than by making a ``Token`` of every word."""
    from spacy.attrs import LOWER

    lowered = doc.to_array(LOWER).tolist()
    if len(_JUDGED_FORMS) > _KNOWN_FORMS:
        _JUDGED_FORMS.clear()
        _REPORTING_FORMS.clear()
    unseen = set(lowered).difference(_JUDGED_FORMS)
    if unseen:
        strings, forms = doc.vocab.strings, reporting_forms()
        _JUDGED_FORMS.update(unseen)
        _REPORTING_FORMS.update(form for form in unseen if _plain(strings[form]) in forms)
    # a set lookup per word: numpy's isin sorted the forms and the words again for every document
    # (0.25 ms of a statement's 0.8 ms of suggestions)
    reporting = _REPORTING_FORMS
    return [index for index, form in enumerate(lowered) if form in reporting]


@lru_cache(maxsize=50_000)
def _can_be_subject(word: str) -> bool:
    """True when the word has a nominative reading, or is no Russian word pymorphy knows."""
    parses = morph_analyzer().parse(word.lower())
    return not parses or any("nomn" in p.tag or p.tag.POS is None for p in parses)


@dataclass
class _Finder:
    doc: Doc
    actor_labels: Collection[str]

    def __post_init__(self) -> None:
        self.text = self.doc.user_data.get(DOC_TEXT) or self.doc.text  # the tokenizer's text: Doc.text is rebuilt
        self.entity_of: dict[int, Span] = {index: entity for entity in self.doc.ents
                                           if entity.label_ in self.actor_labels
                                           for index in range(entity.start, entity.end)}
        self.quotes = find_quotations(self.text)
        self.reporting = reporting_verb_indices(self.doc)
        self.is_reporting = set(self.reporting)
        self.speaker_at: dict[int, tuple[int, int] | None] = {}  # reporting verb index -> its speaker

    def words_before(self, verb: Token, sentence: Span) -> Iterator[Token]:
        """The words (not whitespace) of ``sentence`` before ``verb``, nearest first, made as they are read."""
        for index in range(verb.i - 1, sentence.start - 1, -1):
            token = self.doc[index]
            if not token.is_space:
                yield token

    def speaker_before(self, verb: Token, sentence: Span) -> tuple[int, int] | None:
        """The subject entity of ``verb``, or the speaker of a reporting verb it is joined to by "и"."""
        before = self.words_before(verb, sentence)
        previous = next(before, None)
        if previous is not None and previous.lower_ == "и":
            joined = next((t for t in before if t.i in self.speaker_at), None)
            if joined is not None:
                return self.speaker_at[joined.i]
        for token in self.words_before(verb, sentence):
            if token.text in _CLAUSE_BREAKS or token.lower_ in _CLAUSE_BREAKS:
                return None
            entity = self.entity_of.get(token.i)
            if entity is not None and _can_be_subject(entity[-1].text):
                return entity.start_char, entity.end_char
        return None

    def speaker_after(self, verb: Token, sentence: Span) -> tuple[int, int] | None:
        for token in self.doc[verb.i + 1:sentence.end]:
            if token.is_punct:
                return None
            entity = self.entity_of.get(token.i)
            if entity is not None:
                return entity.start_char, entity.end_char
        return None

    def quote_starting(self, token: Token) -> tuple[int, int] | None:
        return next((q for q in self.quotes if q[0] == token.idx + len(token.text)), None)

    def quote_ending_before(self, token: Token) -> tuple[int, int] | None:
        """The quotation closed just before ``token`` (a dash), with only commas and spaces between."""
        for quote in self.quotes:
            between = self.text[quote[1] + 1:token.idx] if quote[1] < token.idx else None
            if between is not None and not between.strip(" ,\u00a0"):
                return quote
        return None

    def rest_of_clause(self, start: int, sentence: Span) -> tuple[int, int] | None:
        """From token ``start`` to the end of its sentence or paragraph, or to ", и" followed by a
        reporting verb (which begins another claim)."""
        end = sentence.end
        for token in self.doc[start:sentence.end]:
            if "\n" in token.text:
                end = token.i
                break
            if token.i + 1 in self.is_reporting and token.i + 1 < sentence.end and token.lower_ == "и":
                end = token.i
                break
        if end <= start:
            return None
        return _trim(self.text, self.doc[start].idx, self.doc[end - 1].idx + len(self.doc[end - 1].text))

    def verbs(self) -> Iterator[ReportedSpeech]:
        for index in self.reporting:
            verb = self.doc[index]
            if any(q[0] <= verb.idx < q[1] for q in self.quotes):
                continue
            sentence = verb.sent  # found by walking the tokens: once per verb
            after = [t for t in self.doc[verb.i + 1:min(verb.i + 4, sentence.end)] if not t.is_space]
            quote = self.quote_ending_before(self.doc[verb.i - 1]) if verb.i and self.doc[verb.i - 1].text in _DASHES else None
            if quote is not None:  # «…», — сказала Захарова
                speaker = self.speaker_after(verb, sentence)
                self.speaker_at[verb.i] = speaker
                if (claim := _trim(self.text, *quote)) is not None:
                    yield ReportedSpeech(claim, speaker, "quoted")
                continue
            speaker = self.speaker_before(verb, sentence)
            self.speaker_at[verb.i] = speaker
            if len(after) >= 2 and after[0].text == "," and after[1].lower_ == "что":
                claim = self.rest_of_clause(after[1].i + 1, sentence)
                if claim is not None:
                    yield ReportedSpeech(claim, speaker, "paraphrased")
            elif len(after) >= 2 and after[0].text == ":" and (quoted := self.quote_starting(after[1])) is not None:
                if (claim := _trim(self.text, *quoted)) is not None:
                    yield ReportedSpeech(claim, speaker, "quoted")

    def attributions(self) -> Iterator[ReportedSpeech]:
        """По словам X, … and Как заявил X, …"""
        for sentence in self.doc.sents:
            words = (t for t in sentence if not t.is_space)
            opening = list(itertools.islice(words, 2))  # the rest of the words only where these fit
            if len(opening) < 2:
                continue
            first, second = opening[0].lower_, opening[1]
            if not ((first == "по" and second.lower_ == "словам") or (first == "как" and second.i in self.is_reporting)):
                continue
            rest = list(words)
            if len(rest) < 2:
                continue
            comma = next((t for t in rest if t.text == ","), None)
            if comma is None:
                continue
            source = next((self.entity_of[t.i] for t in rest if t.i < comma.i and t.i in self.entity_of), None)
            claim = self.rest_of_clause(comma.i + 1, sentence)
            if claim is not None:
                yield ReportedSpeech(claim, (source.start_char, source.end_char) if source is not None else None,
                                     "paraphrased")


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without edge spaces and punctuation, and without a pair of quotation marks
    around the whole of it; None when nothing is left."""
    while True:
        while start < end and text[start] in _EDGE:
            start += 1
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        closing = _PAIRS.get(text[start]) if start < end else None
        if closing is None or text[end - 1] != closing or end - start < 2 or closing in text[start + 1:end - 1]:
            break
        start, end = start + 1, end - 1
    return (start, end) if start < end else None


def russian_reported_speech(doc: Doc, actor_entity_labels: Collection[str]) -> list[ReportedSpeech]:
    """Claims (and speakers) in a Russian ``doc`` of the Russian pipeline; ``actor_entity_labels``
    are the entity types that can name a speaker (PERSON, ORG)."""
    if not doc.has_annotation("SENT_START"):
        return []
    finder = _Finder(doc, actor_entity_labels)
    found: dict[tuple[int, int], ReportedSpeech] = {}
    for speech in (*finder.verbs(), *finder.attributions()):
        known = found.get(speech.claim)
        if known is None or (known.speaker is None and speech.speaker is not None):
            found[speech.claim] = speech
    return sorted(found.values(), key=lambda s: s.claim)
