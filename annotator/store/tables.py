"""Core handles of the project tables, under short names, for the bulk queries.

Reads and bulk writes go through SQLAlchemy Core (the ORM costs several times more per row),
and every module that builds such queries uses these same names.
"""

from annotator.store.models import (
    Actor,
    ActorAlias,
    Annotator,
    Document,
    DocumentLabel,
    DocumentStatus,
    Label,
    Note,
    Relation,
    Span,
)

ACTOR = Actor.__table__
ALIAS = ActorAlias.__table__
ANNOTATOR = Annotator.__table__
DOC = Document.__table__
DOC_LABEL = DocumentLabel.__table__
LABEL = Label.__table__
NOTE = Note.__table__
REL = Relation.__table__
SPAN = Span.__table__
STATUS = DocumentStatus.__table__
