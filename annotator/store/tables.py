"""Core handles of the project tables, under short names, for the bulk queries.

Reads and bulk writes go through SQLAlchemy Core (the ORM costs several times more per row),
and every module that builds such queries uses these same names.
"""

from annotator.store.models import (
    ACTOR,
    ALIAS,
    ANNOTATOR,
    CHANGE_LOG,
    DOC,
    DOC_LABEL,
    LABEL,
    MODEL_VERSION,
    NOTE,
    REL,
    REVIEW_DECISION,
    SETTING,
    SPAN,
    STATUS,
)

__all__ = ["ACTOR", "ALIAS", "ANNOTATOR", "CHANGE_LOG", "DOC", "DOC_LABEL", "LABEL", "MODEL_VERSION", "NOTE", "REL",
           "REVIEW_DECISION", "SETTING", "SPAN", "STATUS"]
