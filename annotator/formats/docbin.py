"""spaCy DocBin (``.spacy``): training data for ``spacy train``, and back.

Every document becomes a ``Doc`` tokenized by ``spacy.blank("en")`` (no model needed):

* each span goes where its attribute ``spacy_key`` (``PLACE_ATTR``) says it came from: a span key
  of ``doc.spans``, ``doc.ents`` (the place ``"doc.ents"``, ``ENTS``), or a list of several. A span
  without it (made here) goes to ``doc.spans["sc"]`` (``SPANS_KEY``, the key spaCy's ``spancat``
  reads by default), overlaps included, and, if it overlaps no other, to ``doc.ents`` for ``ner``,
  chosen greedily longest first (ties: the earlier span), as ``spacy.util.filter_spans`` does; the
  rest are counted. A span recorded for ``doc.ents`` that overlaps another recorded one goes to
  ``doc.spans["sc"]`` instead and is counted;
* spans that do not fall on token boundaries are widened to whole tokens
  (``char_span(alignment_mode="expand")``) and counted; a span's ``kb_id`` attribute is its ``kb_id``;
* document labels are ``doc.cats`` with the score 1.0; the categories a file scored below 0.5
  (``CATS_META`` in the document's metadata, see below) are written back with their scores unless
  the document now has that label;
* relations, attributes, notes and exact offsets cannot live in a spaCy ``Doc``, so the whole
  canonical document (without its text) is kept as a JSON string in
  ``doc.user_data["annotator"]`` (``USER_DATA_KEY``; DocBin saves it with ``store_user_data=True``;
  JSON because msgpack would bring lists back as tuples). Import prefers it, which
  makes our own round trip lossless.

DocBins from elsewhere are read whole (a DocBin is one compressed msgpack object: see
``_spacy_docs`` for what is held while it is read): every span of ``doc.ents`` and of every span group becomes
a span whose ``spacy_key`` records where it was (an attribute, as the other importers keep what
their tool says beyond the label: Prodigy's ``kb_id``, Label Studio's per-region values; a span's
``source`` is the model that suggested it, not a place in a file). The same span (offsets and
label) in ``doc.ents`` and a span group, or in two groups, is one span recording every place; the
same span twice in one place is handed to ingestion, which stores it once and counts the repeat.
A category (``doc.cats``) scored 0.5 or more is a document label; one scored below is a label the
document does not have, kept with its score in the metadata under ``spacy_cats`` so that an export
gives spaCy the same negative examples; scores between 0.5 and 1 are counted, since a document
label has no score. Spans without a label, span group attributes (spancat's scores) and token
annotations (tags, POS, dependencies, lemmas, morphology, sentence starts) are counted by kind.

Export also writes ``config.cfg`` beside the file (``spacy init config``: English, ``ner``,
efficiency, CPU) with ``paths.train``/``paths.dev`` set relative to the folder, so
``python -m spacy train config.cfg`` run in that folder trains on the export as it is. In a split
folder (``train.spacy``, ``dev.spacy``, ``test.spacy``) the one config points at train and dev; a
single file is used as both. To train ``spancat`` instead, init a config with ``-p spancat``: its
default ``spans_key`` is ``sc``.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from annotator.errors import Errors, UserError
from annotator.formats.base import CanonicalDoc, Format, LossReport, ReadOptions, register
from annotator.formats.canonical import CanonicalSpan, new_document
from annotator.formats.foreign import add_span
from annotator.output_files import OutputSet, staging

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, DocBin, Span
    from spacy.vocab import Vocab

SPANS_KEY = "sc"
USER_DATA_KEY = "annotator"
SPLIT_NAMES = ("train", "dev", "test")
#: The span attribute recording where in a ``Doc`` a span was (a span key, ``ENTS``, or a list).
PLACE_ATTR = "spacy_key"
#: The place of ``doc.ents`` in ``PLACE_ATTR`` (a span key is any string; this one names the entities).
ENTS = "doc.ents"
#: Document metadata holding the categories a file scored below ``CAT_THRESHOLD``, with their scores.
NEGATIVE_CATS = "spacy_negative_cats"
#: spaCy's own threshold for a category the document has (``textcat``'s default).
CAT_THRESHOLD = 0.5
#: Token annotations a foreign DocBin may hold, counted since the schema has no place for them.
_TOKEN_ANNOTATIONS = (("TAG", "tag_", "fine-grained tags"), ("POS", "pos_", "part-of-speech tags"),
                      ("DEP", "dep_", "dependency arcs"), ("LEMMA", "lemma_", "lemmas"),
                      ("MORPH", "morph", "morphological analyses"))


@lru_cache(maxsize=1)
def blank_english() -> Language:
    """The tokenizer every spaCy-based export uses (imported here so CLI start-up stays fast)."""
    import spacy

    return spacy.blank("en")


def token_aligned(doc: Doc, span: CanonicalSpan, report: LossReport) -> Span | None:
    """The span widened to whole tokens; counts spans that moved and spans that cover no token."""
    aligned = doc.char_span(span["start"], span["end"], label=span["label"], alignment_mode="expand")
    if aligned is None or len(aligned) == 0:
        report.add("spans that cover no token (whitespace only)")
        return None
    if (aligned.start_char, aligned.end_char) != (span["start"], span["end"]):
        report.add("exact span boundaries (spans widened to whole tokens)")
    return aligned


@contextmanager
def _encoders_resolved_once() -> Iterator[None]:
    """Let srsly look up its msgpack encoders once instead of for every packer it creates.

    ``DocBin.add`` packs each document's user data and span groups with a new msgpack packer,
    and every packer asks the ``catalogue`` registry for its encoders, which scans the installed
    packages' entry points and the whole registry: about 1 ms per document, 36 s for 10,000
    documents. The encoders cannot change during an export, so the first answer is reused
    until the export ends.
    """
    from srsly.msgpack import msgpack_encoders

    resolved = msgpack_encoders.get_all()
    msgpack_encoders.get_all = lambda: resolved  # type: ignore[method-assign]
    try:
        yield
    finally:
        del msgpack_encoders.get_all  # back to the class's own method


def export(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None) -> None:
    with _encoders_resolved_once(), staging(outputs) as files:
        _export(docs, out, report, files)


def _export(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet) -> None:
    from spacy.tokens import DocBin

    nlp = blank_english()
    docbin = DocBin(store_user_data=True)
    for canonical in docs:
        doc = nlp.make_doc(canonical["text"])
        _place_spans(doc, canonical, report)
        doc.cats = _cats(canonical)
        doc.user_data[USER_DATA_KEY] = json.dumps({key: value for key, value in canonical.items() if key != "text"},
                                                  ensure_ascii=False)
        docbin.add(doc)
    outputs.write_bytes(out, docbin.to_bytes())
    _write_config(out, outputs)


def places(span: CanonicalSpan) -> list[str]:
    """The places recorded for a span (``PLACE_ATTR``), in order and once each; [] if none."""
    value = (span.get("attrs") or {}).get(PLACE_ATTR)
    listed = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return list(dict.fromkeys(item for item in listed if isinstance(item, str) and item))


def place_value(keys: list[str]) -> str | list[str]:
    """``PLACE_ATTR``'s value: one place as a string (the usual case), several as a list."""
    return keys[0] if len(keys) == 1 else keys


