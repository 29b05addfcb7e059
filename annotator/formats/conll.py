"""CoNLL-2003 style named-entity files: one token a line, BIO tags, blank line between sentences.

Export writes the four CoNLL-2003 columns ``token -X- _ TAG`` separated by single spaces, with a
``-DOCSTART- -X- O O`` line before each document, because that is the shape the CoNLL-2003
files, ``spacy convert --converter ner`` and most NER trainers read (they take the first column
as the word and the last as the tag). Tokens and sentences come from ``spacy.blank("en")`` with
a ``sentencizer`` (no model to install); a line break in the text also ends a sentence, and
whitespace tokens are skipped. Spans become tags by token alignment, widened to whole tokens.

CoNLL holds one label per token and nothing else, so export keeps the longest span where spans
overlap (the earlier one on a tie) and counts in the LossReport every overlapping span,
relation, attribute, note, actor link and document label it leaves out; a discontinuous span is
tagged from its first to its last character.

Import reads BIO, IOB1, BIOES and BILOU leniently, like ``seqeval``: an ``I-``/``E-``/``L-`` tag
that does not continue an entity of its label starts one (counted in the report). The text is
rebuilt from tokens joined by single spaces and sentences joined by ``\\n``, since CoNLL does not
keep the original spacing. The first column is the token and the last the tag, so two-column
files and the four CoNLL-2003 columns read alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.errors import Errors, UserError
from annotator.formats.base import (
    CanonicalDoc,
    Format,
    LossReport,
    ReadOptions,
    register,
)
from annotator.output_files import OutputSet, staging

DOCSTART = "-DOCSTART- -X- O O"
_TAG = re.compile(r"O|[BIESLU]-\S+")


# --- export ------------------------------------------------------------------------------


def export_conll(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None) -> None:
    """Write all documents into one CoNLL file, each after a ``-DOCSTART-`` line."""
    import spacy  # heavy: only when this format is used

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    with staging(outputs) as files, files.open_text(out) as handle:
        for doc in docs:
            handle.write(DOCSTART + "\n\n")
            for sentence in _tagged_sentences(nlp(doc["text"]), doc, report):
                handle.write("".join(f"{token} -X- _ {tag}\n" for token, tag in sentence) + "\n")


def _tagged_sentences(spacy_doc: Any, doc: CanonicalDoc, report: LossReport) -> list[list[tuple[str, str]]]:
    """The document's sentences as (token, BIO tag) pairs, with what CoNLL cannot hold reported."""
    owner: dict[int, tuple[int, str]] = {}  # token index -> (span number, label)
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

    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    previous: int | None = None
    for token in spacy_doc:
        if token.is_sent_start and current:
            sentences.append(current)
            current = []
        if token.is_space or any(ch.isspace() for ch in token.text):
            if "\n" in token.text and current:
                sentences.append(current)
                current = []
            previous = None
            continue
        entry = owner.get(token.i)
        span_number = entry[0] if entry else None
        tag = "O" if entry is None else (f"I-{entry[1]}" if span_number == previous else f"B-{entry[1]}")
        current.append((token.text, tag))
        previous = span_number
    if current:
        sentences.append(current)
    return sentences


def _report_unsupported(doc: CanonicalDoc, report: LossReport) -> None:
    spans = doc.get("spans", [])
    report.add("relations (CoNLL has no relations)", len(doc.get("relations", [])))
    report.add("span attributes (CoNLL has tags only)", sum(len(s.get("attrs") or {}) for s in spans))
    report.add("span notes (CoNLL has tags only)", sum(1 for s in spans if s.get("note")))
    report.add("actor links of spans (CoNLL has tags only)", sum(1 for s in spans if s.get("actor") is not None))
    report.add("document labels (CoNLL has tags only)", len(doc.get("doc_labels") or []))
    report.add("document notes (CoNLL has tags only)", len(doc.get("notes") or []))


# --- import ------------------------------------------------------------------------------


def read_conll(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    """Documents of each CoNLL file, split at ``-DOCSTART-`` lines; a file is read whole first."""
    for path in paths:
        if not path.is_file():
            raise UserError(Errors.E847.format(path=path, what="CoNLL file"))
        yield from _read_file(path, options, report)


def _read_file(path: Path, options: ReadOptions, report: LossReport) -> list[CanonicalDoc]:
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(Errors.E846.format(path=path, problem=error)) from error
    documents: list[list[list[tuple[str, str, int]]]] = [[[]]]  # docs > sentences > (token, tag, line)
    for number, line in enumerate(content.split("\n"), start=1):
        columns = line.split()
        if not columns:
            if documents[-1][-1]:
                documents[-1].append([])
            continue
        if columns[0] == "-DOCSTART-":
            documents.append([[]])
            continue
        if len(columns) < 2:
            raise UserError(Errors.E851.format(path=path, line=number, found="one column"))
        tag = columns[-1]
        if not _TAG.fullmatch(tag):
            raise UserError(Errors.E850.format(path=path, line=number, tag=tag))
        documents[-1][-1].append((columns[0], tag, number))
    docs: list[CanonicalDoc] = []
    for sentences in documents:
        sentences = [sentence for sentence in sentences if sentence]
        if sentences:
            docs.append(_document(f"{path.stem}-{len(docs) + 1}", sentences, options, report))
    return docs


def _document(doc_id: str, sentences: list[list[tuple[str, str, int]]], options: ReadOptions,
              report: LossReport) -> CanonicalDoc:
    """Text and spans of one document from its tagged tokens."""
    pieces: list[str] = []
    spans: list[dict[str, Any]] = []
    offset = 0
    for sentence_number, sentence in enumerate(sentences):
        if sentence_number:
            pieces.append("\n")
            offset += 1
        open_span: dict[str, Any] | None = None
        for token_number, (token, tag, _line) in enumerate(sentence):
            if token_number:
                pieces.append(" ")
                offset += 1
            start, end = offset, offset + len(token)
            pieces.append(token)
            offset = end
            prefix, _, label = tag.partition("-")
            if prefix == "O":
                open_span = None
            elif open_span is not None and open_span["label"] == label and prefix in "IEL":
                open_span["end"] = end
            else:
                if prefix in "IEL":
                    report.add("entities that start with an I-, E- or L- tag (read as B-, like seqeval)")
                open_span = {"start": start, "end": end, "label": label}
                spans.append(open_span)
            if prefix in "ESLU":
                open_span = None  # the entity ends at this token
    text = "".join(pieces)
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
))

__all__ = ["FORMAT", "export_conll", "read_conll"]
