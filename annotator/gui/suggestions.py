"""Model suggestions in the editor: which shown spans are suggestions.

Deciding on them (accept, reject, one or all of a label or document) is a core operation
(``annotator.ops.suggestions``): one transaction each way, a redo of an acceptance putting the
copies back under their first ids, so later steps that name them stay valid.
"""

from __future__ import annotations

from annotator.store.records import SpanRecord

LAYER = "suggestion"


def is_suggestion(span: SpanRecord) -> bool:
    return span.layer == LAYER