def _place_spans(doc: Doc, canonical: CanonicalDoc, report: LossReport) -> None:
    """Put each span where it was recorded, or by the default rule (``sc``, and ``doc.ents`` if free)."""
    from spacy.util import filter_spans

    groups: dict[str, list[Span]] = {}
    recorded: list[tuple[Span, list[str]]] = []  # spans recorded for doc.ents, with all their places
    unplaced: list[Span] = []
    for span in canonical["spans"]:
        aligned = token_aligned(doc, span, report)
        if aligned is None:
            continue
        kb_id = (span.get("attrs") or {}).get("kb_id")
        if isinstance(kb_id, str) and kb_id:
            aligned.kb_id_ = kb_id
        keys = places(span)
        if not keys:
            unplaced.append(aligned)
        if ENTS in keys:
            recorded.append((aligned, keys))
        for key in keys if keys else [SPANS_KEY]:
            if key != ENTS:
                groups.setdefault(key, []).append(aligned)
    ents = filter_spans([entity for entity, _keys in recorded])
    chosen = {id(entity) for entity in ents}
    for entity, keys in recorded:
        if id(entity) not in chosen:
            report.add(f"spans recorded for doc.ents that overlap another there (kept in doc.spans['{SPANS_KEY}'] "
                       "or their span group)")
            if keys == [ENTS]:
                groups.setdefault(SPANS_KEY, []).append(entity)
    taken = {token for entity in ents for token in range(entity.start, entity.end)}
    free = filter_spans([entity for entity in unplaced if taken.isdisjoint(range(entity.start, entity.end))])
    report.add(f"overlapping spans from doc.ents (they are in doc.spans['{SPANS_KEY}'] only)",
               len(unplaced) - len(free))
    doc.ents = sorted([*ents, *free], key=lambda entity: entity.start)
    if unplaced or not canonical["spans"]:
        groups.setdefault(SPANS_KEY, [])
    for key, group in groups.items():
        doc.spans[key] = group


