"""Storage: the project database, its migrations, and reading and editing what it holds.

No Qt here. ``Project.open(path_or_url)`` is the way in.
"""

from annotator.store.project import Project
from annotator.store.records import DeletedSpan, DocumentRecord, DocumentSummary, RelationRecord, SpanRecord

__all__ = ["DeletedSpan", "DocumentRecord", "DocumentSummary", "Project", "RelationRecord", "SpanRecord"]
