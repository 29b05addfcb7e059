"""Merging a teammate's project file or canonical JSONL export into this project.

Built on the dataset machinery rather than beside it: the other project is read as canonical
documents with every layer (``formats.select``), a JSONL export is read as it is, and both are
written by ``formats.ingest``, which already matches documents by content hash and skips spans,
relations, document labels and notes a matched document has. So re-merging the same file adds
nothing, and the teammate's layers arrive under their own annotator names; gold arrives with its
provenance (whose version, who accepted it) and spans with their reviewers' comments.

What merge adds on top:
- nothing of the receiving project is overwritten: a document status the receiving project
  already has for an annotator is kept (ingest would let the file's replace it);
- a document whose external id is already used here for a *different* text is kept as a
  separate document (ingest's content-hash rule) and reported as a clash, so the reviewer knows
  two versions of "article-12" now exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.formats.base import CanonicalDoc, ExportOptions
from annotator.formats.ingest import IngestReport, content_hash, ingest_documents
from annotator.store.database import is_url, location_to_url, sqlite_path
from annotator.store.project import Project
from annotator.store.tables import ANNOTATOR, DOC, STATUS
from annotator.tasks import TaskControl


@dataclass
class MergeReport:
    """What one merge did; ``clashes`` are (external id, new document id) kept apart."""

    source: str
    ingest: IngestReport
    clashes: list[tuple[str, int]] = field(default_factory=list)
    statuses_kept: int = 0  # statuses of the receiving project the file would have replaced

    def lines(self) -> list[str]:
        r = self.ingest
        lines = [(f"{self.source}: {r.documents_added} new documents, {r.documents_matched} matched by text; "
                  f"added {r.spans} spans, {r.relations} relations, {r.doc_labels} document labels, "
                  f"{r.notes} document notes, {r.span_notes} span notes, {r.span_comments} reviewer comments; "
                  f"{r.already_present} items already present")]
        if r.provenance_filled:
            lines.append(f"gave {r.provenance_filled} gold spans here the provenance they lacked")
        if r.new_annotators:
            lines.append(f"new annotators: {', '.join(r.new_annotators)}")
        for name, doc_id in self.clashes:
            lines.append(f"clash: document id '{name}' already exists here with a different text; "
                         f"kept as separate document {doc_id}")
        if self.statuses_kept:
            lines.append(f"kept {self.statuses_kept} document statuses of this project")
        return lines


def read_other(location: str | Path) -> list[CanonicalDoc]:
    """Every document of another project (all layers) or of a canonical JSONL export."""
    text = str(location)
    if text.lower().endswith(".jsonl"):
        from annotator.formats.jsonl import read_lines

        path = Path(text)
        if not path.is_file():
            raise UserError(Errors.E815.format(path=path))
        return read_lines(path)
    if "://" not in text and not Path(text).is_file():
        raise UserError(Errors.E815.format(path=text))
    from annotator.formats.select import select_documents

    try:
        with Project.open(text, create=False) as other:
            return list(select_documents(other, ExportOptions(layer="all")))
    except UserError:
        raise
    except Exception as exc:
        raise UserError(Errors.E902.format(path=text)) from exc


def merge(project: Project, location: str | Path, *, control: TaskControl | None = None) -> MergeReport:
    """Merge one project file / URL or canonical JSONL into ``project`` (idempotent)."""
    if _same_file(project, location):
        raise UserError(Errors.E903.format(path=location))
    docs = read_other(location)
    hashes = [content_hash(doc["text"].replace("\r\n", "\n").replace("\r", "\n")) for doc in docs]
    names = [str(doc.get("id", "")) for doc in docs]
    known_hashes, known_names, statuses = _existing(project, hashes, names)
    kept = 0
    for doc, digest in zip(docs, hashes, strict=True):
        doc_id = known_hashes.get(digest)
        if doc_id is not None and doc.get("status"):
            mine = statuses.get(doc_id, set())
            before = len(doc["status"])
            doc["status"] = {name: value for name, value in doc["status"].items() if name.strip() not in mine}
            kept += before - len(doc["status"])
    report = ingest_documents(project, docs, control=control, source=str(location))
    clash_names = [name for name, digest in zip(names, hashes, strict=True)
                   if digest not in known_hashes and name in known_names]
    clashes = []
    if clash_names:
        by_hash = _ids_by_hash(project, [digest for name, digest in zip(names, hashes, strict=True)
                                         if name in set(clash_names) and digest not in known_hashes])
        for name, digest in zip(names, hashes, strict=True):
            if name in set(clash_names) and digest in by_hash:
                clashes.append((name, by_hash[digest]))
    return MergeReport(str(location), report, clashes, kept)


def merge_all(project: Project, locations: Sequence[str | Path]) -> list[MergeReport]:
    return [merge(project, location) for location in locations]


def _same_file(project: Project, location: str | Path) -> bool:
    """True when ``location`` names the open project itself (same file, or same database URL)."""
    if is_url(location):
        return location_to_url(location) == project.engine.url
    mine = sqlite_path(project.engine.url)
    theirs = Path(str(location))
    try:
        return mine is not None and theirs.exists() and mine.resolve() == theirs.resolve()
    except (OSError, TypeError):
        return False


def _existing(project: Project, hashes: list[str],
              names: list[str]) -> tuple[dict[str, int], set[str], dict[int, set[str]]]:
    """Known hashes → ids, known external ids, and the statuses matched documents have."""
    known: dict[str, int] = {}
    known_names: set[str] = set()
    statuses: dict[int, set[str]] = {}
    with project.reading() as connection:
        for start in range(0, len(hashes), 500):
            known.update(connection.execute(sa.select(DOC.c.content_hash, DOC.c.id)
                                            .where(DOC.c.content_hash.in_(hashes[start:start + 500]))).all())
            known_names.update(connection.execute(sa.select(DOC.c.name)
                                                  .where(DOC.c.name.in_(names[start:start + 500]))).scalars())
        ids = sorted(set(known.values()))
        for start in range(0, len(ids), 500):
            for doc_id, name in connection.execute(
                    sa.select(STATUS.c.document_id, ANNOTATOR.c.name)
                    .join(ANNOTATOR, ANNOTATOR.c.id == STATUS.c.annotator_id)
                    .where(STATUS.c.document_id.in_(ids[start:start + 500]))):
                statuses.setdefault(doc_id, set()).add(name)
    return known, known_names, statuses


def _ids_by_hash(project: Project, hashes: list[str]) -> dict[str, int]:
    with project.reading() as connection:
        return dict(connection.execute(sa.select(DOC.c.content_hash, DOC.c.id)
                                       .where(DOC.c.content_hash.in_(hashes))).all())
