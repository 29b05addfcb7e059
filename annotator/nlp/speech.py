"""Reported speech through spaCy's dependency parse: who said what.

Three constructions give a CLAIM and, when one can be found, its speaker:

1. A reporting verb (said, stated, stressed, warned …; ``REPORTING_LEMMAS``) with a clausal
   complement: "Zakharova said that Western countries were trying to pull Belarus away" gives
   the claim "Western countries were trying to pull Belarus away" — without "that", the verb and
   edge quotation marks, as the schema's CLAIM guideline asks. If the complement lies inside a
   quotation ("“…,” the Russian President stressed"), the claim is the whole quotation.
2. An attribution phrase: "According to the Cabinet, X" and "X, as stated by Y" give the claim X.
3. A quotation that is a clause (it has its own subject) and is not yet a claim, attributed to
   a reporting verb outside it in the same sentence, if any.

The speaker is the verb's subject (or passive agent, or the object of "according to"): the named
entity it belongs to, or its noun phrase ("the Russian President") when that contains an
entity. Pronouns and other phrases ("the statement", "he") give no speaker — resolving them
needs coreference, which the pipeline does not have — so their claims come without one. A
reporting verb joined to another ("said … and stressed that …") shares that verb's speaker.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.nlp.mentions import trim_mention

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

REPORTING_LEMMAS = frozenset({
    "say", "state", "declare", "stress", "warn", "claim", "note", "accuse", "insist", "emphasise",
    "emphasize", "add", "announce", "tell", "underline", "underscore", "reiterate", "allege", "assert",
    "argue", "believe", "conclude", "confirm", "deny", "threaten", "comment", "outline", "explain",
})
_MAX_QUOTE_CHARS = 5000  # an opening mark never closed must not swallow the rest of the article
_QUOTE_MARKS = re.compile("[“”«»\"‘’\n]")
_PAIRS = {"“": "”", "«": "»", "‘": "’", '"': '"'}


@dataclass(frozen=True, slots=True)
class ReportedSpeech:
    """One claim, where it is, who made it (if known) and how it is reported."""

    claim: tuple[int, int]
    speaker: tuple[int, int] | None
    reporting: str  # "quoted" or "paraphrased", values of the schema's CLAIM ``reporting``


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Character ranges inside paired quotation marks, in order of their opening.

    Double quotes may run across paragraphs (long statements do); single quotes and straight
    quotes may not, and ’ between letters is an apostrophe ("Russia’s"), never a closing quote.
    """
    found: list[tuple[int, int]] = []
    double: int | None = None
    single: int | None = None
    straight: int | None = None
    for match in _QUOTE_MARKS.finditer(text):
        mark, at = match.group(), match.start()
        if mark == "\n":
            single = straight = None
        elif mark in "“«":
            double = at
        elif mark in "”»":
            if double is not None and at - double <= _MAX_QUOTE_CHARS:
                found.append((double + 1, at))
            double = None
        elif mark == "‘":
            single = at
        elif mark == "’":
            if single is not None and not (at + 1 < len(text) and text[at + 1].isalnum()):
                found.append((single + 1, at))
                single = None
        elif straight is None:
            straight = at
        else:
            found.append((straight + 1, at))
            straight = None
    return sorted(found)


