"""Storage: the project database, its migrations, and reading and editing what it holds.

No Qt here. ``Project.open(path_or_url)`` is the way in.

``Project`` is loaded on first use (PEP 562): importing it brings in SQLAlchemy, about 0.2 s,
and a plain record type or the SQLAlchemy-free quick reads of ``annotator show``/``docs``
(``annotator.store.quick_reads``) must not pay for that.
"""

from typing import TYPE_CHECKING, Any

from annotator.store.records import DeletedSpan, DocumentRecord, DocumentSummary, RelationRecord, SpanRecord

if TYPE_CHECKING:
    from annotator.store.project import Project

__all__ = ["DeletedSpan", "DocumentRecord", "DocumentSummary", "Project", "RelationRecord", "SpanRecord"]


def __getattr__(name: str) -> Any:
    if name == "Project":
        from annotator.store.project import Project

        return Project
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
