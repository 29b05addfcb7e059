"""spaCy DocBin (``.spacy``): training data for ``spacy train``, and back.

Every document becomes a ``Doc`` tokenized by ``spacy.blank("en")`` (no model needed):

* all spans go to ``doc.spans["sc"]`` (``SPANS_KEY``, the key spaCy's ``spancat`` reads by default),
  overlaps included;
* the non-overlapping subset goes to ``doc.ents`` for ``ner``, chosen greedily longest first
  (ties: the earlier span), as ``spacy.util.filter_spans`` does; the rest are counted;
* spans that do not fall on token boundaries are widened to whole tokens
  (``char_span(alignment_mode="expand")``) and counted;
* relations, attributes, notes and exact offsets cannot live in a spaCy ``Doc``, so the whole
  canonical document (without its text) is kept as a JSON string in
  ``doc.user_data["annotator"]`` (``USER_DATA_KEY``; DocBin saves it with ``store_user_data=True``;
  JSON because msgpack would bring lists back as tuples). Import prefers it, which
  makes our own round trip lossless; DocBins from elsewhere are read from ``doc.spans["sc"]`` or,
  without it, ``doc.ents``.

Export also writes ``config.cfg`` beside the file (``spacy init config``: English, ``ner``,
efficiency, CPU) with ``paths.train``/``paths.dev`` set relative to the folder, so
``python -m spacy train config.cfg`` run in that folder trains on the export as it is. In a split
folder (``train.spacy``, ``dev.spacy``, ``test.spacy``) the one config points at train and dev; a
single file is used as both. To train ``spancat`` instead, init a config with ``-p spancat``: its
default ``spans_key`` is ``sc``.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

from annotator.errors import Errors, UserError
from annotator.formats.base import CanonicalDoc, Format, LossReport, ReadOptions, register
from annotator.formats.canonical import CanonicalSpan, new_document
from annotator.formats.foreign import add_span
from annotator.output_files import OutputSet, staging

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

SPANS_KEY = "sc"
USER_DATA_KEY = "annotator"
SPLIT_NAMES = ("train", "dev", "test")


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
    from spacy.util import filter_spans

    nlp = blank_english()
    docbin = DocBin(store_user_data=True)
    for canonical in docs:
        doc = nlp.make_doc(canonical["text"])
        spans = [aligned for span in canonical["spans"] if (aligned := token_aligned(doc, span, report)) is not None]
        doc.spans[SPANS_KEY] = spans
        doc.ents = filter_spans(spans)
        report.add(f"overlapping spans from doc.ents (they are in doc.spans['{SPANS_KEY}'] only)",
                   len(spans) - len(doc.ents))
        doc.user_data[USER_DATA_KEY] = json.dumps({key: value for key, value in canonical.items() if key != "text"},
                                                  ensure_ascii=False)
        docbin.add(doc)
    outputs.write_bytes(out, docbin.to_bytes())
    _write_config(out, outputs)


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
    from spacy.tokens import DocBin

    vocab = blank_english().vocab
    docs: list[CanonicalDoc] = []
    for path in paths:
        try:
            data = path.read_bytes()
            # counting stops just past the limit, so a refused bomb's size is a lower bound
            options.limits.check_file_size(_unpacked_size(data, options.limits.max_file_bytes), f"{path}, unpacked,")
            spacy_docs = list(DocBin().from_bytes(data).get_docs(vocab))
        except ZeroDivisionError:  # spaCy divides the token array by the number of attributes
            raise UserError(Errors.E874.format(path=path, problem="it lists no token attributes ('attrs' is empty)")) from None
        except (ValueError, KeyError, TypeError, OSError, zlib.error) as error:
            raise UserError(Errors.E874.format(path=path, problem=error)) from None
        docs.extend(_canonical(doc, f"{path.stem}-{number}", options, path) for number, doc in enumerate(spacy_docs, 1))
    yield from docs


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


def _canonical(doc: Doc, fallback_id: str, options: ReadOptions, path: Path) -> CanonicalDoc:
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
    spans = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans and len(doc.spans[SPANS_KEY]) else doc.ents
    for span in spans:
        add_span(canonical, span.start_char, span.end_char, span.label_, options, where=(Path(fallback_id), 0))
    return canonical


FORMAT = register(Format(
    name="spacy",
    description="spaCy DocBin (.spacy) with doc.ents, doc.spans['sc'] and a training config.cfg",
    target="file",
    suffix=".spacy",
    export=export,
    read=read,
    side_files=config_files,
))
