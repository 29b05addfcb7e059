"""CoNLL-2003 style named-entity files: one token a line, entity tags, blank line between sentences.

Export writes the four CoNLL-2003 columns ``token -X- _ TAG`` separated by single spaces, with a
``-DOCSTART- -X- O O`` line before each document, because that is the shape the CoNLL-2003
files, ``spacy convert --converter ner`` and most NER trainers read (they take the first column
as the word and the last as the tag). Tags are BIO by default, or BIOES or IOB1
(``with_options``: ``annotator export --conll-scheme``). Tokens and sentences come from
``spacy.blank("en")`` with a ``sentencizer`` (no model to install); a line break in the text
also ends a sentence, and whitespace tokens are skipped. Spans become tags by token alignment,
widened to whole tokens. A sentence never ends inside a span: the break moves after the span
(counted), since a sentence opening with ``I-`` is another entity to BIO readers.

CoNLL holds one label per token and nothing else, so export keeps the longest span where spans
overlap (the earlier one on a tie) and counts in the LossReport every overlapping span,
relation, attribute, note, actor link and document label it leaves out; a discontinuous span is
tagged from its first to its last character.

Import detects each file's scheme (IOB1, BIO, BIOES/BILOU; ``tag_schemes``) and reads entities
as ``seqeval`` does; only tags that break the detected scheme are counted, so the original
CoNLL-2003 IOB1 files read without a word. The text is rebuilt from tokens joined by single
spaces and sentences joined by ``\\n``, since CoNLL does not keep the original spacing. The
first column is the token and the last the tag, so two-column files and the four CoNLL-2003
columns read alike; ``ReadOptions.tag_column`` (``--tag-column``) names another column by number
or by the name in a header line (``token POS gold pred``, CoNLL-U Plus's ``# global.columns``),
for the evaluation files that hold gold and predicted tags side by side.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from annotator.corpus.file_checks import open_regular_file
from annotator.errors import Errors, UserError
from annotator.formats.base import (
    CanonicalDoc,
    Format,
    LossReport,
    ReadOptions,
    register,
)
from annotator.formats.tag_schemes import SCHEMES, Scheme, detect_scheme, encode, entities, ill_formed
from annotator.formats.utf8_blocks import NotUtf8, check_utf8, utf8_lines
from annotator.output_files import OutputSet, staging

DOCSTART = "-DOCSTART- -X- O O"
_TAG = re.compile(r"O|[BIESLU]-\S+")


# --- export ------------------------------------------------------------------------------


def export_conll(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None,
                 *, scheme: Scheme = "bio") -> None:
    """Write all documents into one CoNLL file, each after a ``-DOCSTART-`` line, tagged in
    ``scheme`` (``bio``, ``bioes`` or ``iob1``; see ``tag_schemes``)."""
    import spacy  # heavy: only when this format is used

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    with staging(outputs) as files, files.open_text(out) as handle:
        for doc in docs:
            handle.write(DOCSTART + "\n\n")
            for sentence in _tagged_sentences(nlp(doc["text"]), doc, scheme, report):
                handle.write("".join(f"{token} -X- _ {tag}\n" for token, tag in sentence) + "\n")


def with_options(options: Mapping[str, str]) -> Format:
    """CoNLL writing tags in ``options["conll_scheme"]`` (``annotator export --conll-scheme``),
    checked before any work."""
    unknown = sorted(set(options) - {"conll_scheme"})
    scheme = options.get("conll_scheme", "bio")
    if unknown or scheme not in SCHEMES:
        raise UserError(Errors.E1143.format(options=", ".join(unknown or [f"conll_scheme={scheme}"])))
    return dataclasses.replace(FORMAT, export=partial(export_conll, scheme=scheme))


def _tagged_sentences(spacy_doc: Any, doc: CanonicalDoc, scheme: Scheme,
                      report: LossReport) -> list[list[tuple[str, str]]]:
    """The document's sentences as (token, tag) pairs, with what CoNLL cannot hold reported.

    A sentence never ends inside a span: a break there (the sentencizer's, or a line break in
    the span) moves to the span's end, so the span stays one entity instead of a sentence
    starting with ``I-``, which readers take as a different entity or drop. Such spans are counted.
    """
    owner = _token_owners(spacy_doc, doc, report)
    sentences: list[list[tuple[str, tuple[int, str] | None]]] = []
    current: list[tuple[str, tuple[int, str] | None]] = []
    pending = False  # a sentence ends before the next token that does not go on with the span before it
    previous: int | None = None  # the span of the last token written
    kept_whole: set[int] = set()
    for token in spacy_doc:
        if token.is_sent_start and token.i:
            pending = True
        if token.is_space or any(ch.isspace() for ch in token.text):
            pending = pending or "\n" in token.text
            continue
        entry = owner.get(token.i)
        number = entry[0] if entry else None
        if pending and number is not None and number == previous:
            kept_whole.add(number)
        elif pending:
            if current:
                sentences.append(current)
                current = []
            pending = False
        current.append((token.text, entry))
        previous = number
    if current:
        sentences.append(current)
    report.add("sentence breaks inside spans (moved after the span, so the span stays whole; counted per span)",
               len(kept_whole))
    return [list(zip([token for token, _ in sentence], encode([entry for _, entry in sentence], scheme),
                     strict=True)) for sentence in sentences]


def _token_owners(spacy_doc: Any, doc: CanonicalDoc, report: LossReport) -> dict[int, tuple[int, str]]:
    """Token index -> (span number, label): each token keeps the longest span covering it."""
    owner: dict[int, tuple[int, str]] = {}
    spans = doc.get("spans", [])
    # Longest first, then earliest, so each token keeps the longest span covering it.
    order = sorted(range(len(spans)), key=lambda i: (-(spans[i]["end"] - spans[i]["start"]), spans[i]["start"]))
    for number in order:
        span = spans[number]
        aligned = spacy_doc.char_span(span["start"], span["end"], alignment_mode="expand")
        indices = [t.i for t in aligned if not t.is_space] if aligned is not None else []
        if not indices:
            report.add("spans on whitespace only (no token to tag)")
        elif any(i in owner for i in indices):
            report.add("overlapping spans (CoNLL has one label per token)")
        else:
            owner.update((i, (number, span["label"])) for i in indices)
        if span.get("fragments"):
            report.add("discontinuous spans (tagged as one continuous span)")
    _report_unsupported(doc, report)
    return owner


def _report_unsupported(doc: CanonicalDoc, report: LossReport) -> None:
    spans = doc.get("spans", [])
    report.add("relations (CoNLL has no relations)", len(doc.get("relations", [])))
    report.add("span attributes (CoNLL has tags only)", sum(len(s.get("attrs") or {}) for s in spans))
    report.add("span notes (CoNLL has tags only)", sum(1 for s in spans if s.get("note")))
    report.add("actor links of spans (CoNLL has tags only)", sum(1 for s in spans if s.get("actor") is not None))
    report.add("document labels (CoNLL has tags only)", len(doc.get("doc_labels") or []))
    report.add("document notes (CoNLL has tags only)", len(doc.get("notes") or []))


# --- import ------------------------------------------------------------------------------

#: CoNLL-U Plus names a file's columns in a comment line: ``# global.columns = ID FORM … MISC``.
_GLOBAL_COLUMNS = re.compile(r"#\s*global\.columns\s*=(.*)")
#: What the report says of tags that break the scheme detected for their file.
_ILL_FORMED = {
    "bio": "I- tags that start an entity in a BIO (IOB2) file (read as B-, as seqeval reads them)",
    "iob1": "B- tags that do not follow an entity of their label in an IOB1 file (read as a new entity)",
    "bioes": ("tags that break the BIOES scheme (an I- or E- without a B-, a B- or I- without an E-: "
              "entities read as seqeval reads them)"),
}


def read_conll(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    """Documents of each CoNLL file, split at ``-DOCSTART-`` lines, each handed on once read.

    A file is read twice, a line at a time, never held whole: the first pass checks every line
    (so a malformed line anywhere refuses the file before any document, as reading it whole did)
    and gathers what decides its tag scheme; the second builds the documents one at a time."""
    for path in paths:
        if not path.is_file():
            raise UserError(Errors.E847.format(path=path, what="CoNLL file"))
        evidence = _SchemeEvidence()
        for _document_number, sentence in _sentences(path, options, LossReport()):
            evidence.add([tag for _token, tag, _line in sentence])
        scheme = evidence.scheme()
        documents = itertools.groupby(_sentences(path, options, report), key=lambda item: item[0])
        for number, (_document_number, sentences) in enumerate(documents, start=1):
            yield _document(f"{path.stem}-{number}", (sentence for _doc, sentence in sentences), scheme, options,
                            report)


class _SchemeEvidence:
    """What ``tag_schemes.detect_scheme`` weighs, summed a sentence at a time so that a file's
    sentences need not be held: any ``E-``/``S-`` tag, and the tags ill-formed as BIO and as IOB1."""

    def __init__(self) -> None:
        self.ends = False
        self.as_bio = self.as_iob1 = 0

    def add(self, tags: list[str]) -> None:
        self.ends = self.ends or detect_scheme([tags]) == "bioes"
        self.as_bio += ill_formed(tags, "bio")
        self.as_iob1 += ill_formed(tags, "iob1")

    def scheme(self) -> Scheme:
        if self.ends:
            return "bioes"
        return "iob1" if self.as_iob1 < self.as_bio else "bio"


def _sentences(path: Path, options: ReadOptions,
               report: LossReport) -> Iterator[tuple[int, list[tuple[str, str, int]]]]:
    """The file's sentences as (token, tag, line) lists, each with the number of its document
    (counting ``-DOCSTART-`` lines), checked line by line; empty ones are skipped."""
    header: list[str] | None = None
    column: int | None = None  # the tag column's index, once the header (if any) is known
    document, sentence = 0, list[tuple[str, str, int]]()
    with open_regular_file(path, options.limits) as handle:
        try:
            check_utf8(handle)  # as decoding the whole file did: an encoding is refused before any line
            lines = utf8_lines(handle)
        except NotUtf8 as error:
            raise UserError(Errors.E846.format(path=path, problem=error)) from error
        for number, line in enumerate(lines, start=1):
            columns = line.split()
            if not columns or columns[0] == "-DOCSTART-":
                if sentence:
                    yield document, sentence
                    sentence = []
                document += bool(columns)
                continue
            if column is None:
                names = _header(line, columns) if header is None else None
                if names is not None:
                    header = names
                    report.add("header lines (column names, not tokens)")
                    continue
                column = _tag_index(path, options.tag_column, header)
            if len(columns) < 2:
                raise UserError(Errors.E851.format(path=path, line=number, found="one column"))
            if not -len(columns) <= column < len(columns):
                raise UserError(Errors.E1140.format(path=path, line=number, column=options.tag_column,
                                                    count=len(columns)))
            if column % len(columns) == 0:
                raise UserError(Errors.E1142.format(column=options.tag_column, reason="the first column is the token"))
            tag = columns[column]
            if not _TAG.fullmatch(tag):
                raise UserError(Errors.E850.format(path=path, line=number, tag=tag))
            sentence.append((columns[0], tag, number))
        if sentence:
            yield document, sentence


def _header(line: str, columns: list[str]) -> list[str] | None:
    """The column names of a header line before the first token: CoNLL-U Plus's
    ``# global.columns = …``, or three or more columns none of which is a tag (``token POS gold
    pred``). Two columns without a tag are a malformed line rather than a header, refused (E850)."""
    found = _GLOBAL_COLUMNS.fullmatch(line.strip())
    if found:
        return found.group(1).split()
    if len(columns) >= 3 and not any(_TAG.fullmatch(value) for value in columns):
        return columns
    return None


def _tag_index(path: Path, chosen: str | None, header: list[str] | None) -> int:
    """The index of the tag column: the last by default, else the number (from 1, -1 the last)
    or the header name the user gave."""
    if chosen is None:
        return -1
    try:
        number = int(chosen)
    except ValueError:
        if header is None:
            raise UserError(Errors.E1141.format(path=path, name=chosen, found="the file has no header line")) from None
        matches = [index for index, name in enumerate(header) if name.casefold() == chosen.casefold()]
        if not matches:
            raise UserError(Errors.E1141.format(path=path, name=chosen,
                                                found="its columns are " + ", ".join(header))) from None
        number = matches[0] + 1
    if number in (0, 1):
        reason = "columns count from 1" if number == 0 else "the first column is the token"
        raise UserError(Errors.E1142.format(column=chosen, reason=reason))
    return number - 1 if number > 0 else number


def _document(doc_id: str, sentences: Iterable[list[tuple[str, str, int]]], scheme: Scheme, options: ReadOptions,
              report: LossReport) -> CanonicalDoc:
    """Text and spans of one document from its tagged tokens, read in the file's tag scheme; each
    sentence's tokens become one string as it comes, so a long document holds its text, not them."""
    lines: list[str] = []
    spans: list[dict[str, Any]] = []
    offset = 0
    for sentence_number, sentence in enumerate(sentences):
        if sentence_number:
            offset += 1  # the "\n" between sentences
        starts: list[int] = []
        ends: list[int] = []
        for token_number, (token, _tag, _line) in enumerate(sentence):
            if token_number:
                offset += 1  # the " " between tokens
            starts.append(offset)
            offset += len(token)
            ends.append(offset)
        lines.append(" ".join(token for token, _tag, _line in sentence))
        tags = [tag for _token, tag, _line in sentence]
        report.add(_ILL_FORMED[scheme], ill_formed(tags, scheme))
        spans += [{"start": starts[entity.first], "end": ends[entity.last], "label": entity.label}
                  for entity in entities(tags)]
    text = "\n".join(lines)
    return {
        "id": doc_id, "title": doc_id, "text": text, "meta": {},
        "spans": [{"id": number, "start": s["start"], "end": s["end"], "text": text[s["start"]:s["end"]],
                   "label": s["label"], "annotator": options.annotator, "layer": options.layer,
                   "attrs": {}, "note": None, "actor": None}
                  for number, s in enumerate(spans, start=1)],
        "relations": [], "doc_labels": [], "notes": [], "status": {},
    }


FORMAT = register(Format(
    name="conll",
    description="CoNLL-2003 style NER: one token a line with its BIO tag, -DOCSTART- between documents",
    target="file",
    suffix=".conll",
    export=export_conll,
    read=read_conll,
    with_options=with_options,
    option_names=("conll_scheme",),
))

__all__ = ["FORMAT", "export_conll", "read_conll", "with_options"]
