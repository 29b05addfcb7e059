"""The Russian pipeline: natasha's offline NER behind the same suggestion code as English.

natasha ships its models inside its pip packages (navec's news embeddings and slovnet's NER in
``natasha/data``), so nothing is downloaded. The pipeline is a spaCy ``Language`` of its own, so
that ``annotator.nlp.suggest`` runs Russian documents exactly as English ones — the same batches,
progress, cancel, pattern files, alias matching and merging — and only what differs is here:

- The tokenizer is razdel's (natasha's own), and sentences are razdel's too. Each word's ``NORM``
  is its cross-script name key (``annotator.name_keys``; lemmatized where it starts with a capital,
  as names do), and the suggestions match registry aliases on ``NORM`` (``alias_attr``): the alias
  "Lukashenka" finds "Лукашенко" and "Лукашенком", "Zakharova" finds "Захаровой".
- natasha's entity types become spaCy's (PER → PERSON, ORG → ORG, LOC → LOC), so the schema's
  ``entity_mapping`` maps them as it maps English entities: PERSON and ORG to ACTOR, LOC to
  LOCATION. natasha has no scores, so suggestions carry none, as with spaCy's entities.
- Reported speech comes from ``annotator.nlp.russian_speech`` (reporting verbs and the entities
  around them), not from a dependency parse: slovnet's syntax parser costs about six times its
  NER per sentence here, which would put Russian suggestions far beyond the NER's own time.

The NER runs on the tokens of a whole ``nlp.pipe`` group at once (slovnet pads a batch and runs it
in one go: per text it was ten times slower), on the words razdel gave the tokenizer, which
leaves them on the Doc (``user_data``) so that nothing is tokenized twice and no spaCy ``Token``
is made for them; its tags become entity spans by token index. Loading takes about two seconds
and is done once per process (``load_russian_pipeline``).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from annotator.name_keys import word_key
from annotator.nlp.language_route import RUSSIAN_PIPELINE
from annotator.nlp.pipelines import DOC_TEXT, LoadedPipeline
from annotator.nlp.russian_speech import russian_reported_speech

if TYPE_CHECKING:
    from spacy.vocab import Vocab

ENTITY_TYPES = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}  # natasha's types, named as spaCy's
_NER_COMPONENT = "annotator_natasha_ner"
_NER_BATCH = 32
_WORDS = "annotator_razdel_words"  # Doc.user_data: (token index, text) of razdel's words, for the NER


@cache
def ner_tagger() -> Any:
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding())


class RazdelTokenizer:
    """Text to a spaCy ``Doc`` with razdel's tokens and sentences; the text is kept exactly
    (whitespace beyond one space becomes tokens of its own, as spaCy's tokenizer makes them)."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._keyed: set[str] = set()

    def __call__(self, text: str) -> Doc:
        from razdel import tokenize

        words: list[str] = []
        spaces: list[bool] = []
        starts: list[int] = []
        named: list[tuple[int, str]] = []  # razdel's words (not whitespace), by token index
        at = 0
        for token in tokenize(text):
            start = token.start
            if start != at:
                if start == at + 1 and text[at] == " " and words and not words[-1].isspace():
                    spaces[-1] = True  # the usual gap, one space after a word: what _gap makes of it
                else:
                    self._gap(text[at:start], at, words, spaces, starts)
            word = token.text
            if not word.isspace():
                named.append((len(words), word))
            words.append(word)
            spaces.append(False)
            starts.append(start)
            at = token.stop
        self._gap(text[at:], at, words, spaces, starts)
        self._key(words)
        doc = Doc(self.vocab, words=words, spaces=spaces,
                  sent_starts=self._sentence_starts(text, words, starts) if words else None)
        doc.user_data[_WORDS] = named
        doc.user_data[DOC_TEXT] = text
        return doc

    @staticmethod
    def _sentence_starts(text: str, words: list[str], starts: list[int]) -> list[bool | int | None]:
        """Per token, whether razdel's sentences begin there (whitespace tokens never do);
        ``starts`` (each token's offset) rise, so each sentence's token is found by bisection."""
        from razdel import sentenize

        flags: list[bool | int | None] = [False] * len(words)
        for sentence in sentenize(text) if text.strip() else ():
            index = bisect.bisect_left(starts, sentence.start)
            if index < len(starts) and starts[index] == sentence.start and not words[index].isspace():
                flags[index] = True
        return flags

    @staticmethod
    def _gap(gap: str, at: int, words: list[str], spaces: list[bool], starts: list[int]) -> None:
        """Whitespace between two tokens: one space after a word is that word's trailing space,
        anything more is a whitespace token."""
        if not gap:
            return
        if words and gap[0] == " " and not words[-1].isspace():
            spaces[-1] = True
            gap, at = gap[1:], at + 1
            if not gap:
                return
        words.append(gap)
        spaces.append(False)
        starts.append(at)

    def _key(self, words: Iterable[str]) -> None:
        """Give each new word form its name key as ``NORM`` (once per form and process: the
        vocabulary keeps it); lemmatized only for capitalized words, which names are."""
        for word in words:
            if word in self._keyed:
                continue
            self._keyed.add(word)
            key = word_key(word, lemmatize=word[:1].isupper()) if word[:1].isalnum() else ""
            if key:
                self.vocab[word].norm_ = key


class NatashaEntities:
    """The spaCy component that sets ``doc.ents`` from natasha's NER, a group of docs at once."""

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = _NER_BATCH) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._tag(batch)
                batch = []
        yield from self._tag(batch)

    @staticmethod
    def _tag(docs: list[Doc]) -> Iterator[Doc]:
        """slovnet's NER on the docs' own words: they are razdel's, as slovnet's would be, so
        its encoder, model and decoder are called here on them rather than through its ``map``,
        which would tokenize every text a second time (a quarter of its time)."""
        named = [doc.user_data.pop(_WORDS, None) or [(t.i, t.text) for t in doc if not t.is_space] for doc in docs]
        tagged = [(doc, words) for doc, words in zip(docs, named, strict=True) if words]
        infer = ner_tagger().infer
        predicted = infer.decoder(infer.process(infer.encoder([[word for _i, word in words] for _doc, words in tagged])))
        for (doc, words), tags in zip(tagged, predicted, strict=True):
            doc.ents = [Span(doc, words[first][0], words[last][0] + 1, label=ENTITY_TYPES[kind])
                        for first, last, kind in bio_spans(tags) if kind in ENTITY_TYPES]
        yield from docs


