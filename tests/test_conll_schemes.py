"""CoNLL tag schemes (IOB1, BIO, BIOES/BILOU): detected per file, read and written as seqeval reads them.

seqeval is the reference: its default reading (``get_entities``) for any sequence of tags, and
its strict reading of each scheme (``seqeval.scheme.Entities`` with IOB1, IOB2, IOBES, BILOU)
for well-formed ones. The files are in the shapes the tools write: CoNLL-2003's English files
(``token POS chunk NER``, IOB1, ``-DOCSTART-``), IOB2 conversions of them, BIOES as NCRF++ and
flair write, BILOU as spaCy's ``biluo_tags`` give.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, Entities

from annotator.formats.base import LossReport, ReadOptions
from annotator.formats.conll import read_conll
from annotator.formats.tag_schemes import SCHEMES, Scheme, detect_scheme, encode, entities, ill_formed

SEQEVAL = {"iob1": IOB1, "bio": IOB2, "bioes": IOBES}
LABELS = ("PER", "LOC")

tags = st.lists(st.one_of(st.just("O"), st.builds("{}-{}".format, st.sampled_from("BIES"), st.sampled_from(LABELS))),
                max_size=12)


@st.composite
def tagged_tokens(draw: st.DrawFn) -> list[tuple[int, str] | None]:
    """A sentence's tokens, each outside or in one of some consecutive non-overlapping entities."""
    owners: list[tuple[int, str] | None] = []
    for number in range(draw(st.integers(0, 6))):
        owners += [None] * draw(st.integers(0, 2))
        owners += [(number, draw(st.sampled_from(LABELS)))] * draw(st.integers(1, 3))
    return owners


def _runs(owners: list[tuple[int, str] | None]) -> list[tuple[str, int, int]]:
    """(label, first, last) of each entity in ``owners``."""
    found: dict[int, tuple[str, int, int]] = {}
    for index, owner in enumerate(owners):
        if owner is not None:
            label, first, _last = found.get(owner[0], (owner[1], index, index))
            found[owner[0]] = (label, first, index)
    return list(found.values())


@given(tags)
def test_any_tags_are_read_as_seqeval_reads_them(sequence: list[str]) -> None:
    assert [(e.label, e.first, e.last) for e in entities(sequence)] == get_entities(sequence)


@given(tagged_tokens(), st.sampled_from(SCHEMES))
def test_written_tags_are_well_formed_and_read_back_in_each_scheme(owners: list[tuple[int, str] | None],
                                                                  scheme: Scheme) -> None:
    written = encode(owners, scheme)
    expected = _runs(owners)
    strict = Entities([written], SEQEVAL[scheme]).entities[0]
    assert [(e.tag, e.start, e.end - 1) for e in strict] == expected
    assert [(e.label, e.first, e.last) for e in entities(written)] == expected
    assert ill_formed(written, scheme) == 0
    if expected:
        assert detect_scheme([written]) == scheme


def _import(tmp_path: Path, content: str) -> tuple[list[dict[str, object]], list[str]]:
    path = tmp_path / "eng.conll"
    path.write_text(content, encoding="utf-8")
    report = LossReport()
    docs = list(read_conll([path], ReadOptions(), report))
    return docs, report.lines()


def _entities(doc: dict[str, object]) -> list[tuple[str, str]]:
    return [(span["text"], span["label"]) for span in doc["spans"]]  # type: ignore[attr-defined]


# The first sentences of CoNLL-2003's eng.train, as the original files tag them (IOB1): an entity
# starts with I-, and B- only where an entity follows one of the same type (the last sentence, made
# up in that shape: "Arafat Peres").
IOB1_FILE = """-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

U.N. NNP I-NP I-ORG
official NN I-NP O
Ekeus NNP I-NP I-PER
heads VBZ I-VP O
for IN I-PP O
Baghdad NNP I-NP I-LOC
. . O O

Yasser NNP I-NP I-PER
Arafat NNP I-NP I-PER
Shimon NNP I-NP B-PER
Peres NNP I-NP I-PER
met VBD I-VP O
"""


