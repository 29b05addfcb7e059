"""Core handles of the project tables, under short names, for the bulk queries.

Reads and bulk writes go through SQLAlchemy Core (the ORM costs several times more per row),
and every module that builds such queries uses these same names.
"""

from sqlmodel import SQLModel

import annotator.store.models  # noqa: F401  (declares the tables)

_TABLES = SQLModel.metadata.tables  # typed as Table, which the models' ``__table__`` is not to a checker

ACTOR = _TABLES["actor"]
ALIAS = _TABLES["actor_alias"]
ANNOTATOR = _TABLES["annotator"]
CHANGE_LOG = _TABLES["change_log"]
DOC = _TABLES["document"]
DOC_LABEL = _TABLES["document_label"]
LABEL = _TABLES["label"]
NOTE = _TABLES["note"]
REL = _TABLES["relation"]
REVIEW_DECISION = _TABLES["review_decision"]
SETTING = _TABLES["project_setting"]
SPAN = _TABLES["span"]
STATUS = _TABLES["document_status"]