class _Finder:
    """Reported speech in one parsed document."""

    def __init__(self, doc: Doc, actor_entity_labels: Collection[str]) -> None:
        self.doc = doc
        self.text = doc.text  # built from the tokens on every access: read it once
        self.entity_of: dict[int, Span] = {
            token.i: entity for entity in doc.ents if entity.label_ in actor_entity_labels for token in entity
        }
        self.quotes = find_quotations(self.text)

    # --- helpers -------------------------------------------------------------------------

    def quote_around(self, token: Token) -> tuple[int, int] | None:
        """The largest quotation containing ``token``."""
        around = [q for q in self.quotes if q[0] <= token.idx < q[1]]
        return max(around, key=lambda q: q[1] - q[0]) if around else None

    def phrase_of(self, token: Token) -> tuple[int, int] | None:
        """The actor a subject token names: its entity, or its noun phrase if that holds one."""
        if token.i in self.entity_of:
            return trim_mention(self.entity_of[token.i])
        if token.pos_ == "PRON":
            return None
        for child in token.children:
            if child.dep_ == "appos" and child.i in self.entity_of:
                return trim_mention(self.entity_of[child.i])
        phrase = self.doc[token.left_edge.i:token.i + 1]
        if any(t.i in self.entity_of for t in phrase):
            return trim_mention(phrase)
        return None

    def speaker_of(self, verb: Token) -> tuple[int, int] | None:
        for child in verb.children:
            if child.dep_ == "nsubj":
                return self.phrase_of(child)
        for child in verb.children:
            if child.dep_ == "agent":
                by_whom = next((c for c in child.children if c.dep_ == "pobj"), None)
                return self.phrase_of(by_whom) if by_whom is not None else None
        if verb.dep_ == "conj":
            reporting = next((a for a in verb.ancestors if is_reporting_verb(a)), None)
            if reporting is not None:
                return self.speaker_of(reporting)
        return None

    def clause(self, head: Token, without: Token | None = None, verb: Token | None = None) -> tuple[int, int] | None:
        """Offsets of ``head``'s clause minus ``without``'s subtree and any verb joined to it that
        continues the reporting sentence rather than the claim, cut to the stretch around
        ``head``, edges trimmed."""
        removed: set[int] = set()
        if without is not None:
            removed.update(t.i for t in without.subtree)
        for token in head.subtree:
            if token.dep_ == "conj" and token != head and (
                    is_reporting_verb(token) or (token.head == head and _parallels(token, verb, head))):
                removed.update(t.i for t in token.subtree)
                removed.update(c.i for c in token.head.children if c.dep_ == "cc" and c.i < token.i)
        start = end = head.i
        while start - 1 >= head.left_edge.i and start - 1 not in removed:
            start -= 1
        while end + 1 <= head.right_edge.i and end + 1 not in removed:
            end += 1
        return _trim(list(self.doc[start:end + 1]))

    # --- the three constructions -----------------------------------------------------------

    def from_verbs(self) -> Iterator[ReportedSpeech]:
        for verb in self.doc:
            if not is_reporting_verb(verb) or self.quote_around(verb) is not None:
                continue
            speaker = self.speaker_of(verb)
            complements = sorted((c for c in verb.children if c.dep_ == "ccomp"),
                                 key=lambda c: (c.i < verb.i, abs(c.i - verb.i)))
            for complement in complements:
                claim = self.clause(complement, verb=verb)
                quote = self.quote_around(complement)
                reporting = "paraphrased"
                if claim is not None and quote is not None and quote[0] <= claim[0] and claim[1] <= quote[1]:
                    claim = _trim_chars(self.doc, quote)  # the complement is part of a longer quotation
                    reporting = "quoted"
                if claim is not None and (reporting == "quoted" or "\n" not in self.text[claim[0]:claim[1]]):
                    yield ReportedSpeech(claim, speaker, reporting)
                    break
            else:
                if any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children) and verb.head != verb:
                    claim = self.clause(verb.sent.root, without=verb)
                    if claim is not None:
                        yield ReportedSpeech(claim, speaker, "paraphrased")

    def from_according_to(self) -> Iterator[ReportedSpeech]:
        for token in self.doc:
            if token.lower_ != "according" or token.head == token:
                continue
            to = next((c for c in token.children if c.lower_ == "to"), None)
            source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if source is None:
                continue
            claim = self.clause(token.head, without=token)
            if claim is not None:
                yield ReportedSpeech(claim, self.phrase_of(source), "paraphrased")

    def from_quotations(self, claimed: list[tuple[int, int]]) -> Iterator[ReportedSpeech]:
        for quote in self.quotes:
            if any(c[0] <= quote[0] and quote[1] <= c[1] for c in claimed):
                continue
            inside = self.doc.char_span(quote[0], quote[1], alignment_mode="expand")
            if inside is None or len(inside) < 4 or not _is_clause(inside):
                continue
            claim = _trim_chars(self.doc, quote)
            if claim is None:
                continue
            sentences = {self.doc[inside.start].sent.start, self.doc[inside.end - 1].sent.start}
            verbs = [t for start in sentences for t in self.doc[start].sent
                     if is_reporting_verb(t) and not quote[0] <= t.idx < quote[1]]
            speakers = [s for s in map(self.speaker_of, verbs) if s is not None]
            yield ReportedSpeech(claim, speakers[0] if speakers else None, "quoted")