def test_conll_2003_iob1_is_read_without_a_word_of_loss(tmp_path: Path) -> None:
    docs, lines = _import(tmp_path, IOB1_FILE)
    assert lines == []  # it used to say the entities were left out
    assert [_entities(doc) for doc in docs] == [
        [("EU", "ORG"), ("German", "MISC"), ("British", "MISC"), ("Peter Blackburn", "PER")],
        [("U.N.", "ORG"), ("Ekeus", "PER"), ("Baghdad", "LOC"), ("Yasser Arafat", "PER"), ("Shimon Peres", "PER")]]
    sentences = [[line.split()[-1] for line in block.splitlines()]
                 for block in IOB1_FILE.split("\n\n") if not block.startswith("-DOCSTART-")]
    assert detect_scheme(sentences) == "iob1"
    strict = [[(e.tag, e.start, e.end) for e in found] for found in Entities(sentences, IOB1).entities]
    assert strict == [[("ORG", 0, 1), ("MISC", 2, 3), ("MISC", 6, 7)], [("PER", 0, 2)],
                      [("ORG", 0, 1), ("PER", 2, 3), ("LOC", 5, 6)], [("PER", 0, 2), ("PER", 2, 4)]]


def test_bio_with_an_i_that_starts_an_entity_is_counted(tmp_path: Path) -> None:
    """IOB2 (every entity opens with B-): one stray I- is a mistake in that file, read as seqeval does."""
    docs, lines = _import(tmp_path, "EU B-ORG\nrejects O\nGerman B-MISC\ncall O\n\n"
                                    "Peter B-PER\nBlackburn I-PER\nand O\nMary I-PER\n")
    assert _entities(docs[0]) == [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER"), ("Mary", "PER")]
    assert lines == ["left out 1 I- tags that start an entity in a BIO (IOB2) file (read as B-, as seqeval reads "
                     "them)"]


@pytest.mark.parametrize(("content", "scheme"), [
    ("Angela\tB-PER\nMerkel\tE-PER\nmet\tO\nMacron\tS-PER\nin\tO\nNew\tB-LOC\nYork\tI-LOC\nCity\tE-LOC\n", IOBES),
    ("Angela\tB-PER\nMerkel\tL-PER\nmet\tO\nMacron\tU-PER\nin\tO\nNew\tB-LOC\nYork\tI-LOC\nCity\tL-LOC\n", BILOU),
])
def test_bioes_and_bilou(tmp_path: Path, content: str, scheme: type) -> None:
    docs, lines = _import(tmp_path, content)
    assert lines == []
    assert _entities(docs[0]) == [("Angela Merkel", "PER"), ("Macron", "PER"), ("New York City", "LOC")]
    tags = [line.split("\t")[1] for line in content.splitlines()]
    assert [(e.tag, e.start, e.end) for e in Entities([tags], scheme).entities[0]] == [
        ("PER", 0, 2), ("PER", 3, 4), ("LOC", 5, 8)]


def test_the_scheme_is_the_file_s_not_the_sentence_s(tmp_path: Path) -> None:
    """The file's I- openings make it IOB1 (two of them would be mistakes in BIO), so the B- that
    opens the last sentence is the one counted; a B- after an entity of its label is IOB1's own."""
    docs, lines = _import(tmp_path, "Paris I-LOC\nand O\nRome I-LOC\n\nKyiv B-LOC\n")
    assert lines == ["left out 1 B- tags that do not follow an entity of their label in an IOB1 file (read as a new "
                     "entity)"]
    assert _entities(docs[0]) == [("Paris", "LOC"), ("Rome", "LOC"), ("Kyiv", "LOC")]
    docs, lines = _import(tmp_path, "Paris I-LOC\nRome B-LOC\nand O\nBerlin I-LOC\n")
    assert lines == [] and _entities(docs[0]) == [("Paris", "LOC"), ("Rome", "LOC"), ("Berlin", "LOC")]