def _cats(canonical: CanonicalDoc) -> dict[str, float]:
    """``doc.cats``: every document label at 1.0, and the negative examples a file brought (scored
    below the threshold, kept in the metadata) unless the document has that label now."""
    labels = {label["label"] for label in canonical["doc_labels"]}
    negatives = (canonical.get("meta") or {}).get(NEGATIVE_CATS)
    cats = {label: float(score) for label, score in (negatives.items() if isinstance(negatives, dict) else ())
            if label not in labels and _is_score(score)}
    cats.update((label, 1.0) for label in sorted(labels))
    return cats


def _is_score(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def config_files(out: Path) -> list[Path]:
    """The training config written beside ``out`` (a user's own one is replaced only with --force)."""
    return [out.parent / "config.cfg"]


def _write_config(out: Path, outputs: OutputSet) -> None:
    """Write ``config.cfg`` beside ``out`` so ``spacy train`` runs on the export unchanged."""
    from spacy.cli.init_config import init_config

    if out.stem in SPLIT_NAMES:
        train, dev = f"train{out.suffix}", f"dev{out.suffix}"
    else:
        train = dev = out.name
    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
    config["paths"]["train"] = train
    config["paths"]["dev"] = dev
    outputs.write_text(config_files(out)[0], config.to_str())


def read(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    """Each file's documents, a ``Doc`` made and handed on at a time (see ``_spacy_docs``)."""
    vocab = blank_english().vocab
    for path in paths:
        for number, doc in enumerate(_spacy_docs(path, vocab, options), 1):
            yield _canonical(doc, f"{path.stem}-{number}", options, path, report)


def _spacy_docs(path: Path, vocab: Vocab, options: ReadOptions) -> Iterator[Doc]:
    """The file's ``Doc`` objects one at a time, each made as it is asked for (``DocBin.get_docs``).

    A DocBin is one msgpack object compressed whole, with every document's tokens in one array, so
    it cannot be read a document at a time: ``DocBin.from_bytes`` holds the unpacked bytes and
    msgpack's copy of them at once, about twice the unpacked size (an 8 MB file of 14,000 articles
    unpacks to 599 MB and peaks at 1.3 GB), which stays the peak. The file's bytes are let go once
    it is unpacked, and what no longer grows with the file is the rest: the documents made of it
    and their canonical forms, which used to be built for the whole file before the first was
    handed on."""
    with _refused_as_docbin(path):
        docs = _unpacked(path, options).get_docs(vocab)
    while True:
        with _refused_as_docbin(path):
            doc = next(docs, None)
        if doc is None:
            return
        yield doc


@contextmanager
def _refused_as_docbin(path: Path) -> Iterator[None]:
    """Whatever spaCy raises on a file that is not a DocBin, as E874 naming the file."""
    try:
        yield
    except ZeroDivisionError:  # spaCy divides the token array by the number of attributes
        raise UserError(Errors.E874.format(path=path, problem="it lists no token attributes ('attrs' is empty)")) from None
    except (ValueError, KeyError, TypeError, OSError, zlib.error) as error:
        raise UserError(Errors.E874.format(path=path, problem=error)) from None


def _unpacked(path: Path, options: ReadOptions) -> DocBin:
    """The file's DocBin, its size unpacked checked first; the file's bytes are let go on return."""
    from spacy.tokens import DocBin

    data = path.read_bytes()
    # counting stops just past the limit, so a refused bomb's size is a lower bound
    options.limits.check_file_size(_unpacked_size(data, options.limits.max_file_bytes), f"{path}, unpacked,")
    return DocBin().from_bytes(data)


def _unpacked_size(data: bytes, cap: int) -> int:
    """The size of DocBin's zlib-compressed ``data`` once unpacked, counted a megabyte at a time
    and stopping once past ``cap``, so a zip bomb (a few MB unpacking to many GB) is measured
    without ever being held in memory."""
    inflater = zlib.decompressobj()
    size, pending = 0, data
    while pending and size <= cap:
        size += len(inflater.decompress(pending, 1 << 20))
        pending = inflater.unconsumed_tail
    return size


def _canonical(doc: Doc, fallback_id: str, options: ReadOptions, path: Path, report: LossReport) -> CanonicalDoc:
    saved = doc.user_data.get(USER_DATA_KEY)
    if isinstance(saved, str):
        try:
            record = json.loads(saved)
        except (ValueError, RecursionError) as error:
            raise UserError(Errors.E874.format(path=path, problem=f"its annotator data is not JSON: {error}")) from None
        if not isinstance(record, dict):
            raise UserError(Errors.E874.format(path=path, problem="its annotator data is not a JSON object"))
        return cast(CanonicalDoc, {**record, "text": doc.text})  # as the file says: ingest checks it
    canonical = new_document(fallback_id, doc.text)
    _read_spans(doc, canonical, options, report)
    read_cats(doc.cats, canonical, options, report)
    _count_token_annotations(doc, report)
    report.add("spaCy custom data of documents (doc.user_data, e.g. extension attributes)",
               sum(1 for key in doc.user_data if key != USER_DATA_KEY))
    return canonical


def _read_spans(doc: Doc, canonical: CanonicalDoc, options: ReadOptions, report: LossReport) -> None:
    """Every span of ``doc.ents`` and of each span group, once per offsets and label, with its places."""
    placed = PlacedSpans(canonical, options)
    for key, spans in [(ENTS, doc.ents), *doc.spans.items()]:
        if key != ENTS:
            report.add("attributes of spaCy span groups (e.g. spancat's scores)", len(doc.spans[key].attrs))
        placed.start_place(key)
        for span in spans:
            if span.label_.strip():
                placed.add(span.start_char, span.end_char, span.label_, span.kb_id_)
            else:
                report.add("spaCy spans without a label")


class PlacedSpans:
    """The spans of one document read from spaCy's places (``doc.ents``, span keys), one place at a
    time: the same offsets and label in another place add that place to the first span (one span,
    every place recorded); in the same place again they are a new span, which ingestion stores once
    and counts as a duplicate, as it does for every importer."""

    def __init__(self, canonical: CanonicalDoc, options: ReadOptions) -> None:
        self.canonical, self.options = canonical, options
        self.found: dict[tuple[int, int, str], CanonicalSpan] = {}
        self.key, self.here = ENTS, set[tuple[int, int, str]]()

    def start_place(self, key: str) -> None:
        self.key, self.here = key, set()

    def add(self, start: int, end: int, label: str, kb_id: str = "") -> None:
        """Offsets must fit the text (the caller has checked them)."""
        identity = (start, end, label)
        if identity in self.found and identity not in self.here:
            first = self.found[identity]
            first["attrs"][PLACE_ATTR] = place_value([*places(first), self.key])
        else:
            attrs: dict[str, Any] = {PLACE_ATTR: self.key} | ({"kb_id": kb_id} if kb_id else {})
            span = add_span(self.canonical, start, end, label, self.options,
                            where=(Path(self.canonical["id"]), 0), attrs=attrs)
            self.found.setdefault(identity, span)
        self.here.add(identity)


def read_cats(cats: dict[Any, Any], canonical: CanonicalDoc, options: ReadOptions, report: LossReport) -> None:
    """spaCy's categories: one scored at least the threshold is a document label; one below it is a
    label the document does not have, kept with its score in the metadata (``NEGATIVE_CATS``) so
    an export gives spaCy the same negative examples."""
    negatives: dict[str, float] = {}
    for label, score in cats.items():
        if not isinstance(label, str) or not label.strip() or not _is_score(score):
            report.add("spaCy categories that are not a named label with a number as score")
        elif score >= CAT_THRESHOLD:
            canonical["doc_labels"].append({"label": label, "annotator": options.annotator, "layer": options.layer})
            report.add("scores of spaCy categories between 0.5 and 1 (a document label has no score; "
                       "exported as 1.0)", int(score < 1))
        else:
            negatives[label] = float(score)
    if negatives:
        canonical["meta"][NEGATIVE_CATS] = negatives


def _count_token_annotations(doc: Doc, report: LossReport) -> None:
    """Token-level analyses have no place in the schema: counted by kind, as XMI's DKPro layers are."""
    for attr, name, what in _TOKEN_ANNOTATIONS:
        if doc.has_annotation(attr):
            report.add(f"spaCy token {what} (token annotations are not part of the schema)",
                       sum(1 for token in doc if str(getattr(token, name))))
    if doc.has_annotation("SENT_START") and not doc.has_annotation("DEP"):
        report.add("spaCy sentence boundaries (the text keeps its sentences; boundaries are not stored)",
                   sum(1 for _sentence in doc.sents))


FORMAT = register(Format(
    name="spacy",
    description="spaCy DocBin (.spacy): doc.ents, every doc.spans key, doc.cats, and a training config.cfg",
    target="file",
    suffix=".spacy",
    export=export,
    read=read,
    side_files=config_files,
))