def is_reporting_verb(token: Token) -> bool:
    return token.pos_ == "VERB" and token.lemma_.lower() in REPORTING_LEMMAS


def _parallels(joined: Token, verb: Token | None, head: Token) -> bool:
    """True when a verb joined to the claim's head really continues the reporting sentence.

    The parser often attaches "… and has described …" or "… and spoke …" to the claim's verb
    when it belongs with the reporting verb ("The Cabinet has declared that X is unacceptable and
    has described …"). A joined verb without a subject of its own, in the reporting verb's tense
    and with its auxiliaries, but not in the claim verb's tense, is taken to be such a case.
    """
    if verb is None or joined.pos_ != "VERB" or any(c.dep_.startswith("nsubj") for c in joined.children):
        return False
    auxiliaries = {c.lower_ for c in joined.children if c.dep_ == "aux"}
    return (joined.tag_ == verb.tag_ != head.tag_
            and auxiliaries == {c.lower_ for c in verb.children if c.dep_ == "aux"})


def _is_clause(span: Span) -> bool:
    """True when the quotation has a subject of its own, i.e. says something rather than names it."""
    return any(t.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") and span.start <= t.head.i < span.end for t in span)


def _trim(tokens: list[Token]) -> tuple[int, int] | None:
    """Offsets of ``tokens`` without edge punctuation, spaces, a leading "that"/"and", and
    quotation marks that open or close outside the claim."""
    while tokens:
        first, last = tokens[0], tokens[-1]
        if first.is_space or (first.is_punct and not first.is_quote) or (
                first.dep_ in ("mark", "cc") and first.lower_ in ("that", "and", "but")):
            tokens = tokens[1:]
        elif last.is_space or (last.is_punct and not last.is_quote):
            tokens = tokens[:-1]
        elif first.is_quote and _closing_index(tokens) == len(tokens) - 1:
            tokens = tokens[1:-1]  # the whole claim is one quotation: drop its marks
        elif first.is_quote and _closing_index(tokens) is None:
            tokens = tokens[1:]
        elif last.is_quote and not any(t.text == _opening_for(last.text) for t in tokens[:-1]):
            tokens = tokens[:-1]
        else:
            break
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _closing_index(tokens: list[Token]) -> int | None:
    closing = _PAIRS.get(tokens[0].text)
    return next((i for i, t in enumerate(tokens[1:], 1) if t.text == closing), None)


def _opening_for(closing: str) -> str | None:
    return next((opening for opening, close in _PAIRS.items() if close == closing), None)


def _trim_chars(doc: Doc, quote: tuple[int, int]) -> tuple[int, int] | None:
    span = doc.char_span(quote[0], quote[1], alignment_mode="contract")
    return _trim(list(span)) if span is not None else None


def reported_speech(doc: Doc, actor_entity_labels: Collection[str]) -> list[ReportedSpeech]:
    """Claims (and speakers) in a parsed ``doc``; ``actor_entity_labels`` are the entity types
    that can name a speaker (PERSON, ORG, GPE, NORP). Empty without a dependency parse."""
    if not doc.has_annotation("DEP"):
        return []
    finder = _Finder(doc, actor_entity_labels)
    found: dict[tuple[int, int], ReportedSpeech] = {}
    for speech in (*finder.from_verbs(), *finder.from_according_to()):
        known = found.get(speech.claim)
        if known is None or (known.speaker is None and speech.speaker is not None):
            found[speech.claim] = speech
    for speech in finder.from_quotations(list(found)):
        found.setdefault(speech.claim, speech)
    return sorted(found.values(), key=lambda s: s.claim)