def bio_spans(tags: Iterable[str]) -> Iterator[tuple[int, int, str]]:
    """(first word, last word, type) of each entity in BIO tags, read as slovnet's ``bio_spans``
    reads them: B- begins one, I- extends the open one (whatever its type; after O, nothing), O
    ends it."""
    kind: str | None = None
    first = last = 0
    for index, tag in enumerate(tags):
        part, _dash, tagged = tag.partition("-")
        if part == "B":
            if kind:
                yield first, last, kind
            kind, first, last = tagged or None, index, index
        elif part == "I":
            last = index
        elif part == "O" and kind:
            yield first, last, kind
            kind = None
    if kind:
        yield first, last, kind


@Language.factory(_NER_COMPONENT)
def _make_entities(nlp: Language, name: str) -> NatashaEntities:
    return NatashaEntities()


@cache
def load_russian_pipeline() -> LoadedPipeline:
    """The Russian pipeline, loaded once per process (about two seconds)."""
    import spacy

    nlp = spacy.blank("ru")
    nlp.tokenizer = RazdelTokenizer(nlp.vocab)
    nlp.add_pipe(_NER_COMPONENT)
    ner_tagger()
    return LoadedPipeline(RUSSIAN_PIPELINE, nlp, trained=True, speech=russian_reported_speech, alias_attr="NORM",
                          language="ru")
